import { ADMIN_URL_ENV, RUN_ID_ENV, assertTestDatabaseName, withAdmin } from './test-database';

/** Drops every database this run made, then stops the embedded PostgreSQL if one was started. */
export default async function globalTeardown(): Promise<void> {
  const adminUrl = process.env[ADMIN_URL_ENV];
  const runId = process.env[RUN_ID_ENV];
  if (adminUrl && runId) {
    await withAdmin(adminUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`casefile_test_%${runId}%`]);
      for (const { datname } of rows) {
        assertTestDatabaseName(datname);
        await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
      }
    });
  }
  await globalThis.__CASEFILE_EMBEDDED__?.stop();
}
