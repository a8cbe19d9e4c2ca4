import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Observable, tap } from 'rxjs';
import { etagOf } from './if-match';

/** Any response that is a single resource with a numeric `version` gets `ETag: W/"<version>"`. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap((body: unknown) => {
        if (body && typeof body === 'object' && typeof (body as { version?: unknown }).version === 'number') {
          void context.switchToHttp().getResponse<FastifyReply>().header('ETag', etagOf((body as { version: number }).version));
        }
      }),
    );
  }
}
