import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenApiDocument, OUTSIDE_THE_DOCUMENT, Violation } from './openapi-validator';

/**
 * The run's record of what the response validator saw: each test app writes, when it closes, the
 * operations it exercised (with their statuses) and any violation; the global teardown reads them all and
 * checks that every operation of the document got at least one success and one refusal.
 */

/** Directory of this run's records (set by the global setup; jest workers inherit it). */
export const OPENAPI_RUN_DIR_ENV = 'CASEFILE_OPENAPI_RUN_DIR';
/** `report`: violations are recorded and summed up at the end of the run instead of failing the test file. */
export const OPENAPI_VALIDATION_ENV = 'OPENAPI_VALIDATION';

export interface AppRecord {
  file: string;
  /** `METHOD /path/{param}` → statuses seen. */
  seen: Record<string, number[]>;
  violations: Violation[];
}

/**
 * Operations no test can drive to a success or a refusal, each with the reason. Keep this list short:
 * anything reachable is exercised by a test.
 */
export const COVERAGE_EXCEPTIONS: ReadonlyArray<{ operation: string; missing: 'success' | 'refusal'; reason: string }> = [];

/** Records what one app saw, and the document it served (once per distinct document). */
export function writeAppRecord(record: AppRecord, document: OpenApiDocument): void {
  const dir = process.env[OPENAPI_RUN_DIR_ENV];
  if (!dir) return;
  mkdirSync(join(dir, 'apps'), { recursive: true });
  mkdirSync(join(dir, 'documents'), { recursive: true });
  const text = JSON.stringify(document);
  const docFile = join(dir, 'documents', `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
  if (!existsSync(docFile)) writeFileSync(docFile, text);
  writeFileSync(join(dir, 'apps', `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`), JSON.stringify(record));
}

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
}

export interface CoverageReport {
  operations: number;
  missing: string[];
  violations: Violation[];
  /** Distinct `METHOD /path status` pairs the document does not allow. */
  undeclaredPairs: string[];
}

/** Reads the run's records and measures them against the document. */
export function coverageOf(dir: string): CoverageReport {
  // The operations of every document the apps served (they differ only by test-only routes, left out here).
  const operationKeys = new Set<string>();
  for (const file of filesIn(join(dir, 'documents'))) {
    const doc = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument;
    for (const [path, item] of Object.entries(doc.paths)) {
      if (OUTSIDE_THE_DOCUMENT.some((o) => o.route.test(path.replace(/^\/api\/v1/, '')))) continue;
      for (const method of Object.keys(item)) if (['get', 'put', 'post', 'delete', 'patch'].includes(method)) operationKeys.add(`${method.toUpperCase()} ${path}`);
    }
  }
  const seen = new Map<string, Set<number>>();
  const violations: Violation[] = [];
  for (const file of filesIn(join(dir, 'apps'))) {
    const record = JSON.parse(readFileSync(file, 'utf8')) as AppRecord;
    for (const [op, statuses] of Object.entries(record.seen)) {
      const set = seen.get(op) ?? new Set<number>();
      for (const s of statuses) set.add(s);
      seen.set(op, set);
    }
    violations.push(...record.violations);
  }
  const missing: string[] = [];
  for (const key of [...operationKeys].sort()) {
    const statuses = [...(seen.get(key) ?? [])];
    const excepted = (kind: 'success' | 'refusal'): boolean => COVERAGE_EXCEPTIONS.some((e) => e.operation === key && e.missing === kind);
    if (!statuses.some((s) => s >= 200 && s < 300) && !excepted('success')) missing.push(`${key}: no success`);
    if (!statuses.some((s) => s >= 400) && !excepted('refusal')) missing.push(`${key}: no refusal`);
  }
  const operations = operationKeys.size;
  const undeclaredPairs = [...new Set(violations.filter((v) => /^status \d+ is not declared|not in the document/.test(v.problem)).map((v) => `${v.operation} ${v.status}`))].sort();
  return { operations, missing, violations, undeclaredPairs };
}

export function removeRunDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
