/** One field-level complaint in a validation problem. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every error a service throws on purpose. It carries a stable `code` (the problem type),
 * the HTTP status it maps to, a human `detail`, and optional field errors and headers.
 * Services never throw HttpException; the global problem filter turns these into RFC 9457 responses.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
  abstract readonly title: string;
  readonly errors?: FieldError[];
  readonly headers?: Record<string, string>;
  /** Extra members for the problem document (e.g. `retryAfter`). Never internals. */
  readonly extensions?: Record<string, unknown>;

  constructor(readonly detail: string, init?: { errors?: FieldError[]; headers?: Record<string, string>; extensions?: Record<string, unknown> }) {
    super(detail);
    this.name = new.target.name;
    this.errors = init?.errors;
    this.headers = init?.headers;
    this.extensions = init?.extensions;
  }
}

export class ValidationFailedError extends DomainError {
  readonly code = 'validation-failed';
  readonly status = 400;
  readonly title = 'The request is not valid';
  constructor(errors: FieldError[], detail?: string) {
    super(detail ?? `${errors.length} field${errors.length === 1 ? '' : 's'} failed validation: ${errors.map((e) => e.field).join(', ')}`, { errors });
  }
}

export class BadRequestError extends DomainError {
  readonly code: string = 'bad-request';
  readonly status = 400;
  readonly title = 'Bad request';
}

/** A well-formed request that the rules refuse (422). */
export class RuleViolationError extends DomainError {
  readonly code: string;
  readonly status = 422;
  readonly title = 'The request breaks a rule';
  constructor(code: string, detail: string, errors?: FieldError[]) {
    super(detail, { errors });
    this.code = code;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'not-found';
  readonly status = 404;
  readonly title = 'Not found';
  constructor(resource: string, id?: string) {
    super(id ? `No ${resource} with id ${id} exists, or you may not see it` : `No such ${resource}`);
  }
}

export class ConflictError extends DomainError {
  readonly code: string;
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(code: string, detail: string) {
    super(detail);
    this.code = code;
  }
}

export class AuthenticationRequiredError extends DomainError {
  readonly code = 'unauthenticated';
  readonly status = 401;
  readonly title = 'Authentication required';
  constructor(detail = 'A valid access token or API key is required') {
    super(detail, { headers: { 'WWW-Authenticate': 'Bearer realm="casefile"' } });
  }
}

export class PermissionDeniedError extends DomainError {
  readonly code: string;
  readonly status = 403;
  readonly title = 'Forbidden';
  constructor(detail = 'You do not have permission to do this', code = 'forbidden') {
    super(detail);
    this.code = code;
  }
}

export class PreconditionRequiredError extends DomainError {
  readonly code = 'precondition-required';
  readonly status = 428;
  readonly title = 'Precondition required';
  constructor() {
    super('This change needs an If-Match header with the ETag of the version you read (GET it first)');
  }
}

export class PreconditionFailedError extends DomainError {
  readonly code = 'precondition-failed';
  readonly status = 412;
  readonly title = 'Precondition failed';
  constructor(current: number) {
    super(`The resource has changed since you read it (its current version is ${current}); GET it again and retry`, {
      headers: { ETag: `W/"${current}"` },
    });
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate-limited';
  readonly status = 429;
  readonly title = 'Too many requests';
  /**
   * True for exactly one refusal per rule and window (the first over the limit, decided by PostgreSQL's
   * counter, so across replicas too): callers record that one and only count the rest.
   */
  readonly firstInWindow: boolean;
  constructor(detail: string, headers: Record<string, string>, firstInWindow = false) {
    super(detail, { headers });
    this.firstInWindow = firstInWindow;
  }
}

/** The database is unreachable, the pool is exhausted, or a statement ran past its timeout: retry later. */
export class ServiceUnavailableError extends DomainError {
  readonly code: string;
  readonly status = 503;
  readonly title = 'Service unavailable';
  constructor(code: string, detail: string, retryAfterSeconds = 2) {
    super(detail, { headers: { 'Retry-After': String(retryAfterSeconds) } });
    this.code = code;
  }
}

/** The statuses a module's own errors may answer with. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 422 | 428 | 429 | 503;

const PROBLEM_TITLES: Record<ProblemStatus, string> = {
  400: 'Bad request',
  401: 'Authentication required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  422: 'The request breaks a rule',
  428: 'Precondition required',
  429: 'Too many requests',
  503: 'Service unavailable',
};

/**
 * The base class of one module's errors, made from its codes and their statuses in one exhaustive map (the
 * exception-code pattern): a code without a status does not compile, and the problem filter needs no
 * knowledge of the module. `class UsersError extends moduleErrors({ 'username-taken': 409, … })`.
 */
export function moduleErrors<const Codes extends Record<string, ProblemStatus>>(statuses: Codes) {
  abstract class ModuleError extends DomainError {
    readonly status: ProblemStatus;
    readonly title: string;

    constructor(
      readonly code: Extract<keyof Codes, string>,
      detail: string,
      init?: { errors?: FieldError[]; headers?: Record<string, string>; extensions?: Record<string, unknown> },
    ) {
      super(detail, init);
      this.status = statuses[code];
      this.title = PROBLEM_TITLES[this.status];
    }
  }
  return ModuleError;
}
