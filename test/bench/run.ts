import autocannon from 'autocannon';
import { ChildProcess, fork } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedDatabase, freePort } from '../../src/database/embedded-postgres';
import { scenarios } from './scenarios';

/**
 * `npm run bench`: a fresh embedded PostgreSQL, the built Casefile service and the raw baseline
 * (node:http + pg doing the same database work) side by side, driven by autocannon on 127.0.0.1 with
 * bounded connections and durations. Prints a markdown table; ratios matter, not absolute figures.
 * Ends by itself and stops every process it started.
 */

export interface Target {
  base: string;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p97_5?: number;
  p99: number;
  errors: number;
}

export interface Row {
  scenario: string;
  casefile: LoadResult;
  baseline?: LoadResult;
  note?: string;
}

export interface BenchContext {
  casefile: Target;
  /** The same app with its audit appends skipped (bench only: to price the audit record). */
  noAudit: Target;
  casefilePid: number;
  baseline: Target;
  databaseUrl: string;
  adminPassword: string;
  duration: number;
  load: (opts: autocannon.Options) => Promise<LoadResult>;
}

const DURATION = Number(process.env.BENCH_DURATION_SECONDS ?? 5);

const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);

/** Warms the target up (JIT, pools) without counting, then measures for DURATION seconds. */
export async function load(opts: autocannon.Options): Promise<LoadResult> {
  if (WARMUP > 0) await autocannon({ connections: 10, ...opts, duration: WARMUP });
  const result = await autocannon({ duration: DURATION, connections: 10, ...opts });
  const non2xx = result.non2xx ?? 0;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + non2xx,
  };
}

async function waitReady(base: string, child: ChildProcess, timeoutMs = 120_000): Promise<number> {
  const start = Date.now();
  while (Date.now() - start < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`${base}: process exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) return Date.now() - start;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${base} was not ready after ${timeoutMs} ms`);
}

function stop(child: ChildProcess | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
    child.kill('SIGCONT'); // a service stopped for a baseline round (Ctrl-C then) acts on the SIGTERM
  });
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

export function table(rows: Row[]): string {
  const lines = [
    '| scenario | Casefile req/s | p50 ms | p99 ms | errors | baseline req/s | baseline p99 ms | ratio to baseline | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    const ratio = r.baseline && r.baseline.rps > 0 ? `${fmt((r.casefile.rps / r.baseline.rps) * 100, 0)}%` : '-';
    lines.push(
      `| ${r.scenario} | ${fmt(r.casefile.rps, 0)} | ${fmt(r.casefile.p50)} | ${fmt(r.casefile.p99)} | ${r.casefile.errors} | ${r.baseline ? fmt(r.baseline.rps, 0) : '-'} | ${r.baseline ? fmt(r.baseline.p99) : '-'} | ${ratio} | ${r.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const root = join(__dirname, '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'casefile-bench-'));
  const db = new EmbeddedDatabase({ dir: join(dir, 'pg'), password: randomBytes(16).toString('hex'), persistent: false });
  const children: ChildProcess[] = [];
  const adminPassword = `bench-${randomBytes(12).toString('hex')}`;
  const cleanup = async (): Promise<void> => {
    await Promise.all(children.map(stop));
    await db.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void cleanup().then(() => process.exit(130)));
  // A service stopped for a baseline round is never left stopped, however the bench ends.
  process.once('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGCONT')));
  try {
    const databaseUrl = await db.start();
    const [appPort, noAuditPort, rawPort] = [await freePort(), await freePort(), await freePort()];
    const started = Date.now();
    const appEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      // Production needs the shared secrets in the environment; both instances get the same.
      JWT_SECRET: randomBytes(48).toString('base64url'),
      FIELD_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      HMAC_KEY: randomBytes(48).toString('base64url'),
      AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      MFA_REQUIRED: 'false',
      BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      LOGIN_RATE_LIMIT_PER_IP: '100000',
      LOGIN_RATE_LIMIT_PER_USERNAME: '100000',
      // The benchmark drives one principal far past any sane per-principal limit: it prices the check, not the refusal.
      API_RATE_LIMIT_PER_MINUTE: '10000000',
      ANONYMOUS_RATE_LIMIT_PER_MINUTE: '10000000',
    };
    const app = fork(join(root, 'dist', 'src', 'main.js'), [], { cwd: root, env: { ...appEnv, PORT: String(appPort) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(app);
    const casefile = { base: `http://127.0.0.1:${appPort}` };
    const startupMs = await waitReady(casefile.base, app);
    // Second instance on the same database and secrets, audit appends skipped.
    const noAuditApp = fork(join(__dirname, 'app-server.js'), [], { cwd: root, env: { ...appEnv, PORT: String(noAuditPort), BENCH_AUDIT: 'off' }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(noAuditApp);
    const noAudit = { base: `http://127.0.0.1:${noAuditPort}` };
    await waitReady(noAudit.base, noAuditApp);
    const raw = fork(join(__dirname, 'raw-baseline.js'), [], { env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(rawPort) }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    children.push(raw);
    await new Promise<void>((resolve, reject) => {
      raw.once('message', () => resolve());
      raw.once('exit', (code) => reject(new Error(`raw baseline exited with ${code}`)));
    });
    const ctx: BenchContext = { casefile, noAudit, casefilePid: app.pid!, baseline: { base: `http://127.0.0.1:${rawPort}` }, databaseUrl, adminPassword, duration: DURATION, load };
    const rows: Row[] = [];
    const only = process.env.BENCH_SCENARIOS?.split(',').map((n) => n.trim());
    for (const scenario of scenarios.filter((s) => !only || only.includes(s.name))) {
      process.stderr.write(`bench: ${scenario.name}…\n`);
      rows.push(...(await scenario.run(ctx)));
    }
    console.log(`\nCasefile benchmark — ${new Date().toISOString()}, ${DURATION}s per scenario, node ${process.version}; service start to ready: ${startupMs} ms (embedded PostgreSQL already up; first start ${Date.now() - started} ms ago)\n`);
    console.log(table(rows));
  } finally {
    await cleanup();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
