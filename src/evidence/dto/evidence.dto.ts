import { integer, SHA256_HEX, TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { CUSTODY_STATES, CustodyState, EVIDENCE_KINDS, EvidenceKind, IntegrityStatus } from '../evidence.entity';
import type { EvidenceRecord } from '../evidence.repository';

/** Printable text: no control characters (tabs and line breaks allowed), no lone surrogates. */
export const TEXT = /^(?:[^\p{Cc}\p{Cs}]|[\t\n\r])*$/u;
const LINE = /^[^\p{Cc}\p{Cs}]*$/u;

/** The item, as JSON: the whole body of a physical item, or the `metadata` part of an upload. */
export class CreateEvidenceDto {
  @ApiProperty({ enum: EVIDENCE_KINDS, example: 'source_code' })
  @IsIn(EVIDENCE_KINDS)
  kind!: EvidenceKind;

  @ApiProperty({ minLength: 1, maxLength: 5000, example: 'Repository archive exfiltrated from the victim employer, recovered from a laptop farm host' })
  @IsString()
  @MinLength(1)
  @MaxLength(5000)
  @Matches(TEXT, { message: 'description must not contain control characters' })
  description!: string;

  @ApiProperty({ ...TIMESTAMP, example: '2024-12-12T15:30:00Z', description: 'When it was seized or received (not in the future)' })
  @IsISO8601({ strict: true, strictSeparator: true })
  @MaxLength(40)
  collectedAt!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'SA J. Ramirez, FBI St. Louis' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(LINE, { message: 'collectedBy must be one line of text' })
  collectedBy!: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'Laptop farm host, Hopkinsville KY' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @Matches(TEXT, { message: 'collectedFrom must not contain control characters' })
  collectedFrom?: string;

  @ApiPropertyOptional({
    pattern: '^[0-9a-fA-F]{64}$',
    maxLength: 64,
    description: "Uploads only: the file's SHA-256 as you computed it (hex). A different digest is a 422 and nothing is kept. Or send `Repr-Digest: sha-256=:…:`.",
  })
  @IsOptional()
  @IsString()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'sha256 must be 64 hexadecimal characters' })
  sha256?: string;
}

export class EvidenceListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: EVIDENCE_KINDS })
  @IsOptional()
  @IsIn(EVIDENCE_KINDS)
  kind?: EvidenceKind;

  @ApiPropertyOptional({ ...UUID, description: 'Items held by this custodian' })
  @IsOptional()
  @IsUUID('all')
  custodianId?: string;
}

export class EvidenceFileDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 255, description: "The client's file name, as metadata only (never a path on the server)", example: 'source-dump.zip' }) fileName!: string | null;
  @ApiProperty({ ...integer(0, Number.MAX_SAFE_INTEGER), description: 'Bytes', example: 1048576 }) size!: number;
  @ApiProperty({ ...SHA256_HEX, description: 'SHA-256 of the content (hex)', example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }) sha256!: string;
  @ApiProperty({ maxLength: 255, pattern: '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$', description: 'Served as: the type sniffed from the bytes when recognised, else the declared one, else application/octet-stream', example: 'application/zip' }) contentType!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 255, pattern: '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$', description: 'As the client declared it' }) declaredContentType!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 255, pattern: '^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$', description: 'As sniffed from the first bytes (null when not recognised)' }) detectedContentType!: string | null;
  @ApiProperty({ enum: ['ok', 'failed'], description: '`failed` once a check found the stored file damaged: it is no longer served' }) integrity!: IntegrityStatus;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) lastVerifiedAt!: string | null;
}

export class EvidenceResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) caseId!: string;
  @ApiProperty({ pattern: '^CF-\\d{4}-\\d{4,}-E\\d{4,}$', maxLength: 40, example: 'CF-2024-0001-E0007' }) evidenceNumber!: string;
  @ApiProperty({ enum: EVIDENCE_KINDS }) kind!: EvidenceKind;
  @ApiProperty({ maxLength: 5000 }) description!: string;
  @ApiProperty(TIMESTAMP) collectedAt!: string;
  @ApiProperty({ maxLength: 200 }) collectedBy!: string;
  @ApiProperty({ maxLength: 500, description: 'Where it came from (empty when not given)' }) collectedFrom!: string;
  @ApiProperty({ ...UUID, description: 'Who holds it now' }) custodianId!: string;
  @ApiProperty({ enum: CUSTODY_STATES }) custodyState!: CustodyState;
  @ApiProperty({ type: String, nullable: true, maxLength: 100, description: 'The seal on it, while sealed' }) sealNumber!: string | null;
  @ApiProperty({ type: EvidenceFileDto, nullable: true, description: 'null for a physical item' }) file!: EvidenceFileDto | null;
  @ApiProperty(UUID) createdBy!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty({ ...VERSION, description: 'Moves with every custody event (the seq of the last one)' }) version!: number;
}

export const EvidencePageDto = PageOf(EvidenceResponseDto);

/** The type an item is served as. */
export function servedContentType(e: Pick<EvidenceRecord, 'detectedContentType' | 'declaredContentType'>): string {
  return e.detectedContentType && e.detectedContentType !== 'text/plain' ? e.detectedContentType : (e.declaredContentType ?? e.detectedContentType ?? 'application/octet-stream');
}

export function toEvidenceResponse(e: EvidenceRecord): EvidenceResponseDto {
  return {
    id: e.id,
    caseId: e.caseId,
    evidenceNumber: e.evidenceNumber,
    kind: e.kind,
    description: e.description,
    collectedAt: e.collectedAt.toISOString(),
    collectedBy: e.collectedBy,
    collectedFrom: e.collectedFrom,
    custodianId: e.custodianId,
    custodyState: e.custodyState,
    sealNumber: e.sealNumber,
    file:
      e.storageKey === null
        ? null
        : {
            fileName: e.fileName,
            size: Number(e.fileSize),
            sha256: e.storageKey,
            contentType: servedContentType(e),
            declaredContentType: e.declaredContentType,
            detectedContentType: e.detectedContentType,
            integrity: e.integrity ?? 'ok',
            lastVerifiedAt: e.lastVerifiedAt?.toISOString() ?? null,
          },
    createdBy: e.createdBy,
    createdAt: e.createdAt.toISOString(),
    version: e.version,
  };
}
