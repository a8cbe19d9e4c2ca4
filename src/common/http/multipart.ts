import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../errors/domain.error';
import { sendProblem } from '../problem/send-problem';

/** Route config (`@RouteConfig(MULTIPART_ROUTE)`) of the routes that take multipart/form-data. */
export const MULTIPART_ROUTE = { multipart: true } as const;

class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  readonly status = 415;
  readonly title = 'Unsupported media type';
}

/**
 * multipart/form-data is accepted only by the routes that say so (`@RouteConfig(MULTIPART_ROUTE)`): anywhere
 * else it is a 415, as before the parser was registered. Call before the routes are registered.
 */
export function refuseUndeclaredMultipart(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done) => {
    const type = request.headers['content-type'];
    const config = request.routeOptions?.config as { multipart?: boolean } | undefined;
    if (typeof type === 'string' && /^\s*multipart\//i.test(type) && config?.multipart !== true) {
      sendProblem(new UnsupportedMediaTypeError('This endpoint accepts application/json (multipart/form-data only where documented)'), request, reply);
      return;
    }
    done();
  });
}

/**
 * Registers @fastify/multipart: parts are streamed by the handler (`request.parts()`), never buffered. At most
 * one file of `maxFileBytes` (plus one byte, so the handler sees the excess and answers 413), and a second file
 * part is let through only for the handler to refuse it by name; small fields (64 KiB).
 */
export async function registerMultipart(app: NestFastifyApplication, maxFileBytes: number): Promise<void> {
  await app.register(multipart, {
    limits: { fileSize: maxFileBytes + 1, files: 2, fields: 2, parts: 4, fieldSize: 64 * 1024, fieldNameSize: 100, headerPairs: 20 },
    throwFileSizeLimit: true,
  });
}
