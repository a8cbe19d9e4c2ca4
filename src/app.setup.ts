import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { requestIdFrom, registerHttpHooks } from './common/http/http-hooks';
import { jsonBodyParser } from './common/http/json-body-parser';
import { refuseUndeclaredMultipart, registerMultipart } from './common/http/multipart';
import { clientErrorHandler, expectationFailedHandler, frameworkErrorHandler } from './common/http/pre-routing-errors';
import { PinoNestLogger } from './common/logging/logger';
import { HttpMetrics } from './common/metrics/http-metrics';
import { ProblemDetailsDto } from './common/problem/problem-details';
import { AppConfig } from './config/app-config';
import { newId } from './database/ids';

export const API_PREFIX = 'api/v1';

const API_DESCRIPTION = `Casefile is the case-management REST API of an investigations unit: cases, the entity registry
(subjects, organizations, selectors, links), reward tips and rewards, evidence with its chain of custody, and
an append-only, tamper-evident audit trail of who did and saw what.

**Errors** are RFC 9457 \`application/problem+json\` documents (schema \`ProblemDetails\`) with a stable \`type\`,
a \`detail\` saying what to fix, \`errors[]\` for validation, and the \`requestId\` (also in \`X-Request-Id\`).

**Conventions**: lists are keyset-paginated (\`limit\` ≤ 100, opaque \`cursor\`, response \`{data, nextCursor}\`);
mutable resources carry \`version\`, GET returns \`ETag: W/"<version>"\`, and PATCH/PUT/DELETE need \`If-Match\`
(428 without, 412 when stale); POST honours \`Idempotency-Key\` for signed-in callers (same key and body replays
the first response, another body is 422, one still running is 409; kept 24 h per principal; a failed request
releases its key). Credentials are never accepted in a URL. Every response carries \`Cache-Control: no-store\`.

**Input**: every body and query is whitelisted (an unknown field or query parameter is a 400); \`null\` is refused
where a field does not document it; strings may not hold NUL characters or lone surrogates; JSON may nest 64 levels;
times are ISO 8601 with their offset, years 0001–9999.

**Availability**: when the database is unreachable, saturated or slow, any operation may answer \`503\`
problem+json with \`Retry-After\` (seconds): retry after that delay.

**Authentication**: staff sign in at \`POST /api/v1/auth/login\` and send \`Authorization: Bearer <accessToken>\`;
tip-intake integrations send \`X-API-Key\`.`;

export interface CreateAppOptions {
  logger: Logger;
  metrics?: HttpMetrics;
  /** Tests only: wraps the root module to add routes that exercise cross-cutting behaviour. */
  wrapModule?: (root: DynamicModule) => DynamicModule;
  /**
   * Nest's preview mode: the module graph and the routes' metadata, no provider instantiated (so no database,
   * no pool, no jobs). Enough to build the OpenAPI document (openApiDocumentWithoutDatabase), nothing else.
   */
  preview?: boolean;
}

export function buildOpenApiDocument(app: INestApplication): ReturnType<typeof SwaggerModule.createDocument> {
  const config = new DocumentBuilder()
    .setTitle('Casefile API')
    .setDescription(API_DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Access token from POST /api/v1/auth/login (15 minutes)' }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Integration API key (tip intake only)' }, 'api-key')
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDetailsDto] });
}

/** Builds the whole application (not yet listening): Fastify, hooks, global pieces, OpenAPI. */
export async function createApp(config: AppConfig, options: CreateAppOptions): Promise<NestFastifyApplication> {
  const metrics = options.metrics ?? new HttpMetrics();
  const requestIdOf = (req: IncomingMessage): string => requestIdFrom(req.headers['x-request-id'], newId);
  const adapter = new FastifyAdapter({
    loggerInstance: options.logger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    trustProxy: config.trustProxy,
    // While closing, the onRequest hook answers a 503 problem itself (Fastify's own is plain JSON).
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    // Refusals before routing are problem+json with a request id too (pre-routing-errors.ts).
    frameworkErrors: frameworkErrorHandler,
    clientErrorHandler: clientErrorHandler(options.logger, newId),
  });
  const fastify = adapter.getInstance();
  fastify.server.on('checkExpectation', expectationFailedHandler(options.logger, requestIdOf));
  registerHttpHooks(fastify, metrics);
  refuseUndeclaredMultipart(fastify);

  const root = AppModule.forRoot(config, metrics);
  const app = await NestFactory.create<NestFastifyApplication>(options.wrapModule ? options.wrapModule(root) : root, adapter, {
    logger: new PinoNestLogger(options.logger),
    bufferLogs: false,
    preview: options.preview,
  });
  app.useBodyParser('application/json', { bodyLimit: config.bodyLimitBytes }, jsonBodyParser(fastify));
  await registerMultipart(app, config.evidence.maxBytes);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerOptions: { persistAuthorization: false },
  });
  return app;
}
