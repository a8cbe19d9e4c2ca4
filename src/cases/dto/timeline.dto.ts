import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';

export class TimelineQueryDto extends PageQueryDto {}

class TimelineActorDto {
  @ApiProperty({ enum: ['user', 'integration', 'system', 'anonymous'] }) kind!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) id!: string | null;
  @ApiProperty({ example: ['investigator'] }) roles!: string[];
}

/** One event of a case's history, from its audit record. */
export class TimelineEntryDto {
  @ApiProperty({ example: '1042', description: 'The audit record' }) seq!: string;
  @ApiProperty({ example: '2026-11-21T09:14:03.123456Z' }) occurredAt!: string;
  @ApiProperty({ type: TimelineActorDto }) actor!: TimelineActorDto;
  @ApiProperty({ example: 'note.create' }) action!: string;
  @ApiProperty({ nullable: true, type: String, example: 'note' }) resourceType!: string | null;
  @ApiProperty({ nullable: true, type: String }) resourceId!: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'error'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: Object, example: { title: { before: 'Silverstar', after: 'Silverstar IT workers' } }, description: 'Changed fields: before and after' })
  changes!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: Object, description: 'A stated reason, a problem code…' }) details!: Record<string, unknown> | null;
}

export const TimelinePageDto = PageOf(TimelineEntryDto);
