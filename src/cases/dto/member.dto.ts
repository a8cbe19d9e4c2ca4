import { UUID, TIMESTAMP, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { CaseMemberRole } from '../case-member.entity';
import type { MemberRecord } from '../cases.repository';
import { MEMBER_ROLES } from './case.dto';

export class AddMemberDto {
  @ApiProperty({ ...UUID, description: 'An active user with the investigator, analyst or supervisor role' })
  @IsUUID()
  userId!: string;

  @ApiProperty({ enum: MEMBER_ROLES, description: '`lead` hands the lead over (the current lead stays as `member`; investigators and supervisors only)' })
  @IsIn(MEMBER_ROLES)
  role!: CaseMemberRole;
}

export class UpdateMemberDto {
  @ApiProperty({ enum: MEMBER_ROLES, description: '`lead` hands the lead over; the lead itself cannot step down to another role (make someone else lead)' })
  @IsIn(MEMBER_ROLES)
  role!: CaseMemberRole;
}

export class MemberListQueryDto extends PageQueryDto {}

export class MemberResponseDto {
  @ApiProperty(UUID) caseId!: string;
  @ApiProperty(UUID) userId!: string;
  @ApiProperty({ enum: MEMBER_ROLES }) role!: CaseMemberRole;
  @ApiProperty(TIMESTAMP) addedAt!: string;
  @ApiProperty({ ...VERSION, description: 'Send it back as If-Match to change or remove the membership' }) version!: number;
}

export const MemberPageDto = PageOf(MemberResponseDto);

export function toMemberResponse(m: MemberRecord): MemberResponseDto {
  return { caseId: m.caseId, userId: m.userId, role: m.role, addedAt: m.addedAt.toISOString(), version: m.version };
}
