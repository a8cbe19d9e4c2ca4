import type { Tx } from '../../database/database';

/**
 * The request's Idempotency-Key, when it sent one. The change transaction of the request (the audit seam's
 * `transaction()`) stores the response in the same transaction as the change, so the two commit together
 * or not at all: a retry after a crash at any point replays the response instead of running the change
 * twice. The result of that transaction is the response body.
 */
export interface IdempotencyScope {
  readonly completed: boolean;
  completeIn(tx: Tx, body: unknown): void;
}
