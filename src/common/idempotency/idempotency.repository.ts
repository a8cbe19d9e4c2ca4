import { Inject, Injectable } from '@nestjs/common';
import { Database, Tx } from '../../database/database';
import { FIELD_ENCRYPTION, FieldEncryption } from '../crypto/field-encryption';

export const IDEMPOTENCY_RETENTION_HOURS = 24;
export const IDEMPOTENCY_LOCK_SECONDS = 120;

export type IdempotencyClaim =
  | { outcome: 'claimed' }
  | { outcome: 'in_flight'; requestHash: string }
  | { outcome: 'completed'; requestHash: string; responseStatus: number; responseBody: unknown };

const COMPLETE_SQL = (first: number): string =>
  `UPDATE idempotency_key SET state = 'completed', response_status = $${first + 2}, response_body = to_jsonb($${first + 3}::text)
    WHERE principal = $${first} AND key = $${first + 1}`;

/**
 * Idempotency keys per principal. A stored response is encrypted (AES-256-GCM, bound to its principal and
 * key), so the responses that carry a credential shown once (an API key, a TOTP secret) are never kept in
 * clear, and only the same principal's replay can read one.
 */
@Injectable()
export class IdempotencyRepository {
  constructor(
    private readonly database: Database,
    @Inject(FIELD_ENCRYPTION) private readonly encryption: FieldEncryption,
  ) {}

  /**
   * Claims (principal, key) for a new request in one statement: a fresh key is inserted; an expired one or
   * an in-flight one whose lock lapsed is taken over; otherwise the existing row comes back as it is.
   */
  async claim(principal: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const [row] = await this.database.query<{ claimed: boolean; request_hash: string; state: string; response_status: number | null; response_body: string | null }>({
      name: 'idempotency-claim',
      text: `WITH claimed AS (
               INSERT INTO idempotency_key (principal, key, request_hash, state, locked_until, expires_at)
               VALUES ($1, $2, $3, 'in_flight', now() + make_interval(secs => $4), now() + make_interval(hours => $5))
               ON CONFLICT (principal, key) DO UPDATE
                 SET request_hash = EXCLUDED.request_hash, state = 'in_flight', response_status = NULL, response_body = NULL,
                     created_at = now(), locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at
                 WHERE idempotency_key.expires_at < now()
                    OR (idempotency_key.state = 'in_flight' AND idempotency_key.locked_until < now() AND idempotency_key.request_hash = EXCLUDED.request_hash)
               RETURNING 1)
             SELECT EXISTS (SELECT 1 FROM claimed) AS claimed, k.request_hash, k.state, k.response_status, k.response_body #>> '{}' AS response_body
               FROM (SELECT 1) one LEFT JOIN idempotency_key k ON k.principal = $1 AND k.key = $2`,
      values: [principal, key, requestHash, IDEMPOTENCY_LOCK_SECONDS, IDEMPOTENCY_RETENTION_HOURS],
    });
    if (row.claimed) return { outcome: 'claimed' };
    // Not claimed and not there: it expired and was purged between the two halves of the statement.
    if (row.request_hash === null) return this.claim(principal, key, requestHash);
    if (row.state === 'completed' && row.response_status !== null) {
      const body: unknown = row.response_body === null ? null : JSON.parse(this.encryption.decrypt(row.response_body, aad(principal, key)));
      return { outcome: 'completed', requestHash: row.request_hash, responseStatus: row.response_status, responseBody: body };
    }
    return { outcome: 'in_flight', requestHash: row.request_hash };
  }

  /** Stores the response within the change's transaction: both commit, or neither. */
  completeIn(tx: Tx, principal: string, key: string, status: number, body: unknown): void {
    const sealed = this.seal(principal, key, body);
    this.database.attach(tx, { shape: 'idempotency', text: COMPLETE_SQL, values: () => [principal, key, status, sealed] });
  }

  /** Stores the response of a request that changed nothing in a transaction of its own. */
  async complete(principal: string, key: string, status: number, body: unknown): Promise<void> {
    await this.database.query({ name: 'idempotency-complete', text: COMPLETE_SQL(1), values: [principal, key, status, this.seal(principal, key, body)] });
  }

  /** A request that failed changed nothing: forget its key so the client may retry with it. */
  async release(principal: string, key: string): Promise<void> {
    await this.database.query({ name: 'idempotency-release', text: `DELETE FROM idempotency_key WHERE principal = $1 AND key = $2 AND state = 'in_flight'`, values: [principal, key] });
  }

  async purgeExpired(): Promise<number> {
    const [row] = await this.database.query<{ n: number }>({ text: 'WITH gone AS (DELETE FROM idempotency_key WHERE expires_at < now() RETURNING 1) SELECT count(*)::int AS n FROM gone' });
    return row?.n ?? 0;
  }

  private seal(principal: string, key: string, body: unknown): string {
    return this.encryption.encrypt(JSON.stringify(body ?? null), aad(principal, key));
  }
}

const aad = (principal: string, key: string): string => `idempotency:${principal}:${key}`;
