import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { createApp } from './app.setup';
import { AppConfig } from './config/app-config';
import { InvalidEnvironmentError, loadEnvironment } from './config/environment';
import { loadSecrets } from './config/secrets';
import { createRootLogger } from './common/logging/logger';
import { EmbeddedDatabase } from './database/embedded-postgres';

async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  let env;
  try {
    env = loadEnvironment(process.env);
  } catch (e) {
    if (e instanceof InvalidEnvironmentError) {
      process.stderr.write(`Casefile cannot start: the environment is not valid.\n${e.problems.map((p) => `  - ${p}`).join('\n')}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const logger = createRootLogger(env.LOG_LEVEL);
  const dataDir = resolve(env.DATA_DIR);
  const { secrets, generated, file } = loadSecrets(dataDir, env);
  if (generated.length > 0) {
    logger.warn({ secrets: generated, file }, `generated ${generated.length} secret(s) into ${file} (mode 0600); set them in the environment for production`);
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
    logger.fatal({ err: e }, 'Casefile failed to start');
    await app?.close().catch(() => undefined);
    await embedded?.stop().catch(() => undefined);
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
