import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { EmbeddedDatabase } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrator';
import { OPENAPI_RUN_DIR_ENV } from './openapi-coverage';
import { ADMIN_URL_ENV, assertTestDatabaseName, databaseNameOf, RUN_ID_ENV, TEMPLATE_ENV, withAdmin, withDatabase } from './test-database';

declare global {
  var __CASEFILE_EMBEDDED__: EmbeddedDatabase | undefined;
}

/**
 * Once per test run: the generated client (when stale), a PostgreSQL (DATABASE_URL, else an embedded one),
 * and a template database built by the real migrations that every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  // The typed client the client e2e test drives, generated from the document when missing or stale.
  const client = spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'ensure-client.mjs')], { stdio: 'inherit' });
  if (client.status !== 0) throw new Error('Could not generate the typed client (npm run client:generate)');
  const runId = `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;
  let adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    assertTestDatabaseName(databaseNameOf(adminUrl));
  } else {
    const embedded = new EmbeddedDatabase({ dir: join(__dirname, '..', '..', '.data', `test-pg-${runId}`), password: randomBytes(16).toString('hex'), persistent: false });
    globalThis.__CASEFILE_EMBEDDED__ = embedded;
    adminUrl = await embedded.start();
  }
  const template = `casefile_test_tpl_${runId}`;
  assertTestDatabaseName(template);
  await withAdmin(adminUrl, (c) => c.query(`CREATE DATABASE "${template}"`));
  const dataSource = new DataSource(dataSourceOptions({ url: withDatabase(adminUrl, template), statementTimeoutMs: 60_000, poolSize: 2, applicationName: 'casefile-test-setup' }));
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env[ADMIN_URL_ENV] = adminUrl;
  process.env[TEMPLATE_ENV] = template;
  process.env[RUN_ID_ENV] = runId;
  // Where each test app records the responses it checked against the OpenAPI document (global-teardown.ts).
  process.env[OPENAPI_RUN_DIR_ENV] = join(tmpdir(), `casefile-openapi-${runId}`);
}
