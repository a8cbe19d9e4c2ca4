import { HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { DomainError } from '../errors/domain.error';
import { methodNotAllowed } from '../http/method-not-allowed';
import { ProblemDetails, problem } from './problem-details';

export interface MappedProblem {
  body: ProblemDetails;
  headers: Record<string, string>;
  /** Unexpected errors are logged with their stack; refusals are not. */
  unexpected: boolean;
  /** A fault of the infrastructure (the database), logged as a warning: not the client's doing, nor a bug. */
  fault?: boolean;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  406: 'Not acceptable',
  409: 'Conflict',
  411: 'Length required',
  412: 'Precondition failed',
  413: 'Content too large',
  414: 'URI too long',
  415: 'Unsupported media type',
  417: 'Expectation failed',
  431: 'Request header fields too large',
  422: 'Unprocessable content',
  428: 'Precondition required',
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
};

const CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  411: 'length-required',
  413: 'content-too-large',
  414: 'uri-too-long',
  415: 'unsupported-media-type',
  417: 'expectation-failed',
  431: 'headers-too-large',
  422: 'unprocessable',
  429: 'rate-limited',
  503: 'unavailable',
};

/** Fastify's own refusals, with a detail that helps the client and says nothing internal. */
const FASTIFY_DETAILS: Record<string, (err: { message: string }) => string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'The request body is larger than this endpoint accepts',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => 'This endpoint accepts application/json (or multipart/form-data where documented)',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => "The body is empty but the content type says application/json: send a JSON body or no content type",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => 'The Content-Length header does not match the body',
  FST_ERR_CTP_INVALID_JSON_BODY: (e) => `The body is not valid JSON: ${e.message}`,
  FST_ERR_MAX_PARAM_LENGTH: () => 'A path segment is longer than this API accepts (100 characters): check the identifier in the URL',
  FST_ERR_BAD_URL: () => 'The URL is not valid (a malformed percent-encoding?)',
  FST_ERR_ASYNC_CONSTRAINT: () => 'The request could not be routed',
};

/** What a client should know about a database fault a retry can cure, and how long to wait. */
interface DatabaseFault {
  code: string;
  detail: string;
  retryAfterSeconds: number;
}

const DB_UNAVAILABLE: DatabaseFault = { code: 'database-unavailable', detail: 'The database is unavailable; try again shortly', retryAfterSeconds: 5 };
const DB_BUSY: DatabaseFault = { code: 'database-busy', detail: 'The service is too busy to take this request now (no database connection came free in time); try again shortly', retryAfterSeconds: 2 };
const DB_TIMEOUT: DatabaseFault = { code: 'query-timeout', detail: 'The database took too long to answer; try again', retryAfterSeconds: 2 };

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
    if (message === 'Query read timeout') return DB_TIMEOUT;
    if (message.startsWith('Connection terminated') || message.includes('is not queryable') || message.includes('not currently accepting connections') || message.includes('Cannot use a pool after calling end')) {
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

function pathOf(request: FastifyRequest | undefined): string {
  const url = request?.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Maps anything thrown while handling a request to one RFC 9457 problem. Never leaks internals. */
export function mapToProblem(exception: unknown, request: FastifyRequest | undefined): MappedProblem {
  const instance = pathOf(request);
  const requestId = request?.id ?? '';
  const make = (status: number, code: string, title: string, detail: string, extra?: Partial<Pick<MappedProblem, 'headers' | 'unexpected'>> & { errors?: DomainError['errors']; extensions?: Record<string, unknown> }): MappedProblem => ({
    body: problem({ code, title, status, detail, instance, requestId, errors: extra?.errors, extensions: extra?.extensions }),
    headers: extra?.headers ?? {},
    unexpected: extra?.unexpected ?? false,
  });

  if (exception instanceof DomainError) {
    return make(exception.status, exception.code, exception.title, exception.detail, {
      errors: exception.errors,
      headers: exception.headers,
      extensions: exception.extensions,
    });
  }

  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    let detail = Array.isArray(message) ? message.map(String).join('; ') : typeof message === 'string' ? message : exception.message;
    if (status === 404 && request && !request.routeOptions?.url) {
      const notAllowed = methodNotAllowed(request);
      if (notAllowed) return mapToProblem(notAllowed, request);
      detail = `No route ${request.method} ${instance}`;
    }
    if (status >= 500) {
      return make(500, 'internal', TITLES[500], `An unexpected error occurred; quote request id ${requestId} when reporting it`, { unexpected: true });
    }
    return make(status, CODES[status] ?? `http-${status}`, TITLES[status] ?? 'Error', detail);
  }

  const fault = databaseFaultOf(exception);
  if (fault) return { ...make(503, fault.code, TITLES[503], fault.detail, { headers: { 'Retry-After': String(fault.retryAfterSeconds) } }), fault: true };

  if (exception instanceof QueryFailedError) {
    const code = (exception as QueryFailedError & { driverError?: { code?: string } }).driverError?.code;
    if (code === '40001' || code === '40P01') return make(409, 'concurrent-update', 'Conflict', 'A concurrent change got in the way; retry the request');
    if (code === '23505') return make(409, 'conflict', 'Conflict', 'This conflicts with an existing record');
  }

  const err = exception as { statusCode?: unknown; code?: unknown; message?: unknown } | undefined;
  if (err && typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    const status = err.statusCode;
    const fstCode = typeof err.code === 'string' ? err.code : '';
    const message = typeof err.message === 'string' ? err.message : '';
    const detailOf = FASTIFY_DETAILS[fstCode] ?? (fstCode === '' && status === 400 && /JSON/i.test(message) ? FASTIFY_DETAILS.FST_ERR_CTP_INVALID_JSON_BODY : undefined);
    const detail = detailOf ? detailOf({ message }) : (TITLES[status] ?? 'The request was refused');
    return make(status, CODES[status] ?? `http-${status}`, TITLES[status] ?? 'Error', detail);
  }

  return make(500, 'internal', TITLES[500], `An unexpected error occurred; quote request id ${requestId} when reporting it`, { unexpected: true });
}
