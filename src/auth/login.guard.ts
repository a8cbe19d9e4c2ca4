import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard, IAuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { requestContextOf } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { ValidationFailedError } from '../common/errors/domain.error';
import { stringProblem } from '../common/input-rules';
import { createValidationPipe } from '../common/validation';
import { LoginDto } from './dto/auth.dto';

/** The username of a refused login body, when it is one that can be recorded as it is. */
function recordableUsername(body: unknown): string | undefined {
  const username = (body as { username?: unknown } | null | undefined)?.username;
  return typeof username === 'string' && username.length <= 64 && stringProblem(username) === undefined ? username : undefined;
}

/**
 * Guards run before pipes, so the login body is validated here first (unknown fields, bad types and
 * hostile strings are a 400 before any password is checked — and the refused sign-in is still recorded),
 * then passport-local checks the credentials.
 */
@Injectable()
export class LoginGuard implements CanActivate {
  private readonly pipe = createValidationPipe();
  private readonly local: IAuthGuard = new (AuthGuard('local'))();

  constructor(private readonly audit: AuditTrail) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    try {
      request.body = await this.pipe.transform(request.body, { type: 'body', metatype: LoginDto });
    } catch (e) {
      if (e instanceof ValidationFailedError) {
        const username = recordableUsername(request.body);
        await this.audit.record(requestContextOf(request), {
          action: 'auth.login.failed',
          outcome: 'denied',
          resourceType: 'user',
          actor: { kind: 'anonymous', id: null, roles: [] },
          details: { ...(username === undefined ? {} : { username }), reason: 'invalid request', fields: e.errors?.slice(0, 10).map((f) => f.field.slice(0, 100)) },
        });
      }
      throw e;
    }
    return (await this.local.canActivate(context)) as boolean;
  }
}
