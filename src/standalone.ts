import 'reflect-metadata';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join, resolve } from 'node:path';
import { AppModule } from './app.module';
import { HttpMetrics } from './common/metrics/http-metrics';
import { AppConfig } from './config/app-config';
import { EnvironmentVariables, loadEnvironment } from './config/environment';
import { loadSecrets, Secrets } from './config/secrets';
import { EmbeddedDatabase } from './database/embedded-postgres';

/**
 * Runs a command-line job (`seed:demo`, `tips:reencrypt`) inside the application without a server: the
 * environment and secrets as the service reads them, the embedded PostgreSQL when DATABASE_URL is unset, an
 * application context with the scheduler off; everything is stopped afterwards, and the process exits 0, or 1
 * with `<name> failed: <reason>` on stderr.
 */
export function runStandalone(
  name: string,
  overrides: Partial<EnvironmentVariables>,
  job: (app: INestApplicationContext, secrets: Secrets) => Promise<void>,
): void {
  const main = async (): Promise<void> => {
    const env = loadEnvironment(process.env);
    const dataDir = resolve(env.DATA_DIR);
    const { secrets } = loadSecrets(dataDir, env);
    let embedded: EmbeddedDatabase | undefined;
    let url = env.DATABASE_URL;
    if (!url) {
      embedded = new EmbeddedDatabase({ dir: join(dataDir, 'pg'), password: secrets.embeddedDbPassword });
      url = await embedded.start();
    }
    try {
      const config = new AppConfig({ ...env, SCHEDULER_ENABLED: false, ...overrides }, url, secrets);
      const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, new HttpMetrics()), { logger: ['error', 'warn'] });
      try {
        await job(app, secrets);
      } finally {
        await app.close();
      }
    } finally {
      await embedded?.stop();
    }
  };
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${name} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
