import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { LinkedCaseRecord, RegistryLinkRecord } from '../case-registry.repository';

export class LinkSubjectDto {
  @ApiProperty({ format: 'uuid', description: 'A subject of the registry' })
  @IsUUID()
  subjectId!: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why the subject belongs to the case' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class LinkOrganizationDto {
  @ApiProperty({ format: 'uuid', description: 'An organization of the registry' })
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
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: ['subject', 'organization'] }) type!: 'subject' | 'organization';
  @ApiProperty({ format: 'uuid', description: 'The subject or organization' }) entityId!: string;
  @ApiProperty({ example: 'Unnamed defendant 3', description: "The entity's name in the registry" }) label!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) reason!: string | null;
  @ApiProperty({ format: 'uuid' }) addedBy!: string;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
  @ApiProperty({ example: 1, description: 'Send it back as If-Match to unlink' }) version!: number;
}

export const RegistryLinkPageDto = PageOf(RegistryLinkResponseDto);

export function toRegistryLinkResponse(type: 'subject' | 'organization', link: RegistryLinkRecord, label: string): RegistryLinkResponseDto {
  return { caseId: link.caseId, type, entityId: link.entityId, label, reason: link.reason, addedBy: link.addedBy, addedAt: link.addedAt.toISOString(), version: link.version };
}

export class LinkedCaseResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CF-2024-0001' }) caseNumber!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ enum: ['open', 'active', 'closed'] }) status!: string;
  @ApiProperty({ format: 'date-time', description: 'When the entity was linked to the case' }) linkedAt!: string;
}

export const LinkedCasePageDto = PageOf(LinkedCaseResponseDto);

export function toLinkedCaseResponse(c: LinkedCaseRecord): LinkedCaseResponseDto {
  return { id: c.caseId, caseNumber: c.caseNumber, title: c.title, status: c.status, linkedAt: c.addedAt.toISOString() };
}
