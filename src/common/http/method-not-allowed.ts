import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain.error';

/** Name of the Fastify decoration (set by registerHttpHooks) listing the methods a path has routes for. */
export const ALLOWED_METHODS = 'allowedMethods';

class MethodNotAllowedError extends DomainError {
  readonly code = 'method-not-allowed';
  readonly status = 405;
  readonly title = 'Method not allowed';
  constructor(method: string, path: string, allowed: string[]) {
    super(`${method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`, { headers: { Allow: allowed.join(', ') } });
  }
}

/** For an unmatched request: 405 when the path exists under other methods, else undefined (plain 404). */
export function methodNotAllowed(request: FastifyRequest): DomainError | undefined {
  const path = request.url.split('?')[0] ?? '/';
  const allowedMethods = (request.server as FastifyInstance & { [ALLOWED_METHODS]?: (p: string) => string[] })[ALLOWED_METHODS];
  const allowed = allowedMethods?.(path) ?? [];
  return allowed.length > 0 && !allowed.includes(request.method) ? new MethodNotAllowedError(request.method, path, allowed) : undefined;
}
