import { UUID, TIMESTAMP, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { LinkedCaseRecord, RegistryLinkRecord } from '../case-registry.repository';

export class LinkSubjectDto {
  @ApiProperty({ ...UUID, description: 'A subject of the registry' })
  @IsUUID()
  subjectId!: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why the subject belongs to the case' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class LinkOrganizationDto {
  @ApiProperty({ ...UUID, description: 'An organization of the registry' })
  @IsUUID()
  organizationId!: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why the organization belongs to the case' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class RegistryLinkListQueryDto extends PageQueryDto {}

export class RegistryLinkResponseDto {
  @ApiProperty(UUID) caseId!: string;
  @ApiProperty({ enum: ['subject', 'organization'] }) type!: 'subject' | 'organization';
  @ApiProperty({ ...UUID, description: 'The subject or organization' }) entityId!: string;
  @ApiProperty({ maxLength: 300, example: 'Unnamed defendant 3', description: "The entity's name in the registry" }) label!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) reason!: string | null;
  @ApiProperty(UUID) addedBy!: string;
  @ApiProperty(TIMESTAMP) addedAt!: string;
  @ApiProperty({ ...VERSION, description: 'Send it back as If-Match to unlink' }) version!: number;
}

export const RegistryLinkPageDto = PageOf(RegistryLinkResponseDto);

export function toRegistryLinkResponse(type: 'subject' | 'organization', link: RegistryLinkRecord, label: string): RegistryLinkResponseDto {
  return { caseId: link.caseId, type, entityId: link.entityId, label, reason: link.reason, addedBy: link.addedBy, addedAt: link.addedAt.toISOString(), version: link.version };
}

export class LinkedCaseResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ example: 'CF-2024-0001', pattern: '^CF-\\d{4}-\\d{4,}$', maxLength: 20 }) caseNumber!: string;
  @ApiProperty({ maxLength: 200 }) title!: string;
  @ApiProperty({ enum: ['open', 'active', 'closed'] }) status!: string;
  @ApiProperty({ ...TIMESTAMP, description: 'When the entity was linked to the case' }) linkedAt!: string;
}

export const LinkedCasePageDto = PageOf(LinkedCaseResponseDto);

export function toLinkedCaseResponse(c: LinkedCaseRecord): LinkedCaseResponseDto {
  return { id: c.caseId, caseNumber: c.caseNumber, title: c.title, status: c.status, linkedAt: c.addedAt.toISOString() };
}
