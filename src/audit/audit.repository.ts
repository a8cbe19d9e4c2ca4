import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { AuditActorKind, AuditOutcome } from './audit-event.entity';
import { CANONICAL_SQL } from './audit-chain';

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

export interface AuditRow {
  seq: string;
  occurredAt: string;
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

const COLUMNS = `seq::text AS "seq", to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt",
  actor_kind AS "actorKind", actor_id AS "actorId", actor_roles AS "actorRoles", action, resource_type AS "resourceType",
  resource_id AS "resourceId", case_id AS "caseId", outcome, request_id AS "requestId", source_ip AS "sourceIp",
  user_agent AS "userAgent", changes, details, chain_position::text AS "chainPosition", prev_hash AS "prevHash", hash`;

const INSERT_COLUMNS = ['actor_kind', 'actor_id', 'actor_roles', 'action', 'resource_type', 'resource_id', 'case_id', 'outcome', 'request_id', 'source_ip', 'user_agent', 'changes', 'details'];

/** The only way to the audit tables: inserts, queries, the sequencer's sealing and the verifier's scan. */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends records with the given manager: inside the caller's transaction when it has one. */
  async insert(manager: EntityManager, records: NewAuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const values: unknown[] = [];
    const tuples = records.map((r, i) => {
      values.push(r.actorKind, r.actorId, r.actorRoles, r.action, r.resourceType, r.resourceId, r.caseId, r.outcome, r.requestId, r.sourceIp, r.userAgent, r.changes ? JSON.stringify(r.changes) : null, r.details ? JSON.stringify(r.details) : null);
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
    if (filter.actorId) add('actor_id = ?', filter.actorId);
    if (filter.action) add(filter.action.endsWith('*') ? 'action LIKE ?' : 'action = ?', filter.action.endsWith('*') ? `${filter.action.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%` : filter.action);
    if (filter.resourceType) add('resource_type = ?', filter.resourceType);
    if (filter.resourceId) add('resource_id = ?', filter.resourceId);
    if (filter.caseId) add('case_id = ?', filter.caseId);
    if (filter.outcome) add('outcome = ?', filter.outcome);
    if (filter.from) add('occurred_at >= ?', filter.from);
    if (filter.to) add('occurred_at < ?', filter.to);
    if (filter.beforeSeq) add('seq < ?', filter.beforeSeq);
    params.push(limit);
    return this.dataSource.query(`SELECT ${COLUMNS} FROM audit_event ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${params.length}`, params);
  }

  /** Sealed records in chain order, a page at a time (for export). */
  async sealedAfter(position: string, limit: number): Promise<(AuditRow & { canonical: string })[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS}, ${CANONICAL_SQL} AS canonical FROM audit_event WHERE chain_position > $1 ORDER BY chain_position LIMIT $2`,
      [position, limit],
    );
  }

  /** The pg pool under TypeORM, for the verifier's array-mode scan (no per-row objects). */
  pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /** `[position, prev_hash, hash, canonical]` rows after a position, in chain order. */
  async chainSlice(position: string, limit: number): Promise<[string, string, string, string][]> {
    const result = await this.pool().query<[string, string, string, string]>({
      // (The output column is named "position": ORDER BY must sort by the bigint, not its text.)
      text: `SELECT chain_position::text AS position, prev_hash, hash, ${CANONICAL_SQL} FROM audit_event WHERE chain_position > $1 ORDER BY audit_event.chain_position LIMIT $2`,
      values: [position, limit],
      rowMode: 'array',
    });
    return result.rows;
  }

  async checkpoints(): Promise<{ chainPosition: string; headHash: string; createdAt: string; algorithm: string; keyId: string; signature: string }[]> {
    return this.dataSource.query(
      `SELECT chain_position::text AS "chainPosition", head_hash AS "headHash", to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "createdAt",
              algorithm, key_id AS "keyId", signature FROM audit_checkpoint ORDER BY chain_position`,
    );
  }

  async stats(): Promise<{ sealed: string; unsealed: string; oldestUnsealedSeconds: number | null }> {
    const [row] = await this.dataSource.query<{ sealed: string; unsealed: string; oldest: number | null }[]>(
      `SELECT (SELECT coalesce(max(chain_position), 0)::text FROM audit_event) AS sealed,
              (SELECT count(*)::text FROM audit_event WHERE chain_position IS NULL) AS unsealed,
              (SELECT extract(epoch FROM now() - min(occurred_at))::float8 FROM audit_event WHERE chain_position IS NULL) AS oldest`,
    );
    return { sealed: row.sealed, unsealed: row.unsealed, oldestUnsealedSeconds: row.oldest };
  }
}
