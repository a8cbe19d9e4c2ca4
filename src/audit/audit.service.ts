import { Injectable } from '@nestjs/common';
import { decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { RequestContext } from '../common/request-context';
import { AuditTrail } from './audit-trail.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditVerifier, VerifyReport } from './audit-verifier.service';
import { AuditFilter, AuditRepository, AuditRow } from './audit.repository';
import { AuditQueryDto, AuditRecordDto, CheckpointListDto } from './dto/audit.dto';

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

const EXPORT_SLICE = 2_000;

/** The audit trail's read side for auditors: search, export, verify, checkpoints, and case timelines. */
@Injectable()
export class AuditService {
  constructor(
    private readonly repository: AuditRepository,
    private readonly trail: AuditTrail,
    private readonly verifier: AuditVerifier,
    private readonly sealer: AuditSealer,
  ) {}

  async search(ctx: RequestContext, query: AuditQueryDto): Promise<Page<AuditRecordDto>> {
    const beforeSeq = decodeCursor(query.cursor, ['string'])?.[0] as string | undefined;
    const { limit, cursor: _cursor, ...filters } = query;
    await this.trail.record(ctx, { action: 'audit.read', resourceType: 'audit', details: { filters: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() } } });
    const rows = await this.repository.find({ ...filters, beforeSeq } satisfies AuditFilter, limit + 1);
    return toPage(rows, limit, (r) => [r.seq], toAuditRecordResponse);
  }

  /** A case's history, newest first, from its audit records (for the case timeline). */
  async timeline(caseId: string, limit: number, cursor?: string): Promise<Page<AuditRecordDto>> {
    const beforeSeq = decodeCursor(cursor, ['string'])?.[0] as string | undefined;
    const rows = await this.repository.find({ caseId, beforeSeq }, limit + 1);
    return toPage(rows, limit, (r) => [r.seq], toAuditRecordResponse);
  }

  /** JSON Lines of the sealed chain in order, each with its canonical form and hashes. */
  async *export(ctx: RequestContext, afterPosition = '0'): AsyncGenerator<string> {
    await this.trail.record(ctx, { action: 'audit.export', resourceType: 'audit', details: { afterPosition } });
    let after = afterPosition;
    for (;;) {
      const rows = await this.repository.sealedAfter(after, EXPORT_SLICE);
      for (const row of rows) {
        yield `${JSON.stringify({ ...toAuditRecordResponse(row), prevHash: row.prevHash, canonical: row.canonical })}\n`;
      }
      if (rows.length < EXPORT_SLICE) return;
      after = rows[rows.length - 1].chainPosition!;
    }
  }

  async verify(ctx: RequestContext): Promise<VerifyReport> {
    const report = await this.verifier.verify();
    await this.trail.record(ctx, { action: 'audit.verify', resourceType: 'audit', details: { valid: report.valid, checked: report.checked, firstInvalid: report.firstInvalid } });
    return report;
  }

  async checkpoints(ctx: RequestContext): Promise<CheckpointListDto> {
    await this.trail.record(ctx, { action: 'audit.checkpoints.read', resourceType: 'audit' });
    return { publicKey: this.sealer.signer.publicKeyPem(), keyId: this.sealer.signer.keyId, data: await this.repository.checkpoints() };
  }
}
