import { UUID, TIMESTAMP, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { IsOptionalNotNull, TEXT } from '../../common/validators';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { CaseMemberRole } from '../case-member.entity';
import type { CaseSensitivity, CaseStatus } from '../case.entity';
import type { CaseRecord } from '../cases.repository';

export const CASE_STATUSES: readonly CaseStatus[] = ['open', 'active', 'closed'];
export const SENSITIVITIES: readonly CaseSensitivity[] = ['restricted', 'confidential', 'secret'];
export const MEMBER_ROLES: readonly CaseMemberRole[] = ['lead', 'member', 'viewer'];

const TEXT_MESSAGE = 'must not contain control characters';

export class CreateCaseDto {
  @ApiProperty({ example: 'Yanbian Silverstar / Volasys Silverstar IT workers', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: `title ${TEXT_MESSAGE}` })
  title!: string;

  @ApiPropertyOptional({ example: 'DPRK IT workers under false identities; E.D. Missouri indictment, December 2024', maxLength: 10_000, default: '' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(10_000)
  @Matches(TEXT, { message: `summary ${TEXT_MESSAGE}` })
  summary?: string;

  @ApiProperty({ enum: SENSITIVITIES, example: 'confidential' })
  @IsIn(SENSITIVITIES)
  sensitivity!: CaseSensitivity;

  @ApiPropertyOptional({ ...UUID, description: 'The lead investigator (an active investigator or supervisor). Default: the creator. The creator is always a member.' })
  @IsOptionalNotNull()
  @IsUUID()
  leadInvestigatorId?: string;
}

export class UpdateCaseDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: `title ${TEXT_MESSAGE}` })
  title?: string;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(10_000)
  @Matches(TEXT, { message: `summary ${TEXT_MESSAGE}` })
  summary?: string;

  @ApiPropertyOptional({ enum: SENSITIVITIES })
  @IsOptionalNotNull()
  @IsIn(SENSITIVITIES)
  sensitivity?: CaseSensitivity;

  @ApiPropertyOptional({ ...UUID, description: 'Hand the lead to this user (added as a member if needed); the current lead stays as a `member`. Lead or supervisors only.' })
  @IsOptionalNotNull()
  @IsUUID()
  leadInvestigatorId?: string;

  @ApiPropertyOptional({ enum: CASE_STATUSES, description: '`open` → `active` → `closed`; `closed` → `active` (reopen) by supervisors only, with a `reason`. Other moves: 409 naming the allowed ones.' })
  @IsOptionalNotNull()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ maxLength: 1000, description: 'Why: required to reopen a closed case; recorded in the audit trail with any status or legal-hold change' })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(TEXT, { message: `reason ${TEXT_MESSAGE}` })
  reason?: string;

  @ApiPropertyOptional({ description: 'Set or clear the legal hold (supervisors only)' })
  @IsOptionalNotNull()
  @IsBoolean()
  legalHold?: boolean;
}

export type CaseSort = 'activity' | 'number';

export class CaseListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;

  @ApiPropertyOptional({ enum: SENSITIVITIES })
  @IsOptional()
  @IsIn(SENSITIVITIES)
  sensitivity?: CaseSensitivity;

  @ApiPropertyOptional({ ...UUID, description: 'Cases this user is a member of (supervisors only: 403 for others)' })
  @IsOptional()
  @IsUUID()
  memberId?: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'silverstar', description: 'A case number (`CF-2024-0001`, exact) or words of the title (all of them, any order, whole words)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: `q ${TEXT_MESSAGE}` })
  q?: string;

  @ApiPropertyOptional({ enum: ['activity', 'number'], default: 'activity', description: '`activity`: most recent activity first; `number`: newest case number first' })
  @IsOptional()
  @IsIn(['activity', 'number'])
  sort: CaseSort = 'activity';
}

export class MyCasesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CASE_STATUSES })
  @IsOptional()
  @IsIn(CASE_STATUSES)
  status?: CaseStatus;
}

export class CaseResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ example: 'CF-2024-0001', pattern: '^CF-\\d{4}-\\d{4,}$', maxLength: 20 }) caseNumber!: string;
  @ApiProperty({ maxLength: 200, example: 'Yanbian Silverstar / Volasys Silverstar IT workers' }) title!: string;
  @ApiProperty({ maxLength: 10_000, example: 'DPRK IT workers under false identities' }) summary!: string;
  @ApiProperty({ enum: CASE_STATUSES }) status!: CaseStatus;
  @ApiProperty({ enum: SENSITIVITIES }) sensitivity!: CaseSensitivity;
  @ApiProperty(UUID) leadInvestigatorId!: string;
  @ApiProperty({ description: 'Under legal hold: nothing of the case may be destroyed' }) legalHold!: boolean;
  @ApiProperty(UUID) createdBy!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty({ ...TIMESTAMP, description: 'The last change of the case or of anything under it' }) lastActivityAt!: string;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) closedAt!: string | null;
  @ApiProperty({ ...VERSION, description: 'Send it back as If-Match: W/"<version>" to change the case' }) version!: number;
  @ApiProperty({ enum: MEMBER_ROLES, nullable: true, description: "The caller's role in the case (null: a supervisor who is not a member)" }) myRole!: CaseMemberRole | null;
}

export const CasePageDto = PageOf(CaseResponseDto);

export function toCaseResponse(c: CaseRecord): CaseResponseDto {
  return {
    id: c.id,
    caseNumber: c.caseNumber,
    title: c.title,
    summary: c.summary,
    status: c.status,
    sensitivity: c.sensitivity,
    leadInvestigatorId: c.leadInvestigatorId,
    legalHold: c.legalHold,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
    lastActivityAt: c.lastActivityAt.toISOString(),
    closedAt: c.closedAt?.toISOString() ?? null,
    version: c.version,
    myRole: c.myRole ?? null,
  };
}

