import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, IAuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticationRequiredError, DomainError, PermissionDeniedError, RateLimitedError } from '../common/errors/domain.error';
import { RateLimiter, rateLimitHeaders } from '../common/rate-limit/rate-limiter';
import { Principal, requestContextOf } from '../access/request-context';
import { AppConfig } from '../config/app-config';
import { MfaEnrolmentRequiredError } from './auth.errors';
import { AUTHENTICATED, AuthenticatedOptions } from '../access/authenticated.decorator';
import { IS_PUBLIC } from '../access/public.decorator';
import { INTEGRATION_PERMISSIONS, rolesGrant } from '../access/permissions';
import { databaseFaultOf } from '../common/errors/database-fault';
import { bearerTokenOf } from './strategies/jwt.strategy';

const WINDOW_SECONDS = 60;

/**
 * The global guard: deny by default. A route is reachable only when it says `@Public()` or
 * `@Authenticated({ permission })`. Staff routes take a bearer access token (passport-jwt, then the
 * session and user rows), integration routes an `X-API-Key` (the api-key strategy); then the principal's
 * rate limit is counted (one upsert in PostgreSQL, RateLimit-* headers on the response) and the permission
 * is checked against the role table.
 *
 * Every refusal is audited, but what one source can add is bounded: refused anonymous requests are
 * rate-limited per IP before anything is recorded, identical refusals from one source are aggregated per
 * window (AuditTrail.recordRepeatable), and of the 429s only the first of each window is recorded.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly jwt: IAuthGuard = new (AuthGuard('jwt'))();
  private readonly apiKey: IAuthGuard = new (AuthGuard('api-key'))();

  constructor(
    private readonly reflector: Reflector,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly audit: AuditTrail,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const rule = this.reflector.getAllAndOverride<Required<AuthenticatedOptions> | undefined>(AUTHENTICATED, targets);
    if (!rule) return this.deny(request, reply, new PermissionDeniedError('This route declares no access rule and is refused by default'), 'no access rule');

    const hasApiKey = request.headers['x-api-key'] !== undefined;
    const hasBearer = /^Bearer\s/i.test(request.headers.authorization ?? '');
    const wantsIntegration = rule.principal === 'integration';
    if (wantsIntegration ? !hasApiKey : !hasBearer) {
      if (wantsIntegration ? hasBearer : hasApiKey) {
        // Learn who it is (an integration's key on a staff route, a user's token on an intake route), so the
        // refusal is recorded against it and counted in its rate limit, not as anonymous.
        const other = await this.authenticate(wantsIntegration ? this.jwt : this.apiKey, context, request);
        if (other) {
          request.principal = other;
          await this.limit(request, reply, other);
        }
        return this.deny(request, reply, new PermissionDeniedError(wantsIntegration ? 'This route is for integrations (X-API-Key), not staff tokens' : 'API keys reach only the intake routes'), 'wrong kind of credential');
      }
      return this.deny(request, reply, new AuthenticationRequiredError(wantsIntegration ? 'This route needs an X-API-Key header' : 'This route needs Authorization: Bearer <accessToken>'), 'no credentials');
    }

    if (!wantsIntegration && bearerTokenOf(request.headers.authorization) === undefined) {
      return this.deny(request, reply, new AuthenticationRequiredError('The Authorization header must be exactly "Bearer <accessToken>": one access token, nothing else'), 'malformed Authorization header');
    }

    const principal = await this.authenticate(wantsIntegration ? this.apiKey : this.jwt, context, request);
    if (!principal) {
      return this.deny(request, reply, new AuthenticationRequiredError(wantsIntegration ? 'The API key is not valid or was revoked' : 'The access token is invalid, expired, or its session ended'), 'invalid credentials');
    }
    request.principal = principal;
    await this.limit(request, reply, principal);

    const granted = principal.kind === 'integration' ? INTEGRATION_PERMISSIONS.includes(rule.permission) : rolesGrant(principal.roles, rule.permission);
    if (!granted) return this.deny(request, reply, new PermissionDeniedError(`This needs the permission ${rule.permission}, which your roles do not grant`), `missing permission ${rule.permission}`);
    if (this.config.mfaRequired && principal.kind === 'user' && !principal.mfaEnrolled && !rule.allowWithoutMfa) {
      return this.deny(request, reply, new MfaEnrolmentRequiredError(), 'second factor not enrolled');
    }
    return true;
  }

  private async authenticate(guard: IAuthGuard, context: ExecutionContext, request: FastifyRequest): Promise<Principal | undefined> {
    try {
      await guard.canActivate(context);
      return (request as FastifyRequest & { user?: Principal }).user;
    } catch (e) {
      // The database being down is not a bad credential: a 503, so the client keeps its token and retries.
      if ((e instanceof DomainError && e.status === 503) || databaseFaultOf(e)) throw e;
      return undefined;
    }
  }

  /** The principal's requests per minute, counted in PostgreSQL (one upsert); RateLimit-* on the response. */
  private async limit(request: FastifyRequest, reply: FastifyReply, principal: Principal): Promise<void> {
    const rule = { bucket: `api:${principal.kind}:${principal.id}`, limit: this.config.apiRateLimit.perPrincipalPerMinute, windowSeconds: WINDOW_SECONDS };
    try {
      void reply.headers(rateLimitHeaders(await this.rateLimiter.take(rule, 'requests')));
    } catch (error) {
      if (error instanceof RateLimitedError) await this.recordRateLimited(request, error);
      throw error;
    }
  }

  /** Refused anonymous requests per IP: over the limit, a 429 before anything is recorded. */
  private async limitAnonymous(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rule = { bucket: `anonymous:ip:${request.ip}`, limit: this.config.apiRateLimit.anonymousPerMinute, windowSeconds: WINDOW_SECONDS };
    try {
      void reply.headers(rateLimitHeaders(await this.rateLimiter.take(rule, 'unauthenticated requests')));
    } catch (error) {
      if (error instanceof RateLimitedError) await this.recordRateLimited(request, error);
      throw error;
    }
  }

  /** The first 429 of a window per source is recorded; the others are only counted (in the rate-limit bucket). */
  private async recordRateLimited(request: FastifyRequest, error: RateLimitedError): Promise<void> {
    if (!error.firstInWindow) return;
    await this.audit.record(requestContextOf(request), {
      action: 'access.rate_limited',
      outcome: 'denied',
      resourceType: 'route',
      resourceId: routeOf(request),
      details: { reason: 'rate limit exceeded', status: error.status, limit: Number(error.headers?.['RateLimit-Limit']), windowSeconds: WINDOW_SECONDS, note: 'first refusal of the window; later ones are counted, not recorded' },
    });
  }

  private async deny(request: FastifyRequest, reply: FastifyReply, error: DomainError, reason: string): Promise<never> {
    if (!request.principal) await this.limitAnonymous(request, reply);
    await this.audit.recordRepeatable(
      requestContextOf(request),
      { action: 'access.denied', outcome: 'denied', resourceType: 'route', resourceId: routeOf(request), details: { reason, status: error.status } },
      reason,
    );
    throw error;
  }
}

function routeOf(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`;
}
