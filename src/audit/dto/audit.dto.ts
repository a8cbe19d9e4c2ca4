import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { IsTimestamp } from '../../common/input-rules';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { AuditRow } from '../audit.repository';
import type { AuditOutcome } from '../audit-event.entity';

export class AuditQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Actor (user or integration) id' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  @ApiPropertyOptional({ example: 'auth.login.*', description: 'Exact action, or a prefix ending in *' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9_.-]+\*?$/, { message: 'action must look like auth.login.failed, or a prefix ending in *' })
  action?: string;

  @ApiPropertyOptional({ example: 'user' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  resourceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  resourceId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  caseId?: string;

  @ApiPropertyOptional({ enum: ['success', 'denied', 'error'] })
  @IsOptional()
  @IsIn(['success', 'denied', 'error'])
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2024-12-12T00:00:00Z', description: 'From this time (inclusive), ISO 8601 with its offset, years 0001–9999' })
  @IsOptional()
  @IsTimestamp()
  from?: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2025-01-01T00:00:00Z', description: 'Until this time (exclusive), ISO 8601 with its offset, years 0001–9999' })
  @IsOptional()
  @IsTimestamp()
  to?: Date;
}

export class AuditExportQueryDto {
  @ApiPropertyOptional({ description: 'Only records after this chain position', example: '0' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'afterPosition must be a chain position (a whole number)' })
  afterPosition?: string;
}

export class AuditRecordDto {
  @ApiProperty({ example: '1042' }) seq!: string;
  @ApiProperty({ example: '2026-11-21T09:14:03.123456Z' }) occurredAt!: string;
  @ApiProperty({ example: { kind: 'user', id: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60', roles: ['investigator'] } })
  actor!: { kind: string; id: string | null; roles: string[] };
  @ApiProperty({ example: 'user.update' }) action!: string;
  @ApiPropertyOptional({ example: 'user' }) resourceType!: string | null;
  @ApiPropertyOptional() resourceId!: string | null;
  @ApiPropertyOptional() caseId!: string | null;
  @ApiProperty({ enum: ['success', 'denied', 'error'] }) outcome!: string;
  @ApiPropertyOptional() requestId!: string | null;
  @ApiPropertyOptional({ example: '10.1.2.3' }) sourceIp!: string | null;
  @ApiPropertyOptional() userAgent!: string | null;
  @ApiPropertyOptional({ example: { displayName: { before: 'A. Analyst', after: 'Ana Analyst' } } }) changes!: Record<string, unknown> | null;
  @ApiPropertyOptional() details!: Record<string, unknown> | null;
  @ApiPropertyOptional({ description: 'Position in the hash chain (null until sealed, within seconds)' }) chainPosition!: string | null;
  @ApiPropertyOptional() hash!: string | null;
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


export class VerifyReportDto {
  @ApiProperty() valid!: boolean;
  @ApiProperty({ example: 125000 }) checked!: number;
  @ApiProperty({ example: 12 }) checkpointsChecked!: number;
  @ApiProperty({ example: 0, description: 'Records older than a minute not yet sealed (a stalled sequencer or a tampered queue)' }) unsealedOverAMinute!: number;
  @ApiPropertyOptional({ nullable: true, example: { position: '512', reason: 'changed', detail: 'the content of the record at position 512 no longer matches its hash' } })
  firstInvalid!: { position: string; reason: string; detail: string } | null;
}

export class CheckpointDto {
  @ApiProperty() chainPosition!: string;
  @ApiProperty() headHash!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ example: 'ed25519' }) algorithm!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'base64 Ed25519 signature of `casefile-audit-checkpoint|v1|<position>|<headHash>|<createdAt>`' }) signature!: string;
}

export class CheckpointListDto {
  @ApiProperty({ description: 'PEM (SPKI) public key that verifies the signatures' }) publicKey!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ type: [CheckpointDto] }) data!: CheckpointDto[];
}
