import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Environment handed from the global setup to every test file (jest workers inherit it). */
export const ADMIN_URL_ENV = 'CASEFILE_TEST_ADMIN_URL';
export const TEMPLATE_ENV = 'CASEFILE_TEST_TEMPLATE';
export const RUN_ID_ENV = 'CASEFILE_TEST_RUN_ID';

/** The harness only ever creates, clones or drops databases whose name says they are for tests. */
export function assertTestDatabaseName(name: string): void {
  if (!/^[a-z0-9_]+$/.test(name) || !name.includes('test')) {
    throw new Error(`Refusing to use database "${name}": test databases must have "test" in their name`);
  }
}

export function databaseNameOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates this test file's own database, cloned from the migrated template. Returns its URL. */
export async function createTestDatabase(label = 'file'): Promise<{ url: string; name: string; drop: () => Promise<void> }> {
  const adminUrl = process.env[ADMIN_URL_ENV];
  const template = process.env[TEMPLATE_ENV];
  const runId = process.env[RUN_ID_ENV];
  if (!adminUrl || !template || !runId) throw new Error('The test database harness was not set up (jest globalSetup)');
  const name = `casefile_test_${runId}_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  assertTestDatabaseName(name);
  assertTestDatabaseName(template);
  await withAdmin(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (e) {
        // 55006: the template is briefly in use by another clone; try again.
        if ((e as { code?: string }).code !== '55006' || attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    name,
    url: withDatabase(adminUrl, name),
    drop: () => withAdmin(adminUrl, async (client) => void (await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}
