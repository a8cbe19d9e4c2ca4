import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

export interface DatabaseSettings {
  url: string;
  statementTimeoutMs: number;
  poolSize: number;
  /** How long a query may wait for a pooled connection (or for a new one to open) before it fails. */
  acquireTimeoutMs?: number;
  applicationName?: string;
}

export const DEFAULT_POOL_ACQUIRE_TIMEOUT_MS = 3_000;
/** The client-side bound on a query, beyond the server's statement timeout: for a server that stopped answering. */
export const QUERY_TIMEOUT_MARGIN_MS = 1_000;

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
    // TypeORM's own logger stays off: its query-error lines carry the query's parameters (password hashes,
    // tokens). Errors reach the log through the problem filter's serializer, as class, code and constraint.
    logging: false,
    extra: {
      max: settings.poolSize,
      statement_timeout: settings.statementTimeoutMs,
      idle_in_transaction_session_timeout: Math.max(settings.statementTimeoutMs * 2, 30_000),
      // Bounded waits, so a database fault is a 503 in seconds, never a hang: for a pooled connection (or a
      // new one to open), and for an answer from a server that stopped answering (a frozen or partitioned
      // PostgreSQL cannot enforce its own statement_timeout).
      connectionTimeoutMillis: settings.acquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
      query_timeout: settings.statementTimeoutMs + QUERY_TIMEOUT_MARGIN_MS,
      keepAlive: true,
      application_name: settings.applicationName ?? 'casefile',
      // Every session in UTC with ISO dates, whatever the server's defaults.
      options: '-c TimeZone=UTC -c DateStyle=ISO,YMD',
    },
  };
}
