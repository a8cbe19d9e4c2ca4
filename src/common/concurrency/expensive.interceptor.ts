import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { ApiProblems } from '../openapi/openapi-document';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { from, lastValueFrom, Observable } from 'rxjs';
import { ConcurrencyLimiter } from './concurrency-limiter';

export const EXPENSIVE = 'casefile:expensive';

/**
 * Marks a route whose work is heavy (a scan of the whole audit trail, a big export): it runs under the
 * ConcurrencyLimiter, per principal and in all, answering 429/503 with Retry-After when no slot is free.
 * The slot is held until the handler has finished, streamed responses included.
 */
export const Expensive = (group: string): MethodDecorator =>
  applyDecorators(
    SetMetadata(EXPENSIVE, group),
    ApiProblems(
      { status: 429, description: 'The caller already runs EXPENSIVE_CONCURRENCY_PER_PRINCIPAL expensive requests: wait the Retry-After seconds' },
      { status: 503, description: 'EXPENSIVE_CONCURRENCY_TOTAL expensive requests are running in all replicas: wait the Retry-After seconds' },
    ),
  );

@Injectable()
export class ExpensiveRouteInterceptor implements NestInterceptor {
  constructor(
    private readonly limiter: ConcurrencyLimiter,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const group = this.reflector.get<string | undefined>(EXPENSIVE, context.getHandler());
    if (!group) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = request.principal ? `${request.principal.kind}:${request.principal.id}` : `ip:${request.ip}`;
    return from(this.limiter.run(group, principal, () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }
}
