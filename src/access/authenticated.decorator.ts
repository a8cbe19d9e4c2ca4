import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ProblemDetailsDto } from '../common/problem/problem-details';
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
 * declaration writes the route's OpenAPI security requirement.
 */
export function Authenticated(options: AuthenticatedOptions): MethodDecorator & ClassDecorator {
  const normalized: Required<AuthenticatedOptions> = { principal: 'user', allowWithoutMfa: false, ...options };
  return applyDecorators(
    SetMetadata(AUTHENTICATED, normalized),
    normalized.principal === 'integration' ? ApiSecurity('api-key') : ApiBearerAuth('bearer'),
    ApiUnauthorizedResponse({ description: 'Missing, invalid or expired credentials', type: ProblemDetailsDto }),
    ApiForbiddenResponse({ description: `Needs permission \`${normalized.permission}\``, type: ProblemDetailsDto }),
    ApiTooManyRequestsResponse({
      description: 'Over the per-principal rate limit (API_RATE_LIMIT_PER_MINUTE). Every response of the route carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset.',
      type: ProblemDetailsDto,
      headers: {
        'Retry-After': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
        'RateLimit-Limit': { description: 'Requests allowed per window', schema: { type: 'integer' } },
        'RateLimit-Remaining': { description: 'Requests left in the window', schema: { type: 'integer' } },
        'RateLimit-Reset': { description: 'Seconds until the window resets', schema: { type: 'integer' } },
      },
    }),
  );
}
