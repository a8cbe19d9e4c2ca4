import { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { LogController } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import metadata from './metadata';
import { requestIdFrom, registerHttpHooks } from './common/http/http-hooks';
import { jsonBodyParser } from './common/http/json-body-parser';
import { refuseUndeclaredMultipart, registerMultipart } from './common/http/multipart';
import { clientErrorHandler, expectationFailedHandler, frameworkErrorHandler } from './common/http/pre-routing-errors';
import { createRootLogger, PinoNestLogger } from './common/logging/logger';
import { HttpMetrics } from './common/metrics/http-metrics';
import { finishOpenApiDocument } from './common/openapi/openapi-document';
import { ProblemDetailsDto } from './common/problem/problem-details';
import { AppConfig } from './config/app-config';
import { loadEnvironment } from './config/environment';
import { loadSecrets } from './config/secrets';
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

let pluginMetadata: Promise<void> | undefined;

/**
 * What the @nestjs/swagger CLI plugin learns from the DTOs and controllers (types, required, class-validator
 * bounds), generated into src/metadata.ts by `npm run openapi:metadata`: loaded the same way whatever compiled
 * the code (tsc, nest build, or SWC in the tests, which runs no plugin). Once per process.
 */
export function loadOpenApiPluginMetadata(): Promise<void> {
  pluginMetadata ??= SwaggerModule.loadPluginMetadata(metadata);
  return pluginMetadata;
}

const BEARER_DESCRIPTION =
  'The `accessToken` from POST /api/v1/auth/login (or /auth/mfa/verify, /auth/refresh): a JWT signed with HS256 that lives 15 minutes. ' +
  'Validated per RFC8725 (JSON Web Token Best Current Practices): the algorithm is fixed by the server (HS256 only, never taken from the ' +
  'token; `none` is refused), the issuer, the audience (`casefile-api`) and the token type (`typ: access`) are checked, and `exp`, `iat`, ' +
  '`sub` and `sid` are required; then the session and the user are checked on every request.';

/** The tags of the operations, in the order a reader meets them. */
const TAGS: ReadonlyArray<[string, string]> = [
  ['auth', 'Sign-in, sessions, password and second factor'],
  ['users', 'Staff accounts (admins)'],
  ['integrations', 'Tip-intake integrations and their API keys (admins)'],
  ['intake', 'What integrations call with their X-API-Key: submit tips, read their status'],
  ['me', "The caller's own work"],
  ['cases', 'Case files with need-to-know: members, notes, tasks, linked registry entities, timeline'],
  ['evidence', 'Items of evidence, their files and chain of custody'],
  ['subjects', 'The registry: people of interest'],
  ['organizations', 'The registry: front companies, employers, facilitators'],
  ['selectors', 'The registry: identifiers (e-mail, phone, wallet, domain…), normalised'],
  ['links', 'The registry: typed links between entities, and the graph around one'],
  ['search', 'One search box over the registry, cases and tips'],
  ['tips', 'The triage queue, match candidates, duplicates, the tipster reveal'],
  ['audit', 'The append-only, tamper-evident audit trail (auditors)'],
  ['operations', 'Liveness, readiness and Prometheus metrics (scrape internally)'],
];

/** Relative: whichever host serves the document. `x-internal` (OWASP API9): the audience, the unit's own clients. */
const THIS_SERVER = {
  url: '/',
  description: 'This deployment, whichever serves this document (local, staging or production); paths start with /api/v1',
  'x-internal': true,
};

/** The OpenAPI document of an app; the plugin's metadata must be loaded first (createApp does). */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Casefile API')
    .setDescription(API_DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: BEARER_DESCRIPTION }, 'bearer')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'Integration API key `cfk_<prefix>_<secret>` (tip intake only); shown once, rotated and revoked by admins' }, 'api-key');
  for (const [name, description] of TAGS) config.addTag(name, description);
  const document = SwaggerModule.createDocument(app, config.build(), {
    extraModels: [ProblemDetailsDto],
    // The handler's name is the operation id (createUser, listAuditRecords): what a generated client calls it.
    operationIdFactory: (_controller: string, handler: string) => handler,
  });
  document.servers = [THIS_SERVER];
  return finishOpenApiDocument(document);
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
  await loadOpenApiPluginMetadata();
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
  // Fastify also parses text/plain into a string by default, which then failed validation as a 400: the API
  // takes JSON (and multipart where documented), so any other content type is a 415.
  fastify.removeContentTypeParser('text/plain');
  await registerMultipart(app, config.evidence.maxBytes);
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    swaggerOptions: { persistAuthorization: false },
  });
  return app;
}

/**
 * The document the service serves, built without a database, a listener or any secret that matters: the app in
 * Nest's preview mode (the module graph and the routes, no provider instantiated). For `npm run openapi:write`.
 */
export async function openApiDocumentWithoutDatabase(): Promise<OpenAPIObject> {
  const env = loadEnvironment({ NODE_ENV: 'development', LOG_LEVEL: 'silent' });
  const dir = mkdtempSync(join(tmpdir(), 'casefile-openapi-'));
  try {
    const { secrets } = loadSecrets(dir, env);
    const config = new AppConfig(env, 'postgres://127.0.0.1:1/unused', secrets);
    const app = await createApp(config, { logger: createRootLogger('silent'), preview: true });
    try {
      return buildOpenApiDocument(app);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
