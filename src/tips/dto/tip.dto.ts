import { COUNT, integer, TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { IsOptionalNotNull, TEXT } from '../../common/validators';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { CandidateEntityType, CandidateStatus } from '../tip-candidate.entity';
import type { TipChannel, TipStatus } from '../tip.entity';
import { CONTACT_PREFERENCES, TIP_CHANNELS, TIP_STATUSES } from './intake.dto';
import { MAX_EXTRACTED } from '../tip-extraction';
import { SELECTOR_KINDS } from '../../selectors/selector-normalizers';

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TipPriority = (typeof PRIORITIES)[number];
export const priorityRank = (p: TipPriority): number => PRIORITIES.indexOf(p) + 1;
export const priorityName = (rank: number): TipPriority => PRIORITIES[Math.min(Math.max(rank, 1), 4) - 1];
export const RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export const CANDIDATE_TYPES: readonly CandidateEntityType[] = ['subject', 'organization', 'selector'];

const toBool = ({ value }: { value: unknown }): unknown => (value === 'true' ? true : value === 'false' ? false : value);

export class TipQueueQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TIP_STATUSES })
  @IsOptional()
  @IsIn(TIP_STATUSES)
  status?: TipStatus;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: TipPriority;

  @ApiPropertyOptional({ enum: TIP_CHANNELS })
  @IsOptional()
  @IsIn(TIP_CHANNELS)
  channel?: TipChannel;

  @ApiPropertyOptional({ type: Boolean, description: 'Only tips with (true) or without (false) match candidates' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  hasMatches?: boolean;

  @ApiPropertyOptional({ ...UUID, description: 'Tips assigned to this user' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiPropertyOptional({ ...TIMESTAMP, description: 'Received at or after (UTC)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^(19|20)\d\d-/, { message: 'receivedFrom must be a date between 1900 and 2099' })
  receivedFrom?: string;

  @ApiPropertyOptional({ ...TIMESTAMP, description: 'Received before (UTC)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^(19|20)\d\d-/, { message: 'receivedTo must be a date between 1900 and 2099' })
  receivedTo?: string;
}

export class TipsterViewDto {
  @ApiProperty() anonymous!: boolean;
  @ApiProperty({
    nullable: true,
    type: String,
    pattern: '^Tipster [23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$', maxLength: 12,
    example: 'Tipster 7F3K',
    description: 'Stable per tipster (from a keyed hash of the e-mail, else the phone); null when anonymous',
  })
  pseudonym!: string | null;
}

export class TipSummaryDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ example: 'TIP-7F3KX9QM', pattern: '^TIP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$', maxLength: 12 }) reference!: string;
  @ApiProperty({ enum: TIP_STATUSES }) status!: TipStatus;
  @ApiProperty({ enum: PRIORITIES }) priority!: TipPriority;
  @ApiProperty({ enum: TIP_CHANNELS }) channel!: TipChannel;
  @ApiProperty(TIMESTAMP) receivedAt!: string;
  @ApiProperty({ ...UUID, nullable: true }) assigneeId!: string | null;
  @ApiProperty({ ...UUID, nullable: true, description: 'Linked case: the tip then falls under its need-to-know' }) caseId!: string | null;
  @ApiProperty({ ...integer(0, 100), description: 'How many match candidates the tip has' }) candidateCount!: number;
  @ApiProperty({ ...UUID, nullable: true }) possibleDuplicateOf!: string | null;
  @ApiProperty({ type: TipsterViewDto }) tipster!: TipsterViewDto;
  @ApiProperty({ maxLength: 200, description: 'The first 200 characters of the narrative' }) excerpt!: string;
  @ApiProperty() rewardInterest!: boolean;
  @ApiProperty(VERSION) version!: number;
}

export const TipPageDto = PageOf(TipSummaryDto);

export class CandidateDto {
  @ApiProperty({ enum: CANDIDATE_TYPES }) entityType!: CandidateEntityType;
  @ApiProperty(UUID) entityId!: string;
  @ApiProperty({ maxLength: 1024, example: 'Unnamed defendant 3' }) label!: string;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.9 }) score!: number;
  @ApiProperty({ type: String, isArray: true, maxItems: 10, maxLength: 4000, example: ['e-mail it.warrior@example.com is used by Unnamed defendant 3'] }) why!: string[];
  @ApiProperty({ enum: ['pending', 'confirmed', 'rejected'] }) status!: CandidateStatus;
  @ApiProperty({ ...UUID, nullable: true }) decidedBy!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) decidedAt!: string | null;
}

export class ExtractedDto {
  @ApiProperty({ enum: SELECTOR_KINDS, example: 'email' }) kind!: string;
  @ApiProperty({ maxLength: 1024, example: 'it.warrior@example.com' }) normalizedValue!: string;
}

export class TipDuplicateDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ pattern: '^TIP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$', maxLength: 12 }) reference!: string;
  @ApiProperty({ enum: TIP_STATUSES }) status!: TipStatus;
  @ApiProperty({ enum: ['possible', 'duplicate'], description: 'flagged at intake, or marked by staff' }) relation!: 'possible' | 'duplicate';
  @ApiProperty({ enum: ['of', 'by'], description: '`of`: this tip repeats that one; `by`: that one repeats this tip' }) direction!: 'of' | 'by';
  @ApiProperty({ nullable: true, type: Number }) score!: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50, example: 'similar-narrative' }) reason!: string | null;
}

export class TipGradingDto {
  @ApiProperty({ nullable: true, type: String, enum: RELIABILITY, description: 'Admiralty scale: source reliability' }) sourceReliability!: string | null;
  @ApiProperty({ ...integer(1, 6), nullable: true, description: 'Admiralty scale: information credibility' }) informationCredibility!:
    number | null;
}

export class TipDetailDto extends TipSummaryDto {
  @ApiProperty({ maxLength: 20_000, description: 'As sent: plain text, never interpreted (HTML and control characters included)' }) narrative!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 35 }) language!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) occurredAt!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) externalId!: string | null;
  @ApiProperty(UUID) integrationId!: string;
  @ApiProperty({ type: TipGradingDto }) grading!: TipGradingDto;
  @ApiProperty({ ...UUID, nullable: true }) duplicateOf!: string | null;
  @ApiProperty({
    nullable: true,
    type: Number,
    minimum: 0,
    maximum: 1,
    description:
      '1 for the same tipster; else the trigram similarity (as pg_trgm computes it) of the first 500 characters, lower case. Similar narratives ' +
      'are found through MinHash bands over their words, which meet an edited narrative of similarity 0.6–0.7 about 94% of the time, 0.7–0.8 99%, 0.8 and up practically always (measured)',
  })
  possibleDuplicateScore!: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50 }) possibleDuplicateReason!: string | null;
  @ApiProperty({ ...COUNT, description: 'Other tips from the same tipster (same keyed hash of e-mail or phone), any time' }) tipsterOtherTips!: number;
  @ApiProperty({ type: [ExtractedDto], maxItems: MAX_EXTRACTED, description: 'Identifiers found in the narrative (normalised)' }) extracted!: ExtractedDto[];
  @ApiProperty({
    type: [CandidateDto],
    maxItems: 100,
    description:
      'What matching found: the registry selectors the narrative names, who uses or owns them and their employers, and the subjects and organizations whose names or aliases a capitalised phrase resembles (trigram word similarity ≥ 0.8; at most the 5 closest new subjects and 5 organizations per phrase). Best score first.',
  })
  candidates!: CandidateDto[];
  @ApiProperty({ type: [TipDuplicateDto], maxItems: 50 }) duplicates!: TipDuplicateDto[];
  @ApiProperty(TIMESTAMP) updatedAt!: string;
}

export class UpdateTipDto {
  @ApiPropertyOptional({
    enum: TIP_STATUSES,
    description:
      '`received` → `triaged` → `assigned` → `actionable` | `not_actionable` → `closed`; or `duplicate` (with duplicateOf) before a decision. Other moves: 409 naming the allowed ones.',
  })
  @IsOptionalNotNull()
  @IsIn(TIP_STATUSES)
  status?: TipStatus;

  @ApiPropertyOptional({ ...UUID, description: 'The tip this one repeats (with status duplicate)' })
  @IsOptionalNotNull()
  @IsUUID()
  duplicateOf?: string;

  @ApiPropertyOptional({ description: 'true: clear the possible-duplicate flag set at intake' })
  @IsOptionalNotNull()
  @IsBoolean()
  clearPossibleDuplicate?: boolean;

  @ApiPropertyOptional({ enum: PRIORITIES })
  @IsOptionalNotNull()
  @IsIn(PRIORITIES)
  priority?: TipPriority;

  @ApiPropertyOptional({ ...UUID, nullable: true, description: 'An active user who may triage tips; null unassigns' })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsUUID()
  assigneeId?: string | null;

  @ApiPropertyOptional({ enum: RELIABILITY, nullable: true, type: String })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsIn(RELIABILITY)
  sourceReliability?: string | null;

  @ApiPropertyOptional({ ...integer(1, 6), nullable: true })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsInt()
  @Min(1)
  @Max(6)
  informationCredibility?: number | null;

  @ApiPropertyOptional({ ...UUID, description: 'Link the tip to a case you may see: from then on only its members and supervisors see the tip' })
  @IsOptionalNotNull()
  @IsUUID()
  caseId?: string;
}

export class RevealQueryDto {
  @ApiProperty({
    minLength: 3,
    maxLength: 500,
    example: 'Call-back agreed with the case lead (CF-2024-0001)',
    description: 'Why you need the identity: recorded in the audit trail',
  })
  @IsString()
  @MinLength(3)
  @MaxLength(500)
  @Matches(TEXT, { message: 'reason must not contain control characters' })
  @Matches(/\S{3}|\S.*\S.*\S/, { message: 'reason must say something' })
  reason!: string;
}

export class TipsterIdentityDto {
  @ApiProperty() anonymous!: boolean;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 320 }) email!: string | null;
  @ApiProperty({ type: String, nullable: true, pattern: '^\\+[1-9]\\d{1,14}$', maxLength: 16, description: 'E.164' }) phone!: string | null;
  @ApiProperty({ enum: CONTACT_PREFERENCES, nullable: true }) contactPreference!: string | null;
  @ApiProperty({ type: String, nullable: true, pattern: '^Tipster [23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$', maxLength: 12 }) pseudonym!: string | null;
}
