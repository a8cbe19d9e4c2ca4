import type { Config } from '@jest/types';
import { coverageOf, OPENAPI_RUN_DIR_ENV, OPENAPI_VALIDATION_ENV, removeRunDir } from './openapi-coverage';
import { ADMIN_URL_ENV, RUN_ID_ENV, assertTestDatabaseName, withAdmin } from './test-database';

/**
 * Drops every database this run made, then stops the embedded PostgreSQL if one was started; then, when the
 * whole suite ran, checks that it exercised every operation of the OpenAPI document with at least one success
 * and one refusal (openapi-coverage.ts).
 */
export default async function globalTeardown(globalConfig: Config.GlobalConfig): Promise<void> {
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
  checkOpenApiCoverage(globalConfig);
}

function checkOpenApiCoverage(globalConfig: Config.GlobalConfig): void {
  const dir = process.env[OPENAPI_RUN_DIR_ENV];
  if (!dir) return;
  const report = coverageOf(dir);
  removeRunDir(dir);
  if (process.env[OPENAPI_VALIDATION_ENV] === 'report') {
    const byProblem = new Map<string, number>();
    for (const v of report.violations) {
      const kind = v.problem.replace(/\(.*$/, '').replace(/"[^"]*"/g, '…').slice(0, 90);
      byProblem.set(kind, (byProblem.get(kind) ?? 0) + 1);
    }
    process.stdout.write(
      `\nOpenAPI response validation: ${report.violations.length} violation(s), ${new Set(report.violations.map((v) => `${v.operation} ${v.status} ${v.problem}`)).size} distinct; ` +
        `${report.undeclaredPairs.length} route/status pair(s) outside the document\n` +
        report.undeclaredPairs.map((p) => `  ${p}\n`).join('') +
        [...new Set(report.violations.filter((v) => !/^status \d+ is not declared/.test(v.problem)).map((v) => `  ${v.operation} ${v.status}: ${v.problem}`))].slice(0, 200).join('\n') +
        '\n',
    );
  }
  const filtered =
    globalConfig.testPathPatterns.isSet() ||
    Boolean(globalConfig.testNamePattern) ||
    globalConfig.onlyChanged ||
    globalConfig.onlyFailures ||
    globalConfig.findRelatedTests ||
    Boolean(globalConfig.shard) ||
    globalConfig.listTests;
  if (filtered) return;
  process.stdout.write(`\nOpenAPI coverage: ${report.operations - new Set(report.missing.map((m) => m.split(':')[0])).size} of ${report.operations} operations with a success and a refusal\n`);
  if (report.missing.length > 0) {
    throw new Error(`The test run did not exercise every operation of the OpenAPI document (add a test, or an exception with its reason in test/support/openapi-coverage.ts):\n${report.missing.map((m) => `  ${m}`).join('\n')}`);
  }
}
