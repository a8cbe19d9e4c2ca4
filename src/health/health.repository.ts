import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Database } from '../database/database';

/** What readiness reads: the migrations the code knows and those the database has applied. */
@Injectable()
export class HealthRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly database: Database,
  ) {}

  knownMigrations(): string[] {
    return this.dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  }

  async appliedMigrations(): Promise<Set<string>> {
    const rows = await this.database.query<{ name: string }>({ name: 'health-migrations', text: 'SELECT name FROM migrations' });
    return new Set(rows.map((r) => r.name));
  }
}
