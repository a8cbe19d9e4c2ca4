import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiHeader, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import type { HeaderObject, OpenAPIObject, OperationObject, ParameterObject, ReferenceObject, RequestBodyObject, ResponseObject, SchemaObject } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsDto } from '../problem/problem-details';

/**
 * The OpenAPI vocabulary every controller uses, so the served document (/openapi.json) describes every response
 * the service gives. A route declares what is its own:
 *
 *   @Post()
 *   @Authenticated({ permission: 'reward:create' })          // security, 401/403, 429 and the RateLimit-* headers
 *   @ApiOperation({ summary: 'Propose a reward' })           // the operation id is the handler's name: createReward
 *   @ApiCreatedResponse({ type: RewardResponseDto, headers: ETAG_HEADER })
 *   @ApiProblems(404, { status: 409, description: 'Already decided (`reward-decided`)' }, 422)
 *   createReward(…)
 *
 * and finishOpenApiDocument() adds what every route shares: 400 (any input can be refused, an unknown query
 * parameter included), 500 and 503 (with Retry-After) everywhere, 413/415 where a body is taken, the RateLimit-*
 * headers on each response of a rate-limited route, and the Idempotency-Key header on authenticated POSTs.
 */

/** Every status a problem (application/problem+json) is answered with, and what it means by default. */
const PROBLEMS = {
  400: 'The request is not valid: `errors[]` names each field (unknown fields and query parameters are refused too)',
  401: 'Missing, invalid or expired credentials',
  403: 'The caller may not do this',
  404: 'No such resource, or the caller may not see it',
  406: 'The Accept header names no representation this route offers',
  409: 'Conflicts with the current state of the resource',
  412: 'Changed since you read it (If-Match is stale): GET it again (the current ETag is in the response)',
  413: 'The request body is larger than this route accepts',
  415: 'The request body is of a content type this route does not take',
  416: 'The range starts past the end of the content',
  422: 'Well-formed, but the rules refuse it (the detail and `type` say which)',
  428: 'If-Match is missing: GET the resource and send its ETag back',
  429: 'Too many requests: wait the Retry-After seconds',
  500: 'An unexpected error (a bug): the response holds the request id to report, nothing internal',
  503: 'The database is unreachable, saturated or slow, or the instance is shutting down: retry after Retry-After seconds',
} as const;

export type ProblemStatus = keyof typeof PROBLEMS;
export type ProblemSpec = ProblemStatus | { status: ProblemStatus; description: string; headers?: Record<string, HeaderObject> };

const SECONDS: HeaderObject['schema'] = { type: 'integer', format: 'int32', minimum: 0, maximum: 86_400 };

/** Seconds to wait before retrying: on every 429 and 503 problem. */
export const RETRY_AFTER_HEADER: Record<string, HeaderObject> = {
  'Retry-After': { description: 'Seconds to wait before retrying', required: true, schema: { ...SECONDS, minimum: 1 } },
};

/** RateLimit-Limit, -Remaining and -Reset (draft-ietf-httpapi-ratelimit-headers), as the rate limiter sends them. */
export function rateLimitHeaderObjects(required: boolean): Record<string, HeaderObject> {
  return {
    'RateLimit-Limit': { description: 'Requests allowed in the current window', required, schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000 } },
    'RateLimit-Remaining': { description: 'Requests left in the current window', required, schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 } },
    'RateLimit-Reset': { description: 'Seconds until the window resets', required, schema: SECONDS },
  };
}

/** The ETag of a versioned resource (`W/"<version>"`): send it back as If-Match to change it. */
export const ETAG_HEADER: Record<string, HeaderObject> = {
  ETag: { description: 'W/"<version>": send it back as If-Match to change this resource', required: true, schema: { type: 'string', pattern: '^W/"\\d{1,15}"$', maxLength: 20, example: 'W/"1"' } },
};

const PROBLEM_HEADERS: Partial<Record<ProblemStatus, Record<string, HeaderObject>>> = {
  412: { ETag: { ...ETAG_HEADER.ETag, description: 'The current version: GET the resource again before retrying' } },
  429: { ...RETRY_AFTER_HEADER, ...rateLimitHeaderObjects(false) },
  503: RETRY_AFTER_HEADER,
};

/** The response object of a problem status (for the document finisher and the decorators alike). */
export function problemResponse(status: ProblemStatus, description: string = PROBLEMS[status]): ResponseObject {
  const headers = PROBLEM_HEADERS[status];
  return {
    description,
    ...(headers ? { headers } : {}),
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDetailsDto) } } },
  };
}

/**
 * The problems a route (or every route of a controller) answers with, each as `application/problem+json`
 * (the ProblemDetails schema): a status with its default description, or `{ status, description }` to say
 * which codes (`type`) it carries there.
 */
export function ApiProblems(...problems: ProblemSpec[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...problems.map((p) => {
      const { status, description, headers } = typeof p === 'number' ? { status: p, description: PROBLEMS[p], headers: undefined } : p;
      const response = problemResponse(status, description);
      return ApiResponse({ status, description: response.description, headers: { ...response.headers, ...headers }, content: response.content });
    }),
  );
}

const RATE_LIMITED = 'x-casefile-rate-limited';

/**
 * A route counted by a rate limiter that answers with RateLimit-* headers (the per-principal limit of every
 * authenticated route: @Authenticated applies it). Over the limit: 429 with Retry-After. finishOpenApiDocument
 * declares the RateLimit-* headers on each of the route's 2XX responses (always sent) and 4XX responses (sent
 * once the credentials were checked: a request refused before, such as an unknown query parameter, has none).
 */
export function ApiRateLimited(description = 'Over the rate limit: wait the Retry-After seconds'): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiExtension(RATE_LIMITED, true), ApiProblems({ status: 429, description }));
}

/** A change of a versioned resource: If-Match is required (428 without, 412 when stale). */
export function ApiIfMatch(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiHeader({ name: 'If-Match', required: true, description: 'The ETag of the version you read, such as W/"3"', schema: { type: 'string', pattern: '^(W/)?"\\d{1,15}"$', maxLength: 20, example: 'W/"3"' } }),
    ApiProblems(412, 428),
  );
}

const REQUEST_BODY = 'x-casefile-request-body';

/**
 * A request body with its own schema per media type (an upload that takes multipart/form-data or JSON), which
 * @ApiBody cannot say: finishOpenApiDocument makes it the operation's requestBody.
 */
export function ApiRequestBody(body: { description?: string; required?: boolean; content: Record<string, { schema: SchemaObject | ReferenceObject }> }): MethodDecorator {
  return ApiExtension(REQUEST_BODY, { required: true, ...body });
}

type Operation = OperationObject & { [RATE_LIMITED]?: boolean; [REQUEST_BODY]?: RequestBodyObject };

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

const IDEMPOTENCY_KEY: ParameterObject = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A unique value per request, reused on retries: the same key and body replay the first response (`Idempotency-Replayed: true`), another body is 422, one still running is 409. Kept 24 h per principal.',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]{1,255}$' },
};

/** What an Idempotency-Key can answer on every authenticated POST. */
const IDEMPOTENCY_PROBLEMS: ReadonlyArray<[ProblemStatus, string]> = [
  [409, 'a request with the same Idempotency-Key is still running (`idempotency-in-flight`)'],
  [422, 'the Idempotency-Key was used with another body (`idempotency-key-reused`)'],
];

/** Adds to every operation what every route shares (see the top of this file). Returns the same document. */
export function finishOpenApiDocument(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation: Operation | undefined = item[method];
      if (!operation) continue;
      // Path parameters in the order of the path (compilers apply parameter decorators in different orders).
      const position = (p: ParameterObject | ReferenceObject): number => ('in' in p && p.in === 'path' ? path.indexOf(`{${p.name}}`) : Number.MAX_SAFE_INTEGER);
      operation.parameters = operation.parameters && [...operation.parameters].sort((a, b) => position(a) - position(b));
      const responses = operation.responses as Record<string, ResponseObject>;
      if (operation[REQUEST_BODY]) {
        operation.requestBody = operation[REQUEST_BODY];
        delete operation[REQUEST_BODY];
      }
      const shared: ProblemStatus[] = [400, 500, 503];
      if (operation.requestBody) shared.push(413, 415);
      for (const status of shared) {
        const existing = responses[status];
        if (!existing) responses[status] = problemResponse(status);
        else if (!existing.content?.[PROBLEM_CONTENT_TYPE]) {
          // A route that documents another representation of this status (health/ready's 503) still gets the problem.
          existing.content = { ...existing.content, ...problemResponse(status).content };
          existing.headers = { ...problemResponse(status).headers, ...existing.headers };
        }
      }
      if (method === 'post' && operation.security?.length) {
        if (!operation.parameters?.some((p) => 'name' in p && p.name.toLowerCase() === 'idempotency-key')) operation.parameters = [...(operation.parameters ?? []), IDEMPOTENCY_KEY];
        for (const [status, note] of IDEMPOTENCY_PROBLEMS) {
          const existing = responses[status];
          responses[status] = existing ? { ...existing, description: `${existing.description}; or ${note}` } : problemResponse(status, note[0].toUpperCase() + note.slice(1));
        }
      }
      if (operation[RATE_LIMITED]) {
        delete operation[RATE_LIMITED];
        for (const [status, response] of Object.entries(responses)) {
          if (!/^[24]/.test(status)) continue;
          response.headers = { ...response.headers, ...rateLimitHeaderObjects(status.startsWith('2') || status === '429') };
        }
      }
    }
  }
  return document;
}
