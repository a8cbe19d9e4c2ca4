import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain.error';
import { PROBLEM_TYPE_BASE } from '../common/problem/problem-details';
import { mapToProblem } from '../common/problem/problem-mapper';
import { RequestContext } from '../access/request-context';
import { AuditActorKind, AuditOutcome } from './audit-event.entity';
import { changedFields, redact } from './audit-redaction';
import { AuditRepository, NewAuditRecord } from './audit.repository';

export interface AuditEventInput {
  /** `case.update`, `auth.login.failed`, `evidence.download`… */
  action: string;
  outcome?: AuditOutcome;
  resourceType?: string;
  resourceId?: string;
  caseId?: string;
  /** For writes: the state before and after; only changed fields are kept, redacted. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  details?: Record<string, unknown>;
  /** Who acted, when it is not the request's principal (a login attempt, a scheduled job). */
  actor?: { kind: AuditActorKind; id: string | null; roles?: string[] };
}

/** What a service's transaction uses to append its audit records. */
export interface AuditRecorder {
  record(event: AuditEventInput): void;
}

/** Context for work the system does by itself (scheduled jobs, the first-run bootstrap). */
export const SYSTEM_CONTEXT: RequestContext = { requestId: 'system', ip: '', userAgent: undefined, principal: undefined };

/**
 * The audit trail's write side. Every service write goes through `transaction()`: the change and its
 * audit records commit together or not at all. Denials, failures and reads are appended by `record()`
 * in their own transaction.
 */
@Injectable()
export class AuditTrail {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: AuditRepository,
  ) {}

  /**
   * Runs `work` in one transaction and appends the records it collected in that same transaction. It must
   * record at least one event (no change without its record). When it fails, the change is rolled back
   * and `intent` is recorded as `denied` (401/403/404) or `error` in a transaction of its own.
   */
  async transaction<T>(ctx: RequestContext, intent: AuditEventInput, work: (tx: EntityManager, audit: AuditRecorder) => Promise<T>): Promise<T> {
    try {
      return await this.dataSource.transaction(async (tx) => {
        const collected: NewAuditRecord[] = [];
        const result = await work(tx, { record: (event) => collected.push(this.toRecord(ctx, event)) });
        if (collected.length === 0) throw new Error(`audited transaction "${intent.action}" recorded no audit event`);
        await this.repository.insert(tx, collected);
        return result;
      });
    } catch (error) {
      const denied = error instanceof DomainError && [401, 403, 404].includes(error.status);
      await this.record(ctx, {
        ...intent,
        before: undefined,
        after: undefined,
        outcome: denied ? 'denied' : 'error',
        details: { ...intent.details, problem: mapToProblem(error, undefined).body.type.replace(PROBLEM_TYPE_BASE, '') },
      }).catch(() => undefined);
      throw error;
    }
  }

  /** Appends one record in its own transaction. */
  async record(ctx: RequestContext, event: AuditEventInput): Promise<void> {
    await this.repository.insert(this.dataSource.manager, [this.toRecord(ctx, event)]);
  }

  private toRecord(ctx: RequestContext, event: AuditEventInput): NewAuditRecord {
    const principal = ctx.principal;
    const actor = event.actor ?? (principal ? { kind: principal.kind, id: principal.id, roles: principal.roles } : { kind: ctx === SYSTEM_CONTEXT ? ('system' as const) : ('anonymous' as const), id: null, roles: [] });
    const changes = event.before !== undefined || event.after !== undefined ? changedFields(event.before, event.after) : null;
    return {
      actorKind: actor.kind,
      actorId: actor.id,
      actorRoles: actor.roles ?? [],
      action: event.action,
      resourceType: event.resourceType ?? null,
      resourceId: event.resourceId ?? null,
      caseId: event.caseId ?? null,
      outcome: event.outcome ?? 'success',
      requestId: ctx.requestId || null,
      sourceIp: ctx.ip || null,
      userAgent: ctx.userAgent ?? null,
      changes,
      details: event.details ? (redact(event.details) as Record<string, unknown>) : null,
    };
  }
}
