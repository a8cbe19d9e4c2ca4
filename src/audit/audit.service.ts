import { Injectable } from '@nestjs/common';
import { Page, paginate } from '../common/pagination/keyset';
import { paginateList } from '../common/pagination/list-cursor';
import { RequestContext } from '../access/request-context';
import { CANONICAL_FIELDS, parseCopyLine } from './audit-chain';
import { AuditTrail } from './audit-trail.service';
import { AuditSealer } from './audit-sealer.service';
import { AuditVerifier, VerifyReport } from './audit-verifier.service';
import type { AuditOutcome } from './audit-event.entity';
import { AuditFilter, AuditRepository } from './audit.repository';
import { AuditQueryDto, AuditRecordDto, CheckpointListDto, CheckpointListQueryDto, toAuditRecordResponse } from './dto/audit.dto';

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
    const { limit: _limit, cursor: _cursor, ...filters } = query;
    await this.trail.record(ctx, { action: 'audit.read', resourceType: 'audit', details: { filters: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() } } });
    return paginate(query, ['string'], (after, take) => this.repository.find({ ...filters, beforeSeq: after?.[0] as string | undefined } satisfies AuditFilter, take), (r) => [r.seq], toAuditRecordResponse);
  }

  /** A case's history, newest first, from its audit records (for the case timeline). */
  async timeline(caseId: string, limit: number, cursor?: string): Promise<Page<AuditRecordDto>> {
    return paginate({ limit, cursor }, ['string'], (after, take) => this.repository.find({ caseId, beforeSeq: after?.[0] as string | undefined }, take), (r) => [r.seq], toAuditRecordResponse);
  }

  /**
   * A case's records, newest first, before `beforeSeq`: `limit` of them. `excludeActions` and `outcome`
   * narrow what a reader who is not the case's lead sees (its changes, without reads and denials).
   */
  async caseHistory(caseId: string, options: { beforeSeq?: string; limit: number; excludeActions?: readonly string[]; outcome?: AuditOutcome }): Promise<AuditRecordDto[]> {
    const rows = await this.repository.find({ caseId, beforeSeq: options.beforeSeq, excludeActions: options.excludeActions, outcome: options.outcome }, options.limit);
    return rows.map(toAuditRecordResponse);
  }

  /**
   * JSON Lines of the sealed chain in order, each with its canonical form and hashes, handed to `write` as
   * the chain streams out of PostgreSQL.
   */
  async export(ctx: RequestContext, afterPosition: string, write: (line: string) => void | Promise<void>): Promise<void> {
    await this.trail.record(ctx, { action: 'audit.export', resourceType: 'audit', details: { afterPosition } });
    await this.repository.streamChain(BigInt(afterPosition), undefined, (line) => {
      const [chainPosition, prevHash, hash, ...fields] = parseCopyLine(line);
      const canonical = line.slice(line.indexOf('\t', line.indexOf('\t', line.indexOf('\t') + 1) + 1) + 1);
      const record = Object.fromEntries(CANONICAL_FIELDS.map((name, i) => [name, fields[i] ?? null])) as Record<(typeof CANONICAL_FIELDS)[number], string | null>;
      return write(
        `${JSON.stringify({
          chainPosition,
          seq: record.seq,
          occurredAt: record.occurredAt,
          actor: { kind: record.actorKind, id: record.actorId, roles: record.actorRoles ? record.actorRoles.replace(/^\{|\}$/g, '').split(',').filter(Boolean) : [] },
          action: record.action,
          resourceType: record.resourceType,
          resourceId: record.resourceId,
          caseId: record.caseId,
          outcome: record.outcome,
          requestId: record.requestId,
          sourceIp: record.sourceIp,
          userAgent: record.userAgent,
          changes: record.changes === null ? null : JSON.parse(record.changes),
          details: record.details === null ? null : JSON.parse(record.details),
          prevHash,
          hash,
          canonical,
        })}\n`,
      );
    });
  }

  async verify(ctx: RequestContext): Promise<VerifyReport> {
    const report = await this.verifier.verify();
    await this.trail.record(ctx, { action: 'audit.verify', resourceType: 'audit', details: { valid: report.valid, checked: report.checked, firstInvalid: report.firstInvalid } });
    return report;
  }

  async checkpoints(ctx: RequestContext, query: CheckpointListQueryDto): Promise<CheckpointListDto> {
    await this.trail.record(ctx, { action: 'audit.checkpoints.read', resourceType: 'audit' });
    const page = await paginateList('audit-checkpoints', query, ['seq'], (after, take) => this.repository.checkpointPage(after?.[0], take), (c) => [c.chainPosition], (c) => c);
    return { publicKey: this.sealer.signer.publicKeyPem(), keyId: this.sealer.signer.keyId, ...page };
  }
}
