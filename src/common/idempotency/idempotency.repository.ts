import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export const IDEMPOTENCY_RETENTION_HOURS = 24;
export const IDEMPOTENCY_LOCK_SECONDS = 120;

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'in_flight'; requestHash: string }
  | { outcome: 'completed'; requestHash: string; responseStatus: number; responseBody: unknown };

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims (principal, key) for a new request in one statement: a fresh key is inserted; an expired one
   * or an in-flight one whose lock lapsed is taken over; otherwise the existing row is returned.
   */
  async claim(principal: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_key (principal, key, request_hash, state, locked_until, expires_at)
       VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4), now() + make_interval(hours => $5))
       ON CONFLICT (principal, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_body = NULL,
             created_at = now(), locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at
         WHERE idempotency_key.expires_at < now()
            OR (idempotency_key.state = 'in_flight' AND idempotency_key.locked_until < now() AND idempotency_key.request_hash = EXCLUDED.request_hash)
       RETURNING 1`,
      [principal, key, requestHash, IDEMPOTENCY_LOCK_SECONDS, IDEMPOTENCY_RETENTION_HOURS],
    );
    if (claimed.length > 0) return { outcome: 'claimed' };
    const rows: { request_hash: string; state: string; response_status: number | null; response_body: unknown }[] = await this.dataSource.query(
      'SELECT request_hash, state, response_status, response_body FROM idempotency_key WHERE principal = $1 AND key = $2',
      [principal, key],
    );
    const row = rows[0];
    if (!row) return this.claim(principal, key, requestHash); // deleted between the two statements
    if (row.state === 'completed' && row.response_status !== null) {
      return { outcome: 'completed', requestHash: row.request_hash, responseStatus: row.response_status, responseBody: row.response_body };
    }
    return { outcome: 'in_flight', requestHash: row.request_hash };
  }

  async complete(principal: string, key: string, status: number, body: unknown): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_key SET state = 'completed', response_status = $3, response_body = $4::jsonb WHERE principal = $1 AND key = $2`,
      [principal, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** A request that failed changed nothing: forget its key so the client may retry with it. */
  async release(principal: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_key WHERE principal = $1 AND key = $2 AND state = 'in_flight'`, [principal, key]);
  }

  async purgeExpired(): Promise<number> {
    const [row] = await this.dataSource.query<{ n: number }[]>('WITH gone AS (DELETE FROM idempotency_key WHERE expires_at < now() RETURNING 1) SELECT count(*)::int AS n FROM gone');
    return row?.n ?? 0;
  }
}
