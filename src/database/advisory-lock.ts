/**
 * PostgreSQL advisory locks, the one way Casefile makes something run on one replica at a time (migrations,
 * the first-run bootstrap, the audit sequencer, scheduled jobs). A lock is named; its key is
 * `hashtext(name)`. Transaction-level locks (`Database.lock` / `Database.tryLock`) end with the
 * transaction; session-level ones here are held by a connection until released or disconnected.
 */
export interface LockConnection {
  query(text: string, values: unknown[]): Promise<unknown>;
}

export const XACT_LOCK_SQL = 'SELECT pg_advisory_xact_lock(hashtext($1))';
export const TRY_XACT_LOCK_SQL = 'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked';

function rowsOf(result: unknown): { locked?: boolean }[] {
  if (Array.isArray(result)) return result as { locked?: boolean }[];
  return (result as { rows?: { locked?: boolean }[] } | undefined)?.rows ?? [];
}

/** Session-level: takes the lock if free; the connection holds it until `releaseSessionLock` or its end. */
export async function trySessionLock(connection: LockConnection, name: string): Promise<boolean> {
  return rowsOf(await connection.query('SELECT pg_try_advisory_lock(hashtext($1)) AS locked', [name]))[0]?.locked === true;
}

/** Session-level: runs `fn` while holding the lock, waiting for it first (migrations: replicas take turns). */
export async function withSessionLock<T>(connection: LockConnection, name: string, fn: () => Promise<T>): Promise<T> {
  await connection.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
  try {
    return await fn();
  } finally {
    await connection.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
  }
}
