/*
 * Database faults a retry can cure, told apart from the driver's error wherever it sits: one list, for the
 * problem mapper (any error that reaches it) and the database door (ServiceUnavailableError), so both
 * answer alike.
 */

/** What a client should know about a database fault a retry can cure, and how long to wait. */
export interface DatabaseFault {
  code: string;
  detail: string;
  retryAfterSeconds: number;
  /** The database gave no answer at all (unreachable, no pooled connection free, a statement it never answered). */
  silent: boolean;
}

const DB_UNAVAILABLE: DatabaseFault = {
  code: 'database-unavailable',
  detail: 'The database is unavailable; try again shortly',
  retryAfterSeconds: 5,
  silent: true,
};
const DB_BUSY: DatabaseFault = {
  code: 'database-busy',
  detail: 'The service is too busy to take this request now (no database connection came free in time); try again shortly',
  retryAfterSeconds: 2,
  silent: true,
};
/** PostgreSQL's own statement or lock timeout: it answered, with a refusal. */
const DB_TIMEOUT: DatabaseFault = { code: 'query-timeout', detail: 'The database took too long to answer; try again', retryAfterSeconds: 2, silent: false };
/** The client gave up on a statement the database never answered. */
const DB_SILENT: DatabaseFault = { ...DB_TIMEOUT, silent: true };

/** Node's network errors on the way to the database. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

function faultOf(code: unknown, message: unknown): DatabaseFault | undefined {
  if (typeof code === 'string') {
    if (code === '57014' || code === '55P03') return DB_TIMEOUT; // statement timeout (query_canceled), lock timeout
    if (code === '53300') return DB_BUSY; // too many connections
    // 08: connection exceptions; 57P01-03: administrator or crash shutdown, cannot connect now; 53: out of resources
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code.startsWith('53')) return DB_UNAVAILABLE;
    if (NETWORK_CODES.has(code)) return DB_UNAVAILABLE;
  }
  if (typeof message === 'string') {
    // pg-pool and pg's own errors carry no code: the wait for a pooled connection, a connection lost or never made.
    if (message === 'timeout exceeded when trying to connect') return DB_BUSY;
    if (message === 'Query read timeout') return DB_SILENT;
    if (
      message.startsWith('Connection terminated') ||
      message.startsWith('Connection closed') ||
      message.includes('is not queryable') ||
      message.includes('not currently accepting connections') ||
      message.includes('Cannot use a pool after calling end')
    ) {
      return DB_UNAVAILABLE;
    }
  }
  return undefined;
}

/**
 * A database fault that is not the request's fault — the database unreachable, restarting or shutting
 * down, no pooled connection free in time, a statement or lock timeout — read from the driver's error,
 * wherever it sits: TypeORM's QueryFailedError wraps it, pg-pool's errors are raw, an AggregateError holds
 * one per address tried.
 */
export function databaseFaultOf(exception: unknown): DatabaseFault | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [exception];
  while (queue.length > 0 && seen.size < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e)) continue;
    seen.add(e);
    const { code, message, driverError, cause, errors } = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
    const fault = faultOf(code, message);
    if (fault) return fault;
    queue.push(driverError, cause, ...(Array.isArray(errors) ? errors : []));
  }
  return undefined;
}

/**
 * Whether the fault means the database gave no answer at all (unreachable, no pooled connection free in time,
 * a statement it never answered) — as opposed to an answer that refused (a statement or lock timeout it
 * reported itself). Another statement sent now would only wait as long again.
 */
export function databaseSilent(exception: unknown): boolean {
  return databaseFaultOf(exception)?.silent === true;
}
