import 'reflect-metadata';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { createApp } from './app.setup';
import { AppConfig } from './config/app-config';
import { ConfigurationError, EX_CONFIG } from './config/configuration-error';
import { loadEnvironment, SHARED_SECRETS } from './config/environment';
import { generatedSecretsNotice, loadSecrets, SecretsResult } from './config/secrets';
import { createRootLogger } from './common/logging/logger';
import { EmbeddedDatabase } from './database/embedded-postgres';
import { secretsRecordedIn } from './database/key-check.repository';

/** A configuration Casefile must not run with: one message naming every problem, then exit 78 (EX_CONFIG). */
function refuse(e: ConfigurationError, logger?: Logger): never {
  logger?.fatal({ problems: e.problems }, `Casefile cannot start: ${e.summary}`);
  process.stderr.write(e.report());
  process.exit(EX_CONFIG);
}

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  let env;
  try {
    env = loadEnvironment(process.env);
  } catch (e) {
    if (e instanceof ConfigurationError) refuse(e);
    throw e;
  }
  const logger = createRootLogger(env.LOG_LEVEL);
  const dataDir = resolve(env.DATA_DIR);

  // With a shared database, a secret missing from the environment is generated only while the database
  // records no key for it: a fresh key could only differ from the one the other replicas use.
  let recorded: Set<string> | undefined;
  if (env.DATABASE_URL && SHARED_SECRETS.some((name) => !env[name])) {
    try {
      recorded = await secretsRecordedIn(env.DATABASE_URL);
    } catch (e) {
      logger.fatal({ err: e }, 'Casefile cannot start: the database at DATABASE_URL does not answer');
      process.exit(1);
    }
  }
  let loaded: SecretsResult;
  try {
    loaded = loadSecrets(dataDir, env, { recorded });
  } catch (e) {
    if (e instanceof ConfigurationError) refuse(e, logger);
    throw e;
  }
  const { secrets } = loaded;
  if (loaded.generated.length > 0) {
    logger.warn({ secrets: loaded.generated, file: loaded.file }, generatedSecretsNotice(loaded, Boolean(env.DATABASE_URL)));
  }

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    embedded = new EmbeddedDatabase({
      dir: join(dataDir, 'pg'),
      password: secrets.embeddedDbPassword,
      log: (m) => logger.debug({ component: 'embedded-postgres' }, m),
    });
    logger.info({ dir: join(dataDir, 'pg') }, 'DATABASE_URL is not set: starting the embedded PostgreSQL');
    try {
      databaseUrl = await embedded.start();
    } catch (e) {
      logger.fatal({ err: e }, `Casefile cannot start: ${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    }
  }
  const config = new AppConfig(env, databaseUrl, secrets);

  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  try {
    app = await createApp(config, { logger });
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    if (!(e instanceof ConfigurationError)) logger.fatal({ err: e }, 'Casefile failed to start');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
    if (e instanceof ConfigurationError) refuse(e, logger);
    process.exit(1);
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.info({ url: `http://${config.host}:${config.port}`, docs: `http://${config.host}:${config.port}/docs`, startupMs: Math.round(ms) }, `Casefile is ready in ${Math.round(ms)} ms`);

  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 25 s; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await app?.close(); // stops listening, waits for in-flight requests, closes the pool
      await embedded?.stop();
      logger.info('stopped cleanly');
      process.exit(0);
    } catch (e) {
      logger.error({ err: e }, 'error during shutdown');
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));
}

void main();
