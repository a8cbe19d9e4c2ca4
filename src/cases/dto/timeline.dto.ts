import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { SEQUENCE, TIMESTAMP, text } from '../../common/openapi/openapi-properties';
import { AuditActorDto } from '../../audit/dto/audit.dto';

export class TimelineQueryDto extends PageQueryDto {}

/** One event of a case's history, from its audit record. */
export class TimelineEntryDto {
  @ApiProperty({ ...SEQUENCE, description: 'The audit record' }) seq!: string;
  @ApiProperty({ ...TIMESTAMP, example: '2026-11-21T09:14:03.123456Z' }) occurredAt!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ ...text(100), pattern: '^[a-z0-9_.-]+$', example: 'note.create' }) action!: string;
  @ApiProperty({ ...text(50), nullable: true, example: 'note' }) resourceType!: string | null;
  @ApiProperty({ ...text(300), nullable: true }) resourceId!: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'error'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: Object, example: { title: { before: 'Silverstar', after: 'Silverstar IT workers' } }, description: 'Changed fields: before and after' })
  changes!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object, description: 'A stated reason, a problem code…' }) details!: Record<string, unknown> | null;
}

export const TimelinePageDto = PageOf(TimelineEntryDto);
