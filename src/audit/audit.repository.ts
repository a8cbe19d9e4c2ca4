import { Injectable } from '@nestjs/common';
import type { Pool, PoolClient } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { pgPool } from '../database/pg-pool';
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

/** The only way to the audit tables: inserts, queries, the sequencer's sealing and the verifier's scan. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends records with the given manager: inside the caller's transaction when it has one. */
  async insert(manager: EntityManager, records: NewAuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    // The common case, one record inside the caller's transaction: a named (prepared) statement on that
    // transaction's own connection, parsed once per connection instead of on every write.
    const connection = (manager.queryRunner as { databaseConnection?: PoolClient } | undefined)?.databaseConnection;
    if (records.length === 1 && connection) {
      const r = records[0];
      await connection.query({
        name: 'casefile-audit-insert',
        text: `INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')}) VALUES (${INSERT_COLUMNS.map((_, j) => `$${j + 1}`).join(', ')})`,
        values: insertValues(r),
      });
      return;
    }
    const values: unknown[] = [];
    const tuples = records.map((r, i) => {
      values.push(...insertValues(r));
      const base = i * INSERT_COLUMNS.length;
      return `(${INSERT_COLUMNS.map((_, j) => `$${base + j + 1}`).join(', ')})`;
    });
    await manager.query(`INSERT INTO audit_event (${INSERT_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values);
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
    params.push(limit);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM audit_event e LEFT JOIN audit_seal s ON s.seq = e.seq
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.seq DESC LIMIT $${params.length}`,
      params,
    );
  }

  private pool(): Pool {
    return pgPool(this.dataSource);
  }

  async lastPosition(): Promise<string> {
    const { rows } = await this.pool().query<{ head: string }>('SELECT coalesce(max(chain_position), 0)::text AS head FROM audit_seal');
    return rows[0].head;
  }

  /**
   * Streams the sealed chain in order, after `after` and up to `upTo`, as COPY lines:
   * `position \t prevHash \t hash \t canonical fields…` (the fields are `\N` when the record is gone).
   * `onLine` returns false to stop. Runs on a connection of its own, so memory stays flat.
   */
  async streamChain(after: bigint, upTo: bigint | undefined, onLine: (line: string) => boolean | void | Promise<void>): Promise<void> {
    const client = await this.pool().connect();
    try {
      await copyLines(
        client,
        `SELECT s.chain_position, s.prev_hash, s.hash, ${canonicalFieldsSql('e')}
           FROM audit_seal s LEFT JOIN audit_event e ON e.seq = s.seq
          WHERE s.chain_position > ${after.toString()}${upTo === undefined ? '' : ` AND s.chain_position <= ${upTo.toString()}`}
          ORDER BY s.chain_position`,
        onLine,
      );
    } finally {
      client.release();
    }
  }

  async checkpoints(): Promise<{ chainPosition: string; headHash: string; createdAt: string; algorithm: string; keyId: string; signature: string }[]> {
    return this.dataSource.query(
      `SELECT chain_position::text AS "chainPosition", head_hash AS "headHash", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
              algorithm, key_id AS "keyId", signature FROM audit_checkpoint ORDER BY chain_position`,
    );
  }

  /** Records committed but still unsealed after `seconds` (a stalled sequencer, or a tampered queue). */
  async unsealedOlderThan(seconds: number): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM audit_event e WHERE NOT EXISTS (SELECT 1 FROM audit_seal s WHERE s.seq = e.seq) AND e.occurred_at < now() - make_interval(secs => $1)`,
      [seconds],
    );
    return row?.n ?? 0;
  }
}
