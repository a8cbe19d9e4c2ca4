import 'reflect-metadata';
import { createApp } from '../../src/app.setup';
import { AuditRepository } from '../../src/audit/audit.repository';
import { createRootLogger } from '../../src/common/logging/logger';
import { AppConfig } from '../../src/config/app-config';
import { loadEnvironment } from '../../src/config/environment';
import { loadSecrets } from '../../src/config/secrets';
import { TipMatchingWorker } from '../../src/tips/tip-matching-worker.service';

/**
 * Bench only: the same Casefile app as main.ts, except that with BENCH_AUDIT=off its audit appends are
 * skipped — so the bench can measure what the audit record costs the same write endpoint. Its tip matching
 * worker is stopped: the tips scenario measures one service that matches what it receives, not two sharing the
 * queue.
 */
async function main(): Promise<void> {
  const env = loadEnvironment(process.env);
  const { secrets } = loadSecrets(env.DATA_DIR, env);
  const config = new AppConfig(env, env.DATABASE_URL!, secrets);
  const app = await createApp(config, { logger: createRootLogger(env.LOG_LEVEL) });
  if (process.env.BENCH_AUDIT === 'off') {
    const repository = app.get(AuditRepository);
    repository.insert = async () => undefined;
    repository.attach = () => undefined;
    await app.get(TipMatchingWorker).stop();
  }
  await app.listen({ port: config.port, host: config.host });
  process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

void main();
