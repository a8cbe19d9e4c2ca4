import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { ApiProblems, ApiRateLimited } from '../common/openapi/openapi-document';
import type { Permission } from './permissions';

export const AUTHENTICATED = 'casefile:authenticated';

export interface AuthenticatedOptions {
  /** The permission the route needs (from the role → permission table). */
  permission: Permission;
  /** Who may call: staff users (default) or integrations with an API key. */
  principal?: 'user' | 'integration';
  /** Allowed before a second factor is enrolled when MFA_REQUIRED (me, MFA enrolment, logout). */
  allowWithoutMfa?: boolean;
}

/**
 * Declares who may call a route; the global AccessGuard enforces it (deny by default) and the same
 * declaration writes the route's OpenAPI security requirement, its 401, 403 and 429 problems and the
 * RateLimit-* headers of its responses (the guard counts every authenticated request).
 */
export function Authenticated(options: AuthenticatedOptions): MethodDecorator & ClassDecorator {
  const normalized: Required<AuthenticatedOptions> = { principal: 'user', allowWithoutMfa: false, ...options };
  return applyDecorators(
    SetMetadata(AUTHENTICATED, normalized),
    normalized.principal === 'integration' ? ApiSecurity('api-key') : ApiBearerAuth('bearer'),
    ApiProblems(
      { status: 401, description: normalized.principal === 'integration' ? 'Missing, invalid or revoked API key' : 'Missing, invalid or expired access token, or its session ended' },
      { status: 403, description: `Needs the permission \`${normalized.permission}\`${normalized.allowWithoutMfa ? '' : ' (and, when MFA_REQUIRED, an enrolled second factor)'}` },
    ),
    ApiRateLimited(`Over the per-principal rate limit (API_RATE_LIMIT_PER_MINUTE) or a limit of this route: wait the Retry-After seconds`),
  );
}
