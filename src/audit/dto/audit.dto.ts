import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsTimestamp } from '../../common/input-rules';
import { PageOf } from '../../common/pagination/page.dto';
import { MAX_PAGE_SIZE, PageQueryDto } from '../../common/pagination/page-query.dto';
import { COUNT, SEQUENCE, SHA256_HEX, TIMESTAMP, text, UUID } from '../../common/openapi/openapi-properties';
import { ROLES } from '../../access/permissions';
import type { AuditRow } from '../audit.repository';
import type { AuditOutcome } from '../audit-event.entity';
import type { ChainBreak } from '../audit-verifier.service';

const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['success', 'denied', 'error'];
const CHAIN_BREAKS: readonly ChainBreak[] = ['changed', 'missing', 'reordered', 'checkpoint-signature-invalid'];

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ ...UUID, description: 'Actor (user or integration) id' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ maxLength: 100, pattern: '^[a-z0-9_.-]+\\*?$', example: 'auth.login.*', description: 'Exact action, or a prefix ending in *' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9_.-]+\*?$/, { message: 'action must look like auth.login.failed, or a prefix ending in *' })
  action?: string;

  @ApiPropertyOptional({ maxLength: 50, example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  resourceType?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceId?: string;

  @ApiPropertyOptional(UUID)
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ ...TIMESTAMP, example: '2024-12-12T00:00:00Z', description: 'From this time (inclusive), ISO 8601 with its offset, years 0001–9999' })
  @IsOptional()
  @IsTimestamp()
  from?: Date;

  @ApiPropertyOptional({ ...TIMESTAMP, example: '2025-01-01T00:00:00Z', description: 'Until this time (exclusive), ISO 8601 with its offset, years 0001–9999' })
  @IsOptional()
  @IsTimestamp()
  to?: Date;
}

export class AuditExportQueryDto {
  @ApiPropertyOptional({ pattern: '^\\d{1,18}$', maxLength: 18, description: 'Only records after this chain position', example: '0' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'afterPosition must be a chain position (a whole number)' })
  afterPosition?: string;
}

/** Who did it: a user, an integration, the system (jobs) or an anonymous caller. */
export class AuditActorDto {
  @ApiProperty({ enum: ['user', 'integration', 'system', 'anonymous'] }) kind!: string;
  @ApiProperty({ ...UUID, nullable: true, description: 'The user or integration (null for the system and anonymous callers)' }) id!: string | null;
  @ApiProperty({ enum: ROLES, isArray: true, maxItems: ROLES.length, example: ['investigator'], description: 'The roles the actor held then' }) roles!: string[];
}

export class AuditRecordDto {
  @ApiProperty(SEQUENCE) seq!: string;
  @ApiProperty({ ...TIMESTAMP, example: '2026-11-21T09:14:03.123456Z' }) occurredAt!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ ...text(100), pattern: '^[a-z0-9_.-]+$', example: 'user.update' }) action!: string;
  @ApiProperty({ ...text(50), nullable: true, example: 'user' }) resourceType!: string | null;
  @ApiProperty({ ...text(300), nullable: true, description: 'The resource (an id, or `METHOD /route` for a refused request)' }) resourceId!: string | null;
  @ApiProperty({ ...UUID, nullable: true }) caseId!: string | null;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome!: string;
  @ApiProperty({ ...text(128), nullable: true, description: 'The X-Request-Id of the request' }) requestId!: string | null;
  @ApiProperty({ ...text(45), nullable: true, example: '10.1.2.3' }) sourceIp!: string | null;
  @ApiProperty({ ...text(512), nullable: true }) userAgent!: string | null;
  @ApiProperty({ type: Object, nullable: true, example: { displayName: { before: 'A. Analyst', after: 'Ana Analyst' } }, description: 'Changed fields: before and after (redacted)' })
  changes!: Record<string, unknown> | null;
  @ApiProperty({ type: Object, nullable: true, description: 'A stated reason, a problem code, what a list showed…' }) details!: Record<string, unknown> | null;
  @ApiProperty({ ...SEQUENCE, nullable: true, description: 'Position in the hash chain (null until sealed, within seconds)' }) chainPosition!: string | null;
  @ApiProperty({ ...SHA256_HEX, nullable: true }) hash!: string | null;
}

export const AuditPageDto = PageOf(AuditRecordDto);

export function toAuditRecordResponse(row: AuditRow): AuditRecordDto {
  return {
    seq: row.seq,
    occurredAt: row.occurredAt,
    actor: { kind: row.actorKind, id: row.actorId, roles: row.actorRoles },
    action: row.action,
    resourceType: row.resourceType,
    resourceId: row.resourceId,
    caseId: row.caseId,
    outcome: row.outcome,
    requestId: row.requestId,
    sourceIp: row.sourceIp,
    userAgent: row.userAgent,
    changes: row.changes,
    details: row.details,
    chainPosition: row.chainPosition,
    hash: row.hash,
  };
}


export class ChainBreakDto {
  @ApiProperty(SEQUENCE) position!: string;
  @ApiProperty({ enum: CHAIN_BREAKS }) reason!: string;
  @ApiProperty({ ...text(300), example: 'the content of the record at position 512 no longer matches its hash' }) detail!: string;
}

export class VerifyReportDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ ...COUNT, example: 125000, description: 'Records checked' }) checked!: number;
  @ApiProperty({ ...COUNT, example: 12 }) checkpointsChecked!: number;
  @ApiProperty({ ...COUNT, example: 0, description: 'Records older than a minute not yet sealed (a stalled sequencer or a tampered queue)' }) unsealedOverAMinute!: number;
  @ApiProperty({ type: ChainBreakDto, nullable: true, description: 'The first record changed, missing or reordered (null: the chain is intact)' })
  firstInvalid!: ChainBreakDto | null;
}

export class CheckpointListQueryDto extends PageQueryDto {}

export class CheckpointDto {
  @ApiProperty(SEQUENCE) chainPosition!: string;
  @ApiProperty(SHA256_HEX) headHash!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty({ enum: ['ed25519'] }) algorithm!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{16}$', maxLength: 16, description: 'Fingerprint of the public key that signed it' }) keyId!: string;
  @ApiProperty({ pattern: '^[A-Za-z0-9+/]+={0,2}$', maxLength: 100, description: 'base64 Ed25519 signature of `casefile-audit-checkpoint|v1|<position>|<headHash>|<createdAt>`' }) signature!: string;
}

export class CheckpointListDto {
  @ApiProperty({ ...text(200), description: 'PEM (SPKI) public key that verifies the signatures' }) publicKey!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{16}$', maxLength: 16 }) keyId!: string;
  @ApiProperty({ type: [CheckpointDto], maxItems: MAX_PAGE_SIZE }) data!: CheckpointDto[];
  @ApiProperty({ type: String, nullable: true, maxLength: 512, pattern: '^[A-Za-z0-9_-]+$', description: 'Pass as `cursor` for the next page; null on the last page' }) nextCursor!: string | null;
}
