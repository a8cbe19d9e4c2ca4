import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { PermissionDeniedError } from '../common/errors/domain.error';
import { AUTHENTICATED } from './decorators/authenticated.decorator';
import { IS_PUBLIC } from './decorators/public.decorator';

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const declared = this.reflector.getAllAndOverride<unknown>(AUTHENTICATED, targets);
    if (!declared) throw new PermissionDeniedError('This route declares no access rule and is refused by default');
    throw new PermissionDeniedError();
  }
}
