import { HttpException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { databaseFaultOf } from '../errors/database-fault';
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
    const mapped = make(exception.status, exception.code, exception.title, exception.detail, {
      errors: exception.errors,
      headers: exception.headers,
      extensions: exception.extensions,
    });
    return exception.status === 503 ? { ...mapped, fault: true } : mapped;
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
    // A content type no parser takes reaches here as a bare 415 ("Unsupported Media Type"): say what is taken.
    if (status === 415) detail = FASTIFY_DETAILS.FST_ERR_CTP_INVALID_MEDIA_TYPE({ message: detail });
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
