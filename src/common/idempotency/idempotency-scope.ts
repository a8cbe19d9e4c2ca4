import type { Tx } from '../../database/database';

/**
 * The request's Idempotency-Key, when it sent one. The change transaction of the request (the audit seam's
 * `transaction()`) stores the response in the same transaction as the change, so the two commit together
 * or not at all: a retry after a crash at any point replays the response instead of running the change
 * twice. The result of that transaction is the response body.
 */
export interface IdempotencyScope {
  /** The response is stored: its transaction committed. */
  readonly completed: boolean;
  /** Stores `body` as the response with what `tx` commits (once per transaction). */
  completeIn(tx: Tx, body: unknown): void;
  /** `tx` committed: what it stored is the response. */
  committed(tx: Tx): void;
}
