import { DataSource } from 'typeorm';
import { withSessionLock } from './advisory-lock';

const MIGRATION_LOCK = 'casefile:migrations';

/**
 * Applies pending migrations under a PostgreSQL advisory lock, so replicas starting together take turns
 * (the second finds nothing left to do). Returns the names of the migrations applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    return await withSessionLock(runner, MIGRATION_LOCK, async () => {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    });
  } finally {
    await runner.release();
  }
}
