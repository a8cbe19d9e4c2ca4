import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, IAuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { AuditTrail } from '../audit/audit-trail.service';
import { AuthenticationRequiredError, DomainError, PermissionDeniedError } from '../common/errors/domain.error';
import { Principal, requestContextOf } from '../access/request-context';
import { AppConfig } from '../config/app-config';
import { MfaEnrolmentRequiredError } from './auth.errors';
import { AUTHENTICATED, AuthenticatedOptions } from '../access/authenticated.decorator';
import { IS_PUBLIC } from '../access/public.decorator';
import { INTEGRATION_PERMISSIONS, rolesGrant } from '../access/permissions';

/**
 * The global guard: deny by default. A route is reachable only when it says `@Public()` or
 * `@Authenticated({ permission })`. Staff routes take a bearer access token (passport-jwt, then the
 * session and user rows), integration routes an `X-API-Key` (the api-key strategy); then the permission
 * is checked against the role table. Every refusal is audited.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly jwt: IAuthGuard = new (AuthGuard('jwt'))();
  private readonly apiKey: IAuthGuard = new (AuthGuard('api-key'))();

  constructor(
    private readonly reflector: Reflector,
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly audit: AuditTrail,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const rule = this.reflector.getAllAndOverride<Required<AuthenticatedOptions> | undefined>(AUTHENTICATED, targets);
    if (!rule) return this.deny(request, new PermissionDeniedError('This route declares no access rule and is refused by default'), 'no access rule');

    const hasApiKey = request.headers['x-api-key'] !== undefined;
    const hasBearer = /^Bearer\s/i.test(request.headers.authorization ?? '');
    const wantsIntegration = rule.principal === 'integration';
    if (wantsIntegration ? !hasApiKey : !hasBearer) {
      if (wantsIntegration ? hasBearer : hasApiKey) {
        return this.deny(request, new PermissionDeniedError(wantsIntegration ? 'This route is for integrations (X-API-Key), not staff tokens' : 'API keys reach only the intake routes'), 'wrong kind of credential');
      }
      return this.deny(request, new AuthenticationRequiredError(wantsIntegration ? 'This route needs an X-API-Key header' : 'This route needs Authorization: Bearer <accessToken>'), 'no credentials');
    }

    const principal = await this.authenticate(wantsIntegration ? this.apiKey : this.jwt, context, request);
    if (!principal) {
      return this.deny(request, new AuthenticationRequiredError(wantsIntegration ? 'The API key is not valid or was revoked' : 'The access token is invalid, expired, or its session ended'), 'invalid credentials');
    }
    request.principal = principal;

    const granted = principal.kind === 'integration' ? INTEGRATION_PERMISSIONS.includes(rule.permission) : rolesGrant(principal.roles, rule.permission);
    if (!granted) return this.deny(request, new PermissionDeniedError(`This needs the permission ${rule.permission}, which your roles do not grant`), `missing permission ${rule.permission}`);
    if (this.config.mfaRequired && principal.kind === 'user' && !principal.mfaEnrolled && !rule.allowWithoutMfa) {
      return this.deny(request, new MfaEnrolmentRequiredError(), 'second factor not enrolled');
    }
    return true;
  }

  private async authenticate(guard: IAuthGuard, context: ExecutionContext, request: FastifyRequest): Promise<Principal | undefined> {
    try {
      await guard.canActivate(context);
      return (request as FastifyRequest & { user?: Principal }).user;
    } catch {
      return undefined;
    }
  }

  private async deny(request: FastifyRequest, error: DomainError, reason: string): Promise<never> {
    await this.audit.record(requestContextOf(request), {
      action: 'access.denied',
      outcome: 'denied',
      resourceType: 'route',
      resourceId: `${request.method} ${request.routeOptions?.url ?? request.url.split('?')[0]}`,
      details: { reason, status: error.status },
    });
    throw error;
  }
}
