import { Injectable } from '@nestjs/common';
import { Database, Tx } from '../database/database';
import { AuditActorKind, AuditOutcome } from './audit-event.entity';
import { canonicalFieldsSql } from './audit-chain';
import { copyLines } from './copy-lines';

export interface NewAuditRecord {
  actorKind: AuditActorKind;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  caseId: string | null;
  outcome: AuditOutcome;
  requestId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  changes: Record<string, unknown> | null;
  details: Record<string, unknown> | null;
}

/** A record as read back: what was appended, its insertion order and time, and its seal once sealed. */
export interface AuditRow extends NewAuditRecord {
  seq: string;
  occurredAt: string;
  chainPosition: string | null;
  prevHash: string | null;
  hash: string | null;
}

export interface AuditFilter {
  actorId?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  caseId?: string;
  outcome?: AuditOutcome;
  from?: Date;
  to?: Date;
  /** Keyset: only records with seq below this (newest first). */
  beforeSeq?: string;
  /** Leave these actions out (a case timeline without its reads, for members who are not its lead). */
  excludeActions?: readonly string[];
}

const COLUMNS = `e.seq::text AS "seq", to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt",
  e.actor_kind AS "actorKind", e.actor_id AS "actorId", e.actor_roles AS "actorRoles", e.action, e.resource_type AS "resourceType",
  e.resource_id AS "resourceId", e.case_id AS "caseId", e.outcome, e.request_id AS "requestId", e.source_ip AS "sourceIp",
  e.user_agent AS "userAgent", e.changes, e.details, s.chain_position::text AS "chainPosition", s.prev_hash AS "prevHash", s.hash`;

const INSERT_COLUMNS = ['actor_kind', 'actor_id', 'actor_roles', 'action', 'resource_type', 'resource_id', 'case_id', 'outcome', 'request_id', 'source_ip', 'user_agent', 'changes', 'details'];

/** A record's values in INSERT_COLUMNS order. */
function insertValues(r: NewAuditRecord): unknown[] {
  return [r.actorKind, r.actorId, r.actorRoles, r.action, r.resourceType, r.resourceId, r.caseId, r.outcome, r.requestId, r.sourceIp, r.userAgent, r.changes ? JSON.stringify(r.changes) : null, r.details ? JSON.stringify(r.details) : null];
}

const INSERT_SQL = `INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, j) => `$${j + 1}`).join(', ')})`;

/** The only way to the audit tables: inserts, queries, the sequencer's sealing and the verifier's scan. */
@Injectable()
export class AuditRepository {
  constructor(private readonly database: Database) {}

  /** Appends one record on its own (a prepared statement, one round trip). */
  async insert(record: NewAuditRecord): Promise<void> {
    await this.database.query({ name: 'audit-insert', text: INSERT_SQL, values: insertValues(record) });
  }

  /**
   * Appends a record within `tx`, riding along with the transaction's next write (or before its COMMIT):
   * the change and its record reach PostgreSQL in one statement. `record` is read when it is sent.
   */
  attach(tx: Tx, record: () => NewAuditRecord): void {
    this.database.attach(tx, {
      shape: 'audit',
      text: (first) => `INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, j) => `$${first + j}`).join(', ')})`,
      values: () => insertValues(record()),
    });
  }

  /**
   * Appends several records within `tx` as one statement riding along with the transaction's next write (one
   * data-modifying CTE over arrays, whatever their number). `records` is read when it is sent.
   */
  attachMany(tx: Tx, records: () => NewAuditRecord[]): void {
    const casts = ['text', 'uuid', 'jsonb', 'text', 'text', 'text', 'uuid', 'text', 'text', 'text', 'text', 'jsonb', 'jsonb'];
    this.database.attach(tx, {
      shape: 'audit-many',
      text: (first) =>
        `INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')})
         SELECT ${INSERT_COLUMNS.map((c) => (c === 'actor_roles' ? 'ARRAY(SELECT jsonb_array_elements_text(r.actor_roles))' : `r.${c}`)).join(', ')}
           FROM unnest(${casts.map((c, j) => `$${first + j}::${c}[]`).join(', ')}) WITH ORDINALITY AS r(${INSERT_COLUMNS.join(', ')}, n)
          ORDER BY r.n`,
      values: () => {
        const rows = records().map(insertValues);
        return casts.map((_, j) => rows.map((row) => (j === 2 ? JSON.stringify(row[j]) : row[j])));
      },
    });
  }

  /**
   * A denial that may repeat: counts it in its window (`key` × fixed window of `windowSeconds`) and appends
   * `record` only when it is the window's first — one statement, race-safe (the upsert decides which
   * request is first, across replicas). Returns the denial's number in its window.
   */
  async insertAggregated(key: string, windowSeconds: number, record: NewAuditRecord): Promise<number> {
    const [row] = await this.database.query<{ hits: number }>({
      name: 'audit-insert-aggregated',
      text: `WITH w AS (
               INSERT INTO audit_denial_window (key, window_start, hits, expires_at, record)
               SELECT $1, s.start, 1, s.start + make_interval(secs => $2::int), $3::jsonb
                 FROM (SELECT to_timestamp(floor(extract(epoch FROM now()) / $2::int) * $2::int) AS start) s
               ON CONFLICT (key, window_start) DO UPDATE SET hits = audit_denial_window.hits + 1
               RETURNING hits),
             r AS (INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')}) SELECT ${INSERT_COLUMNS.map((_, j) => `$${j + 4}`).join(', ')} FROM w WHERE w.hits = 1 RETURNING 1)
             SELECT hits FROM w`,
      values: [key, windowSeconds, JSON.stringify(record), ...insertValues(record)],
    });
    return row.hits;
  }

  /**
   * Closes the denial windows that have ended: each one with repeats becomes one aggregate record (the first
   * denial's fields, `details.count` = the repeats not recorded one by one, the window's bounds). DELETE …
   * RETURNING feeds the INSERT in one statement, so each window is written exactly once, by whichever
   * replica gets it, and never lost between the two. Returns the number of aggregate records written.
   */
  async flushDenialWindows(): Promise<number> {
    const rows = await this.database.query<{ n: number }>({
      name: 'audit-flush-denial-windows',
      text: `WITH closed AS (DELETE FROM audit_denial_window WHERE expires_at <= now() RETURNING hits, window_start, expires_at, record),
             written AS (
               INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')})
               SELECT record->>'actorKind', (record->>'actorId')::uuid, ARRAY(SELECT jsonb_array_elements_text(coalesce(record->'actorRoles', '[]'::jsonb))),
                      record->>'action', record->>'resourceType', record->>'resourceId', (record->>'caseId')::uuid, record->>'outcome',
                      NULL, record->>'sourceIp', record->>'userAgent', NULL,
                      coalesce(record->'details', '{}'::jsonb) || jsonb_build_object(
                        'aggregated', true, 'count', hits - 1, 'firstRequestId', record->>'requestId',
                        'windowStart', to_char(window_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
                        'windowEnd', to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                 FROM closed WHERE hits > 1
                 ORDER BY window_start, record->>'requestId'
               RETURNING 1)
             SELECT count(*)::int AS n FROM written`,
    });
    return rows[0]?.n ?? 0;
  }

  async find(filter: AuditFilter, limit: number): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.actorId) add('e.actor_id = ?', filter.actorId);
    if (filter.action) add(filter.action.endsWith('*') ? 'e.action LIKE ?' : 'e.action = ?', filter.action.endsWith('*') ? `${filter.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%` : filter.action);
    if (filter.resourceType) add('e.resource_type = ?', filter.resourceType);
    if (filter.resourceId) add('e.resource_id = ?', filter.resourceId);
    if (filter.caseId) add('e.case_id = ?', filter.caseId);
    if (filter.outcome) add('e.outcome = ?', filter.outcome);
    if (filter.from) add('e.occurred_at >= ?', filter.from);
    if (filter.to) add('e.occurred_at < ?', filter.to);
    if (filter.beforeSeq) add('e.seq < ?', filter.beforeSeq);
    if (filter.excludeActions?.length) add('e.action <> ALL(?::text[])', filter.excludeActions);
    params.push(limit);
    return this.database.query<AuditRow>({
      text: `SELECT ${COLUMNS} FROM audit_event e LEFT JOIN audit_seal s ON s.seq = e.seq
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq DESC LIMIT $${params.length}`,
      values: params,
    });
  }

  async lastPosition(): Promise<string> {
    const [row] = await this.database.query<{ head: string }>({ text: 'SELECT coalesce(max(chain_position), 0)::text AS head FROM audit_seal' });
    return row.head;
  }

  /**
   * Streams the sealed chain in order, after `after` and up to `upTo`, as COPY lines:
   * `position \t prevHash \t hash \t canonical fields…` (the fields are `\N` when the record is gone).
   * `onLine` returns false to stop. Runs on a connection of its own, so memory stays flat.
   */
  async streamChain(after: bigint, upTo: bigint | undefined, onLine: (line: string) => boolean | void | Promise<void>): Promise<void> {
    await this.database.withConnection((client) =>
      copyLines(
        client,
        `SELECT s.chain_position, s.prev_hash, s.hash, ${canonicalFieldsSql('e')}
           FROM audit_seal s LEFT JOIN audit_event e ON e.seq = s.seq
          WHERE s.chain_position > ${after.toString()}${upTo === undefined ? '' : ` AND s.chain_position <= ${upTo.toString()}`}
          ORDER BY s.chain_position`,
        onLine,
      ),
    );
  }

  /** Every signed checkpoint in chain order (for verify). */
  async checkpoints(): Promise<{ chainPosition: string; headHash: string; createdAt: string; algorithm: string; keyId: string; signature: string }[]> {
    return this.checkpointPage(undefined, null);
  }

  /** Signed checkpoints in chain order, `take` of them (all: null) after position `after` (keyset). */
  async checkpointPage(after: string | undefined, take: number | null): Promise<{ chainPosition: string; headHash: string; createdAt: string; algorithm: string; keyId: string; signature: string }[]> {
    return this.database.query({
      name: 'audit-checkpoints-page',
      text: `SELECT chain_position::text AS "chainPosition", head_hash AS "headHash", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
              algorithm, key_id AS "keyId", signature FROM audit_checkpoint WHERE chain_position > $1::bigint ORDER BY chain_position LIMIT $2`,
      values: [after ?? '0', take],
    });
  }

  /** Records committed but still unsealed after `seconds` (a stalled sequencer, or a tampered queue). */
  async unsealedOlderThan(seconds: number): Promise<number> {
    const [row] = await this.database.query<{ n: number }>({
      text: `SELECT count(*)::int AS n FROM audit_event e WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.seq = e.seq) AND e.occurred_at < now() - make_interval(secs => $1)`,
      values: [seconds],
    });
    return row?.n ?? 0;
  }
}
