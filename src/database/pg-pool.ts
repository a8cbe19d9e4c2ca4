import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The pg pool under a TypeORM data source, for what TypeORM cannot express: named (prepared) statements,
 * array-mode rows, COPY streams. Repositories only.
 */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
