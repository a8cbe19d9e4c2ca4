import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiSecurity, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
  );
}
