import { Injectable } from '@nestjs/common';
import { HealthRepository } from './health.repository';

export interface Readiness {
  ready: boolean;
  checks: { database: 'up' | 'down'; migrations: 'applied' | 'pending' | 'unknown' };
}

const READY_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(private readonly repository: HealthRepository) {}

  /** PostgreSQL answers, within a short bound, and every migration the code knows is applied. */
  async readiness(): Promise<Readiness> {
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
