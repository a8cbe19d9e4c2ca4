import { integer, SHA256_HEX, TIMESTAMP, UUID } from '../../common/openapi/openapi-properties';
import { IsOptionalNotNull } from '../../common/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { RECORDABLE_EVENTS, RecordableEvent } from '../custody-rules';
import { CUSTODY_EVENTS, CustodyEventType } from '../evidence.entity';
import type { CustodyEventRecord } from '../evidence.repository';
import { EvidenceResponseDto, TEXT } from './evidence.dto';

export class CreateCustodyEventDto {
  @ApiProperty({ enum: RECORDABLE_EVENTS, example: 'transferred' })
  @IsIn(RECORDABLE_EVENTS)
  event!: RecordableEvent;

  @ApiProperty({ ...TIMESTAMP, example: '2024-12-13T09:00:00Z', description: 'When it happened: not before the previous event, not in the future' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @MaxLength(40)
  occurredAt!: string;

  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Evidence room B, FBI St. Louis' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(TEXT, { message: 'location must not contain control characters' })
  location!: string;

  @ApiProperty({ minLength: 1, maxLength: 2000, example: 'Forensic imaging at the RCFL' })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  @Matches(TEXT, { message: 'purpose must not contain control characters' })
  purpose!: string;

  @ApiPropertyOptional({ ...UUID, description: '`transferred` only (required there): the member of the case who receives it and becomes its custodian' })
  @ValidateIf((o: CreateCustodyEventDto) => o.event === 'transferred' || o.toUserId !== undefined)
  @IsUUID('all')
  toUserId?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, description: '`sealed` only (required there): the number on the seal', example: 'FBI-STL-000482' })
  @ValidateIf((o: CreateCustodyEventDto) => o.event === 'sealed' || o.sealNumber !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'sealNumber must be one line of text' })
  sealNumber?: string;
}

export class CustodyListQueryDto extends PageQueryDto {}

/** What an integrity check found (the `result` of a `verified` custody event). */
export class VerificationResultDto {
  @ApiProperty() ok!: boolean;
  @ApiProperty(SHA256_HEX) sha256!: string;
  @ApiProperty({ ...integer(0, Number.MAX_SAFE_INTEGER), description: 'Bytes' }) size!: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000, description: 'What was wrong (null when ok)' }) problem!: string | null;
  @ApiProperty({ ...integer(0, Number.MAX_SAFE_INTEGER), nullable: true, description: 'Where in the file the damage was found' }) offset!: number | null;
  @ApiProperty({ enum: ['request', 'sweep', 'download'], description: 'A caller (POST /evidence/{id}/verify), the scheduled sweep, or damage met while serving a download' }) trigger!: string;
}

export class CustodyEventResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) evidenceId!: string;
  @ApiProperty({ ...integer(1, 2_147_483_647), example: 2, description: 'Its place in the chain (1 is `collected`); the item version after it' }) seq!: number;
  @ApiProperty({ enum: CUSTODY_EVENTS }) event!: CustodyEventType;
  @ApiProperty({ ...UUID, nullable: true, description: 'Who recorded it (null: the integrity sweep)' }) actorId!: string | null;
  @ApiProperty(TIMESTAMP) occurredAt!: string;
  @ApiProperty(TIMESTAMP) recordedAt!: string;
  @ApiProperty({ maxLength: 500 }) location!: string;
  @ApiProperty({ maxLength: 2000 }) purpose!: string;
  @ApiProperty({ ...UUID, nullable: true }) fromCustodianId!: string | null;
  @ApiProperty({ ...UUID, nullable: true }) toCustodianId!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) sealNumber!: string | null;
  @ApiProperty({ type: VerificationResultDto, nullable: true, description: 'The outcome of a `verified` event (null for the others)' }) result!: Record<string, unknown> | null;
}

export const CustodyEventPageDto = PageOf(CustodyEventResponseDto);

export function toCustodyEventResponse(c: CustodyEventRecord): CustodyEventResponseDto {
  return {
    id: c.id,
    evidenceId: c.evidenceId,
    seq: c.seq,
    event: c.event,
    actorId: c.actorId,
    occurredAt: c.occurredAt.toISOString(),
    recordedAt: c.recordedAt.toISOString(),
    location: c.location,
    purpose: c.purpose,
    fromCustodianId: c.fromCustodianId,
    toCustodianId: c.toCustodianId,
    sealNumber: c.sealNumber,
    result: c.result,
  };
}

export class VerifyResultDto {
  @ApiProperty(UUID) evidenceId!: string;
  @ApiProperty({ description: 'The stored file decrypted, authenticated and hashed to its recorded SHA-256' }) ok!: boolean;
  @ApiProperty({ ...SHA256_HEX, description: 'The SHA-256 recorded at upload (hex)' }) sha256!: string;
  @ApiProperty({ ...integer(0, Number.MAX_SAFE_INTEGER), description: 'Bytes' }) size!: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000, description: 'What was wrong (null when ok)' }) problem!: string | null;
  @ApiProperty({ type: CustodyEventResponseDto, description: 'The `verified` event appended to the chain' }) event!: CustodyEventResponseDto;
}

export class ManifestItemDto extends EvidenceResponseDto {
  @ApiProperty({ type: [CustodyEventResponseDto], description: 'The full chain of custody, oldest first' }) custody!: CustodyEventResponseDto[];
}

export class ManifestDto {
  @ApiProperty(UUID) caseId!: string;
  @ApiProperty({ example: 'CF-2024-0001', pattern: '^CF-\\d{4}-\\d{4,}$', maxLength: 20 }) caseNumber!: string;
  @ApiProperty(TIMESTAMP) generatedAt!: string;
  @ApiProperty({ type: [ManifestItemDto] }) items!: ManifestItemDto[];
}

export class ManifestQueryDto {
  @ApiPropertyOptional({ enum: ['json', 'csv'], description: 'Overrides Accept' })
  @IsOptionalNotNull()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
