import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard, IAuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { createValidationPipe } from '../common/validation';
import { LoginDto } from './dto/auth.dto';

/**
 * Guards run before pipes, so the login body is validated here first (unknown fields and bad types are a
 * 400 before any password is checked), then passport-local checks the credentials.
 */
@Injectable()
export class LoginGuard implements CanActivate {
  private readonly pipe = createValidationPipe();
  private readonly local: IAuthGuard = new (AuthGuard('local'))();

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.body = await this.pipe.transform(request.body, { type: 'body', metatype: LoginDto });
    return (await this.local.canActivate(context)) as boolean;
  }
}
