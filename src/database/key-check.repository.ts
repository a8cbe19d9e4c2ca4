import { Injectable } from '@nestjs/common';
import { Client } from 'pg';
import { ConfigurationError } from '../config/configuration-error';
import type { KeyCheck, RecordedKeyCheck } from '../config/key-check';
import { Database } from './database';

/** The advisory lock replicas take turns on to compare and record key checks. */
export const KEY_CHECK_LOCK = 'casefile:key-check';
const UNDEFINED_TABLE = '42P01';

const notMigrated = (): ConfigurationError =>
  new ConfigurationError('the database has not been migrated', ['the table key_check does not exist: apply the migrations (npm run migration:run), or start with MIGRATIONS_RUN=true']);

/** The only way to the key_check table. */
@Injectable()
export class KeyCheckRepository {
  constructor(private readonly database: Database) {}

  /**
   * Reads the recorded key checks and inserts those `decide` returns, in one transaction under an advisory
   * lock: replicas starting together take turns, so the second compares with what the first recorded.
   */
  async reconcile<T extends { record: KeyCheck[] }>(decide: (recorded: RecordedKeyCheck[]) => T): Promise<T> {
    try {
      return await this.database.transaction(async (tx) => {
        await this.database.lock(tx, KEY_CHECK_LOCK);
        const rows = await this.database.query<RecordedKeyCheck>({ text: `SELECT secret, key_id AS "keyId", check_value AS "checkValue", recorded_at AS "recordedAt" FROM key_check` }, tx);
        const outcome = decide(rows);
        if (outcome.record.length > 0) {
          await this.database.query(
            {
              text: 'INSERT INTO key_check (secret, key_id, check_value) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING',
              values: [outcome.record.map((c) => c.secret), outcome.record.map((c) => c.keyId), outcome.record.map((c) => c.checkValue)],
            },
            tx,
          );
        }
        return outcome;
      });
    } catch (e) {
      if ((e as { code?: string }).code === UNDEFINED_TABLE) throw notMigrated();
      throw e;
    }
  }
}

/**
 * Before the app exists (main.ts, with DATABASE_URL): the secrets the database records a key for, so that
 * none of them is generated. None while the table does not exist yet (a database never started).
 */
export async function secretsRecordedIn(databaseUrl: string): Promise<Set<string>> {
  const client = new Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000, application_name: 'casefile' });
  await client.connect();
  try {
    const { rows } = await client.query<{ secret: string }>('SELECT DISTINCT secret FROM key_check');
    return new Set(rows.map((r) => r.secret));
  } catch (e) {
    if ((e as { code?: string }).code === UNDEFINED_TABLE) return new Set();
    throw e;
  } finally {
    await client.end();
  }
}
