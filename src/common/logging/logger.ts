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
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
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
