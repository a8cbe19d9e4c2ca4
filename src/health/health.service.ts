import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { ReadinessDto as Readiness } from './dto/readiness.dto';
import { HealthRepository } from './health.repository';

const READY_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private draining = false;

  constructor(
    private readonly repository: HealthRepository,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  /**
   * Shutdown, first step (before the listener closes): readiness turns 503 and stays so for
   * SHUTDOWN_DRAIN_MS while requests are still served, so load balancers stop sending new ones first.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    if (this.config.shutdownDrainMs <= 0) return;
    this.logger.log(`not ready: draining for ${this.config.shutdownDrainMs} ms before closing the listener`);
    await new Promise((resolve) => setTimeout(resolve, this.config.shutdownDrainMs));
  }

  /** PostgreSQL answers, within a short bound, and every migration the code knows is applied. */
  async readiness(): Promise<Readiness> {
    if (this.draining) return { ready: false, checks: { database: 'unknown', migrations: 'unknown', shutdown: 'draining' } };
    const expected = this.repository.knownMigrations();
    try {
      const rows = await Promise.race([
        this.repository.appliedMigrations(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('readiness timeout')), READY_TIMEOUT_MS).unref()),
      ]);
      const applied = rows;
      const pending = expected.some((name) => !applied.has(name));
      return { ready: !pending, checks: { database: 'up', migrations: pending ? 'pending' : 'applied' } };
    } catch {
      return { ready: false, checks: { database: 'down', migrations: 'unknown' } };
    }
  }
}
