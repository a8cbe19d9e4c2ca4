import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseSettings {
  url: string;
  statementTimeoutMs: number;
  poolSize: number;
  applicationName?: string;
}

/** Entities are found by file role (`*.entity`), migrations in the top-level migrations/ folder. */
export const ENTITY_GLOB = join(__dirname, '..', '**', '*.entity.{ts,js}');
export const MIGRATION_GLOB = join(__dirname, '..', '..', 'migrations', '*.{ts,js}');

/** One definition of the connection, shared by the app, the migration CLI and the test harness. */
export function dataSourceOptions(settings: DatabaseSettings): DataSourceOptions {
  return {
    type: 'postgres',
    url: settings.url,
    entities: [ENTITY_GLOB],
    migrations: [MIGRATION_GLOB],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: false,
    extra: {
      max: settings.poolSize,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: Math.max(settings.statementTimeoutMs * 2, 30_000),
      connectionTimeoutMillis: 5_000,
      application_name: settings.applicationName ?? 'casefile',
      // Every session in UTC with ISO dates, whatever the server's defaults.
      options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
    },
  };
}
