import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';

/** Parts that make a query parameter's name look like a credential (`accessToken`, `client_secret`, `x-api-key`). */
const CREDENTIAL_NAME_PARTS = /token|secret|passw(or)?d|apikey|accesskey|privatekey|credential|bearer|jwt|session|authori[sz]ation|cookie/;
/** Whole names that are credentials on their own (`?key=`, `?auth=`), too short to look for inside others. */
const CREDENTIAL_NAMES = new Set(['key', 'auth', 'pass', 'pwd', 'sid', 'otp', 'totp']);

/**
 * Whether a query parameter's name looks like a credential: such a parameter is refused by the API (400)
 * and masked wherever a URL is logged. Case- and separator-insensitive: `X-API-Key`, `api_key`, `apiKey`
 * and `api.key` are one name.
 */
export function isCredentialParam(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return CREDENTIAL_NAMES.has(normalized) || CREDENTIAL_NAME_PARTS.test(normalized);
}

/** Paths pino censors in any logged object: credentials and tipster identity, wherever they appear. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.accessToken',
  '*.refreshToken',
  '*.challengeToken',
  '*.apiKey',
  '*.token',
  '*.secret',
  '*.tipster',
  'password',
  'token',
  'apiKey',
  'tipster',
];

export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'casefile' },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      redact: { paths: LOG_REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: serializeError },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

interface DatabaseErrorFields {
  code?: unknown;
  constraint?: unknown;
  severity?: unknown;
  routine?: unknown;
}

/**
 * The database error inside `e`, if any: a TypeORM error (QueryFailedError carries the query, its
 * parameters and often the failing entity) or a pg DatabaseError (its `detail` and `where` quote row values).
 */
function databaseErrorOf(e: Error): { driver: DatabaseErrorFields } | undefined {
  const driverError = (e as { driverError?: unknown }).driverError;
  if (driverError && typeof driverError === 'object') return { driver: driverError };
  const fields = e as Error & DatabaseErrorFields;
  if (typeof fields.severity === 'string' && typeof fields.code === 'string') return { driver: fields };
  if (e.constructor?.name === 'QueryFailedError' || 'parameters' in e || 'query' in e || isTypeOrmError(e)) return { driver: {} };
  return undefined;
}

function isTypeOrmError(e: Error): boolean {
  for (let proto = Object.getPrototypeOf(e) as object | null; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    if (proto.constructor?.name === 'TypeORMError') return true;
  }
  return false;
}

/** The stack's frames without its first line (which repeats the message). */
function framesOf(e: Error): string | undefined {
  const lines = e.stack?.split('\n') ?? [];
  const first = lines.findIndex((l) => /^\s+at /.test(l));
  return first === -1 ? undefined : lines.slice(first).join('\n');
}

/**
 * pino's `err` serializer. Database errors are logged as their class, SQLSTATE code and constraint name
 * (and where in the code they were thrown) — never their message, query, parameters, failing entity or
 * `detail`, which can hold password hashes, tokens or personal data. Other errors keep message and stack.
 */
export function serializeError(err: unknown, depth = 0): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const type = err.constructor?.name ?? 'Error';
  const db = databaseErrorOf(err);
  if (db) {
    const { code, constraint, routine } = db.driver;
    return {
      type,
      code: typeof code === 'string' ? code : undefined,
      constraint: typeof constraint === 'string' ? constraint : undefined,
      routine: typeof routine === 'string' ? routine : undefined,
      stack: framesOf(err),
    };
  }
  const code = (err as { code?: unknown }).code;
  const out: Record<string, unknown> = { type, message: err.message, code: typeof code === 'string' || typeof code === 'number' ? code : undefined, stack: err.stack };
  if (err.cause !== undefined && depth < 3) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

/** One line about an error for a log message: the same rules as serializeError (no database values). */
export function describeError(err: unknown): string {
  const s = serializeError(err) as { type: string; code?: string | number; constraint?: string; message?: string };
  const parts = [s.type, s.code === undefined ? undefined : String(s.code), s.constraint === undefined ? undefined : `constraint ${s.constraint}`, s.message];
  return parts.filter((x): x is string => x !== undefined).join(': ');
}

/** Masks credential-looking query parameters of a URL before it is logged. */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  let changed = false;
  for (const name of [...params.keys()]) {
    if (isCredentialParam(name)) {
      params.set(name, '[REDACTED]');
      changed = true;
    }
  }
  return changed ? `${url.slice(0, q)}?${params.toString()}` : url;
}

/** Nest's application logger (boot, lifecycle, scheduled jobs) writing JSON through the same pino root. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}
  log(message: unknown, context?: string): void {
    this.root.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.root.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.root.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.root.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.root.trace({ context }, String(message));
  }
}
