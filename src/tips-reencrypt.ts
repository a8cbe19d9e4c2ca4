import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { join, resolve } from 'node:path';
import { AppModule } from './app.module';
import { HttpMetrics } from './common/metrics/http-metrics';
import { AppConfig } from './config/app-config';
import { loadEnvironment } from './config/environment';
import { loadSecrets } from './config/secrets';
import { EmbeddedDatabase } from './database/embedded-postgres';
import { TipsterReencryption } from './tips/tipster-reencryption.service';

/**
 * `npm run tips:reencrypt`: after a rotation of FIELD_ENCRYPTION_KEY (`<new key>,<old key>`), seals every
 * tipster identity still under an older key with the current one. Run it with the same environment as the
 * service (it may run beside it); afterwards the old key may be dropped once nothing else needs it.
 */
async function main(): Promise<void> {
  const env = loadEnvironment(process.env);
  const dataDir = resolve(env.DATA_DIR);
  const { secrets } = loadSecrets(dataDir, env);
  let embedded: EmbeddedDatabase | undefined;
  let url = env.DATABASE_URL;
  if (!url) {
    embedded = new EmbeddedDatabase({ dir: join(dataDir, 'pg'), password: secrets.embeddedDbPassword });
    url = await embedded.start();
  }
  const config = new AppConfig({ ...env, SCHEDULER_ENABLED: false, MIGRATIONS_RUN: false }, url, secrets);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, new HttpMetrics()), { logger: ['error', 'warn'] });
  try {
    const { resealed, skipped } = await app.get(TipsterReencryption).run();
    process.stdout.write(`tips:reencrypt: ${resealed} tipster identit${resealed === 1 ? 'y' : 'ies'} sealed again under key ${secrets.fieldEncryptionKeyId}${skipped ? `; ${skipped} changed meanwhile (run again)` : ''}\n`);
  } finally {
    await app.close();
    await embedded?.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`tips:reencrypt failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
