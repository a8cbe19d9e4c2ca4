import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface Readiness {
  ready: boolean;
  checks: { database: 'up' | 'down'; migrations: 'applied' | 'pending' | 'unknown' };
}

const READY_TIMEOUT_MS = 2_000;

@Injectable()
export class HealthService {
  constructor(private readonly dataSource: DataSource) {}

  /** PostgreSQL answers, within a short bound, and every migration the code knows is applied. */
  async readiness(): Promise<Readiness> {
    const expected = this.dataSource.migrations.map((m) => m.name ?? m.constructor.name);
    try {
      const rows = await Promise.race([
        this.dataSource.query<{ name: string }[]>('SELECT name FROM migrations'),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('readiness timeout')), READY_TIMEOUT_MS).unref()),
      ]);
      const applied = new Set(rows.map((r) => r.name));
      const pending = expected.some((name) => !applied.has(name));
      return { ready: !pending, checks: { database: 'up', migrations: pending ? 'pending' : 'applied' } };
    } catch {
      return { ready: false, checks: { database: 'down', migrations: 'unknown' } };
    }
  }
}
