import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { IdempotencyScope } from '../common/idempotency/idempotency-scope';

export type Role = 'admin' | 'supervisor' | 'investigator' | 'analyst' | 'intake' | 'auditor';

/** Who is calling: a user (through a session) or an integration (through an API key). */
export interface Principal {
  kind: 'user' | 'integration';
  id: string;
  /** Users: their roles. Integrations: none (they hold only the integration permissions). */
  roles: Role[];
  username?: string;
  displayName?: string;
  sessionId?: string;
  /** Users: whether a second factor is enrolled (MFA_REQUIRED gates everything else on it). */
  mfaEnrolled?: boolean;
  /** Integrations: their name. */
  name?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    idempotency?: IdempotencyScope;
  }
}

/** What a service needs to know about the request it serves: for audit records and need-to-know. */
export interface RequestContext {
  requestId: string;
  ip: string;
  userAgent?: string;
  principal?: Principal;
  /** The request's Idempotency-Key: its change transaction stores the response (see IdempotencyScope). */
  idempotency?: IdempotencyScope;
}

/**
 * Fastify route config of routes whose callers' network traces must not be kept (tip intake: an integration
 * may forward the tipster's own address): their audit records carry no source IP and no user agent.
 */
export const NO_CLIENT_TRACE = { casefileNoClientTrace: true } as const;

export function requestContextOf(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  const untraced = request.routeOptions?.config?.casefileNoClientTrace === true;
  return {
    requestId: request.id,
    ip: untraced ? '' : request.ip,
    userAgent: untraced || typeof ua !== 'string' ? undefined : ua.slice(0, 512),
    principal: request.principal,
    idempotency: request.idempotency,
  };
}

/** Controller parameter: the RequestContext of this request, passed explicitly to services. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext => requestContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()));
