import { Inject, Injectable } from '@nestjs/common';
import type { AccessDenialRecorder } from '../access/access-denial-recorder';
import { RequestContext } from '../access/request-context';
import { DomainError } from '../common/errors/domain.error';
import { databaseSilent } from '../common/errors/database-fault';
import { AppConfig } from '../config/app-config';
// The change transaction itself is this seam's job: it opens it on the database door.
// eslint-disable-next-line @typescript-eslint/no-restricted-imports
import { Database, Tx } from '../database/database';
import { AuditAction } from './audit-actions';
import { AuditActorKind, AuditOutcome } from './audit-event.entity';
import { changedFields, redact } from './audit-redaction';
import { AuditRepository, NewAuditRecord } from './audit.repository';

export type { AuditAction } from './audit-actions';

/** One audit record as a service states it. */
export interface AuditEventInput {
  action: AuditAction;
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

/** What a write declares up front: the action and the resource it changes. It becomes the record. */
export type AuditIntent = Pick<AuditEventInput, 'action' | 'resourceType' | 'resourceId' | 'caseId' | 'details' | 'actor'>;

/** What the change adds to its record once it knows: the resource id, before/after, details. */
export type AuditCompletion = Partial<Omit<AuditEventInput, 'resourceType'>>;

/** Handed to the work of an audited transaction. */
export interface AuditChange {
  /**
   * Completes this change's record (its intent). Call it before the write that makes the change: the
   * record rides along with that write, in the same statement. Calling it again before that write amends it.
   */
  set(completion: AuditCompletion): void;
  /** Another record in the same transaction (each account a job disables, say). */
  add(event: AuditEventInput): void;
  /**
   * The response, when it is known before the write (a single-statement change): the request's Idempotency-Key
   * stores it with that write. Otherwise it is stored with the last write, once `work` has returned it.
   */
  respond(result: unknown): void;
}

/** Handed to the work of an audited batch. */
export interface AuditBatch {
  /** The records of the batch's changes (one per resource). Call it before the write that makes them: they ride along with it. */
  setAll(events: AuditEventInput[]): void;
}

/** Context for work the system does by itself (scheduled jobs, the first-run bootstrap). */
export const SYSTEM_CONTEXT: RequestContext = { requestId: 'system', ip: '', userAgent: undefined, principal: undefined };

/**
 * The audit trail's write side. Every change goes through `transaction()`: the change, its audit record
 * and (with an Idempotency-Key) the stored response commit together or not at all. Reads, denials and
 * failures are appended by `record()` on their own. It knows nothing of HTTP: a failed change records the
 * domain error's code.
 */
@Injectable()
export class AuditTrail implements AccessDenialRecorder {
  /** Errors already recorded (a need-to-know denial inside a change): never recorded twice. */
  private readonly recorded = new WeakSet<object>();

  constructor(
    private readonly database: Database,
    private readonly repository: AuditRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * Runs `work` in one transaction whose audit record is `intent`, completed by `change.set()`. When it
   * fails, nothing of it stays, and the intent is recorded as `denied` (401/403/404) or `error` on its own,
   * with the error's code (unless the error says it is not a failure: `unrecorded`, such as a retry that the
   * caller answers). `singleStatement`: the change is one write carrying its record (see Database.transaction).
   */
  async transaction<T>(ctx: RequestContext, intent: AuditIntent, work: (tx: Tx, change: AuditChange) => Promise<T>, options: { singleStatement?: boolean } = {}): Promise<T> {
    let done: Tx | undefined;
    try {
      const value = await this.database.transaction(async (tx) => {
        let completion: AuditCompletion = {};
        let pending: NewAuditRecord | undefined;
        let written = false;
        const attachIntent = (): void => {
          pending = this.toRecord(ctx, { ...intent, ...completion, resourceType: intent.resourceType, details: { ...intent.details, ...completion.details } });
          const record = pending;
          this.repository.attach(tx, () => {
            written = true;
            return record;
          });
        };
        const change: AuditChange = {
          set: (more) => {
            if (written) throw new Error(`the audit record of "${intent.action}" was already written with the change: call set() before the write`);
            completion = { ...completion, ...more, details: more.details ? { ...completion.details, ...more.details } : completion.details };
            if (pending) Object.assign(pending, this.toRecord(ctx, { ...intent, ...completion, resourceType: intent.resourceType, details: { ...intent.details, ...completion.details } }));
            else attachIntent();
          },
          add: (event) => this.repository.attach(tx, () => this.toRecord(ctx, event)),
          respond: (result) => ctx.idempotency?.completeIn(tx, result),
        };
        const result = await work(tx, change);
        if (!pending) attachIntent();
        ctx.idempotency?.completeIn(tx, result);
        done = tx;
        return result;
      }, options);
      if (done) ctx.idempotency?.committed(done);
      return value;
    } catch (error) {
      await this.recordFailure(ctx, intent, error);
      throw error;
    }
  }

  /**
   * A change of many resources at once (a background job's batch), in one transaction: the records `work`
   * declares with `setAll()` commit with the change. When it fails, nothing of it stays and `intent` is recorded
   * on its own as `error`, with the error's code.
   */
  async batch<T>(ctx: RequestContext, intent: AuditIntent, work: (tx: Tx, batch: AuditBatch) => Promise<T>): Promise<T> {
    try {
      return await this.database.transaction((tx) => work(tx, { setAll: (events) => this.repository.attachMany(tx, () => events.map((e) => this.toRecord(ctx, e))) }));
    } catch (error) {
      await this.recordFailure(ctx, intent, error);
      throw error;
    }
  }

  /** Appends one record on its own (a read, a denial, a failure). */
  async record(ctx: RequestContext, event: AuditEventInput): Promise<void> {
    await this.repository.insert(this.toRecord(ctx, event));
  }

  /**
   * A refusal that anyone can repeat at will (the global guard's): identical ones from one source — the
   * principal, or the IP when anonymous — for the same action, resource and `reason` are recorded once per
   * window (AUDIT_DENIAL_WINDOW_SECONDS); the repeats are counted in PostgreSQL and written as one aggregate
   * record with `details.count` once the window has closed (see `flushDenialWindows`).
   */
  async recordRepeatable(ctx: RequestContext, event: AuditEventInput, reason: string): Promise<void> {
    const record = this.toRecord(ctx, event);
    const source = record.actorId ? `${record.actorKind}:${record.actorId}` : `ip:${record.sourceIp ?? ''}`;
    const key = [source, record.action, record.resourceType ?? '', record.resourceId ?? '', reason].join('|');
    await this.repository.insertAggregated(key, this.config.audit.denialWindowSeconds, record);
  }

  /** Writes the aggregate records of the denial windows that have closed. Any replica may run it. */
  flushDenialWindows(): Promise<number> {
    return this.repository.flushDenialWindows();
  }

  /** A need-to-know denial: recorded once, here; the change that meets it will not record it again. */
  async recordDenial(ctx: RequestContext, event: AuditEventInput, error: Error): Promise<void> {
    this.recorded.add(error);
    await this.record(ctx, { ...event, outcome: 'denied' });
  }

  private async recordFailure(ctx: RequestContext, intent: AuditIntent, error: unknown): Promise<void> {
    if (error && typeof error === 'object' && (this.recorded.has(error) || (error as { unrecorded?: boolean }).unrecorded === true)) return;
    // A database that did not answer the change will not answer its failure record either: trying would make
    // the client wait as long again for a 503. The request's log line (with its request id) keeps the attempt.
    if (databaseSilent(error)) return;
    const domain = error instanceof DomainError ? error : undefined;
    const denied = domain !== undefined && [401, 403, 404].includes(domain.status);
    await this.record(ctx, { ...intent, outcome: denied ? 'denied' : 'error', details: { ...intent.details, problem: domain?.code ?? 'internal' } }).catch(() => undefined);
  }

  private toRecord(ctx: RequestContext, event: AuditEventInput): NewAuditRecord {
    const principal = ctx.principal;
    const actor = event.actor ?? (principal ? { kind: principal.kind, id: principal.id, roles: principal.roles } : { kind: ctx === SYSTEM_CONTEXT ? ('system' as const) : ('anonymous' as const), id: null, roles: [] });
    const changes = event.before !== undefined || event.after !== undefined ? changedFields(event.before, event.after) : null;
    const details = event.details && Object.keys(event.details).length > 0 ? (redact(event.details) as Record<string, unknown>) : null;
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
      details,
    };
  }
}
