import autocannon from 'autocannon';
import { createCipheriv, createHash, randomBytes, randomFillSync, randomUUID } from 'node:crypto';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Client } from 'pg';
import { myTasksStatement } from '../../src/cases/case-tasks.repository';
import { caseListStatement } from '../../src/cases/cases.repository';
import { caseDataSizes, generateCaseData } from './case-data';
import { GRAPH_SQL } from '../../src/links/links.repository';
import { ORGANIZATION_NAME_SEARCH_SQL } from '../../src/organizations/organizations.repository';
import { interpretSelector } from '../../src/selectors/selector-normalizers';
import { SELECTOR_BY_VALUES_SQL } from '../../src/selectors/selectors.repository';
import { SUBJECT_NAME_SEARCH_SQL } from '../../src/subjects/subjects.repository';
import { benchId, explain, generateRegistry, registrySizes } from './registry-data';
import { tipQueueStatement } from '../../src/tips/tips.repository';
import { benchNarrative, generateTips, tipCount } from './tip-data';
import type { BenchContext, LoadResult, Row } from './run';

export interface Scenario {
  name: string;
  run: (ctx: BenchContext) => Promise<Row[]>;
}

async function json<T>(res: Response): Promise<T> {
  if (!res.ok) throw new Error(`${res.url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function loginAs(base: string, username: string, password: string): Promise<string> {
  const body = await json<{ accessToken: string }>(await fetch(`${base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) }));
  return body.accessToken;
}

/** The raw baseline's stand-in for the bearer token: the session and user ids it carries. */
function sessionHeaders(token: string): Record<string, string> {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { sid: string; sub: string };
  return { 'x-session-id': claims.sid, 'x-user-id': claims.sub };
}

async function createUser(base: string, adminToken: string, username: string, password: string, roles: string[]): Promise<void> {
  await json(await fetch(`${base}/api/v1/users`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ username, password, displayName: username, roles }) }));
}

/** Alternates the loads ROUNDS times (the machine is noisy) and keeps, for each, the round of median throughput. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
async function alternate(ctx: BenchContext, ...options: autocannon.Options[]): Promise<LoadResult[]> {
  const results: LoadResult[][] = options.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, opts] of options.entries()) results[i].push(await ctx.load(opts));
  }
  return results.map((rs) => [...rs].sort((a, b) => a.rps - b.rps)[Math.floor(rs.length / 2)]);
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

const liveness: Scenario = {
  name: 'GET /health/live',
  run: async (ctx) => [
    {
      scenario: 'GET /health/live (10 conns)',
      casefile: await ctx.load({ url: `${ctx.casefile.base}/health/live` }),
      baseline: await ctx.load({ url: `${ctx.baseline.base}/live` }),
    },
  ],
};

/** Issue 3: an authenticated read (JWT + the session ⋈ user check) at 50 connections. */
const me: Scenario = {
  name: 'GET /api/v1/auth/me',
  run: async (ctx) => {
    const token = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
    const [casefile, baseline] = await alternate(
      ctx,
      { url: `${ctx.casefile.base}/api/v1/auth/me`, connections: 50, headers: { authorization: `Bearer ${token}` } },
      { url: `${ctx.baseline.base}/me`, connections: 50, headers: sessionHeaders(token) },
    );
    return [{ scenario: 'GET /api/v1/auth/me (50 conns, JWT + session check)', casefile: casefile, baseline, note: `target ≥ 60% of baseline (median of ${ROUNDS} alternating rounds)` }];
  },
};

/** Issue 3: 20 concurrent argon2id logins must not starve the event loop. */
const loginBurst: Scenario = {
  name: 'login burst',
  run: async (ctx) => {
    const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
    await createUser(ctx.casefile.base, admin, 'bench.burst', 'bench-burst-password-1', ['analyst']);
    const quiet = await ctx.load({ url: `${ctx.casefile.base}/health/live`, duration: 3 });
    const durations: number[] = [];
    const measuring = autocannon({ url: `${ctx.casefile.base}/health/live`, connections: 10, duration: 3 });
    await new Promise((r) => setTimeout(r, 500));
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const start = performance.now();
        await loginAs(ctx.casefile.base, 'bench.burst', 'bench-burst-password-1');
        durations.push(performance.now() - start);
      }),
    );
    const during = await measuring;
    return [
      { scenario: 'GET /health/live, quiet (10 conns)', casefile: quiet },
      {
        scenario: 'GET /health/live during 20 concurrent logins',
        casefile: { rps: during.requests.average, p50: during.latency.p50, p99: during.latency.p99, errors: during.errors + during.timeouts + (during.non2xx ?? 0) },
        note: `target p99 ≤ 50 ms; the 20 logins took p50 ${percentile(durations, 50).toFixed(0)} ms, max ${Math.max(...durations).toFixed(0)} ms`,
      },
    ];
  },
};

/** Issue 4: one write endpoint (POST /integrations) with and without its audit record, and the raw insert. */
const audited: Scenario = {
  name: 'audited write',
  run: async (ctx) => {
    const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
    const adminNoAudit = await loginAs(ctx.noAudit.base, 'admin', ctx.adminPassword);
    const body = JSON.stringify({ name: 'bench integration' });
    const post = (base: string, headers: Record<string, string>, keyed = false): autocannon.Options => ({
      url: `${base}`,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      // A fresh Idempotency-Key per request: every request claims, writes and stores its response.
      ...(keyed ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, headers: { ...req.headers, 'idempotency-key': randomUUID() } }) }] } : {}),
    });
    let maxLag = 0;
    const sampler = setInterval(() => {
      void fetch(`${ctx.casefile.base}/metrics`)
        .then((r) => r.text())
        .then((text) => {
          const m = /^casefile_audit_seal_lag_seconds (\S+)$/m.exec(text);
          if (m) maxLag = Math.max(maxLag, Number(m[1]));
        })
        .catch(() => undefined);
    }, 250);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const [withAudit, withoutAudit, raw, keyed, rawKeyed] = (await alternate(
      ctx,
      post(`${ctx.casefile.base}/api/v1/integrations`, bearer(admin)),
      post(`${ctx.noAudit.base}/api/v1/integrations`, bearer(adminNoAudit)),
      post(`${ctx.baseline.base}/write`, sessionHeaders(admin)),
      post(`${ctx.casefile.base}/api/v1/integrations`, bearer(admin), true),
      post(`${ctx.baseline.base}/write-keyed`, sessionHeaders(admin), true),
    )) as [LoadResult, LoadResult, LoadResult, LoadResult, LoadResult];
    clearInterval(sampler);
    const cost = withoutAudit.rps > 0 ? (1 - withAudit.rps / withoutAudit.rps) * 100 : NaN;
    return [
      {
        scenario: 'POST /api/v1/integrations, audited (10 conns)',
        casefile: withAudit,
        baseline: raw,
        note: `target ≥ 70% of baseline (session check, row and audit record in one transaction); audit costs ${cost.toFixed(1)}% of throughput; median of ${ROUNDS} alternating rounds; max sealing lag seen ${maxLag.toFixed(2)} s`,
      },
      { scenario: 'POST /api/v1/integrations with Idempotency-Key (10 conns)', casefile: keyed, baseline: rawKeyed, note: 'target ≥ 60% of baseline (claim, session check, row + audit record + encrypted stored response in one transaction)' },
      { scenario: 'POST /api/v1/integrations, audit append skipped', casefile: withoutAudit, baseline: raw, note: 'same app, AuditRepository.insert stubbed (bench only)' },
    ];
  },
};

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Issue 4: sealing throughput over a backlog, then verify over the whole chain (target ≤ 10 s for 1M, memory flat). */
const sealAndVerify: Scenario = {
  name: 'sealing and verify',
  run: async (ctx) => {
    const records = Number(process.env.BENCH_AUDIT_RECORDS ?? 1_000_000);
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    try {
      process.stderr.write(`bench: generating ${records} audit records…\n`);
      const start = performance.now();
      for (let done = 0; done < records; done += 100_000) {
        await db.query(
          `INSERT INTO audit_event (actor_kind, actor_id, actor_roles, action, resource_type, resource_id, outcome, request_id, source_ip, user_agent, details)
           SELECT 'user', gen_random_uuid(), ARRAY['investigator'], 'case.read', 'case', gen_random_uuid()::text, 'success', 'bench-' || g, '10.0.0.' || (g % 250), 'bench/1.0', jsonb_build_object('n', g)
             FROM generate_series($1::int + 1, $1::int + $2::int) g`,
          [done, Math.min(100_000, records - done)],
        );
      }
      const unsealed = async () => Number((await db.query<{ n: string }>('SELECT count(*) AS n FROM audit_unsealed')).rows[0].n);
      const generated = performance.now();
      let left = await unsealed();
      while (left > 0) {
        await new Promise((r) => setTimeout(r, 200));
        left = await unsealed();
      }
      const sealSeconds = (performance.now() - start) / 1000;
      const auditorToken = await (async () => {
        const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
        await createUser(ctx.casefile.base, admin, 'bench.auditor', 'bench-auditor-password-1', ['auditor']);
        return loginAs(ctx.casefile.base, 'bench.auditor', 'bench-auditor-password-1');
      })();
      const before = rssKb(ctx.casefilePid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssKb(ctx.casefilePid))), 50);
      const timings: number[] = [];
      let report = { valid: false, checked: 0 };
      for (let round = 0; round < ROUNDS; round++) {
        const t0 = performance.now();
        report = await json<{ valid: boolean; checked: number }>(await fetch(`${ctx.casefile.base}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${auditorToken}` } }));
        timings.push((performance.now() - t0) / 1000);
      }
      const verifySeconds = percentile(timings, 50);
      clearInterval(sampler);
      const none = { rps: NaN, p50: NaN, p99: NaN, errors: 0 };
      return [
        {
          scenario: `audit sealing while ${records.toLocaleString('en')} records are bulk-inserted`,
          casefile: { ...none, rps: records / sealSeconds },
          note: `${(records / sealSeconds).toFixed(0)} records/s from the first insert to an empty queue (${sealSeconds.toFixed(1)} s; backlog left when the inserts ended cleared in ${(sealSeconds - (generated - start) / 1000).toFixed(1)} s)`,
        },
        {
          scenario: `GET /api/v1/audit/verify over ${report.checked.toLocaleString('en')} records`,
          casefile: { ...none, errors: report.valid ? 0 : 1 },
          note: `median ${verifySeconds.toFixed(1)} s of ${ROUNDS} (${timings.map((s) => s.toFixed(1)).join(', ')}; target ≤ 10 s), valid=${report.valid}; RSS ${(before / 1024).toFixed(0)} → peak ${(peak / 1024).toFixed(0)} MiB`,
        },
      ];
    } finally {
      await db.end();
    }
  },
};

// ---- Issue 10: cases on generated data ----

interface CaseBench {
  investigator: string;
  investigatorId: string;
  supervisor: string;
  caseId: string;
  sizes: ReturnType<typeof caseDataSizes>;
}

let caseBench: Promise<CaseBench> | undefined;

/** Once per bench run, shared by the case scenarios: the two signed-in users and the generated data. */
function caseSetup(ctx: BenchContext): Promise<CaseBench> {
  caseBench ??= (async () => {
    const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
    await createUser(ctx.casefile.base, admin, 'bench.investigator', 'bench-investigator-password-1', ['investigator']);
    await createUser(ctx.casefile.base, admin, 'bench.supervisor', 'bench-supervisor-password-1', ['supervisor']);
    const investigator = await loginAs(ctx.casefile.base, 'bench.investigator', 'bench-investigator-password-1');
    const supervisor = await loginAs(ctx.casefile.base, 'bench.supervisor', 'bench-supervisor-password-1');
    const investigatorId = sessionHeaders(investigator)['x-user-id'];
    const sizes = caseDataSizes();
    process.stderr.write(`bench: generating ${JSON.stringify(sizes)}…\n`);
    const { seconds } = await generateCaseData(ctx.databaseUrl, sizes, investigatorId, (line) => process.stderr.write(`${line}\n`));
    process.stderr.write(`bench: case data generated in ${seconds.toFixed(1)} s\n`);
    const page = await json<{ data: { id: string }[] }>(await fetch(`${ctx.casefile.base}/api/v1/me/cases?limit=1`, { headers: { authorization: `Bearer ${investigator}` } }));
    return { investigator, investigatorId, supervisor, caseId: page.data[0].id, sizes };
  })();
  return caseBench;
}

/** Issue 10: GET /cases/:id at 50 connections (need-to-know, the row, its read audit record) beside the raw baseline. */
const caseRead: Scenario = {
  name: 'cases: GET /cases/:id',
  run: async (ctx) => {
    const bench = await caseSetup(ctx);
    const [casefile, baseline] = await alternate(
      ctx,
      { url: `${ctx.casefile.base}/api/v1/cases/${bench.caseId}`, connections: 50, headers: { authorization: `Bearer ${bench.investigator}` } },
      { url: `${ctx.baseline.base}/case?id=${bench.caseId}`, connections: 50, headers: sessionHeaders(bench.investigator) },
    );
    return [
      {
        scenario: `GET /api/v1/cases/:id (50 conns, member, read audited; ${bench.sizes.cases.toLocaleString('en')} cases)`,
        casefile,
        baseline,
        note: `target p99 ≤ 20 ms and ≥ 35% of baseline (session, membership, row, audit record); median of ${ROUNDS} alternating rounds`,
      },
    ];
  },
};

/** Issue 10: first pages of the lists, and their query plans on the generated data. */
const caseLists: Scenario = {
  name: 'cases: lists',
  run: async (ctx) => {
    const bench = await caseSetup(ctx);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    const investigatorList = await ctx.load({ url: `${ctx.casefile.base}/api/v1/cases`, headers: bearer(bench.investigator) });
    const supervisorList = await ctx.load({ url: `${ctx.casefile.base}/api/v1/cases`, headers: bearer(bench.supervisor) });
    const supervisorByNumber = await ctx.load({ url: `${ctx.casefile.base}/api/v1/cases?sort=number&status=active`, headers: bearer(bench.supervisor) });
    const myTasks = await ctx.load({ url: `${ctx.casefile.base}/api/v1/me/tasks`, headers: bearer(bench.investigator) });
    const supervisorId = sessionHeaders(bench.supervisor)['x-user-id'];
    const plans: [string, { text: string; values?: unknown[] }][] = [
      [`GET /cases, investigator on ${bench.sizes.investigatorCases} cases`, caseListStatement({ viewerId: bench.investigatorId, membersOnly: true, sort: 'activity' }, undefined, 26)],
      ['GET /cases, supervisor', caseListStatement({ viewerId: supervisorId, membersOnly: false, sort: 'activity' }, undefined, 26)],
      ['GET /cases?sort=number&status=active, supervisor', caseListStatement({ viewerId: supervisorId, membersOnly: false, sort: 'number', status: 'active' }, undefined, 26)],
      ['GET /cases?q=laptop farm, investigator', caseListStatement({ viewerId: bench.investigatorId, membersOnly: true, sort: 'activity', words: 'laptop farm' }, undefined, 26)],
      ['GET /me/tasks, investigator', myTasksStatement(bench.investigatorId, undefined, 26)],
    ];
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    try {
      for (const [title, statement] of plans) {
        const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`, statement.values);
        process.stdout.write(`\n#### ${title}\n\n\`\`\`\n${rows.map((r) => r['QUERY PLAN']).join('\n')}\n\`\`\`\n`);
      }
    } finally {
      await db.end();
    }
    const note = 'target p95 ≤ 20 ms (p99 shown); first page (25), read audited';
    return [
      { scenario: `GET /api/v1/cases, investigator on ${bench.sizes.investigatorCases} cases (10 conns)`, casefile: investigatorList, note },
      { scenario: `GET /api/v1/cases, supervisor (${bench.sizes.cases.toLocaleString('en')} cases, 10 conns)`, casefile: supervisorList, note },
      { scenario: 'GET /api/v1/cases?sort=number&status=active, supervisor (10 conns)', casefile: supervisorByNumber, note },
      { scenario: 'GET /api/v1/me/tasks, investigator (10 conns)', casefile: myTasks, note },
    ];
  },
};

/** Issue 10: 50 concurrent creates finish with 50 consecutive numbers. */
const caseCreates: Scenario = {
  name: 'cases: concurrent creates',
  run: async (ctx) => {
    const bench = await caseSetup(ctx);
    const start = performance.now();
    const latencies: number[] = [];
    const created = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const t0 = performance.now();
        const res = await fetch(`${ctx.casefile.base}/api/v1/cases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bench.investigator}` },
          body: JSON.stringify({ title: `Concurrent create ${i}`, sensitivity: 'restricted' }),
        });
        latencies.push(performance.now() - t0);
        return json<{ caseNumber: string }>(res);
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const seqs = created.map((c) => Number(c.caseNumber.split('-')[2])).sort((a, b) => a - b);
    const consecutive = new Set(seqs).size === 50 && seqs[49] - seqs[0] === 49;
    return [
      {
        scenario: '50 concurrent POST /api/v1/cases',
        casefile: { rps: 50 / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), errors: consecutive ? 0 : 1 },
        note: `${consecutive ? 'consecutive' : 'NOT consecutive'}: ${created[0] ? `${seqs[0]}…${seqs[49]}` : ''} in ${seconds.toFixed(2)} s`,
      },
    ];
  },
};

/**
 * Issue 11: the entity registry at scale (sizes by BENCH_REGISTRY_*; see registry-data.ts): fuzzy name search,
 * exact selector lookup by another spelling, and a 2-hop graph from a well-connected subject, each at 10
 * connections beside the raw baseline running the same SQL. Prints the EXPLAIN plans to stderr.
 */
const registry: Scenario = {
  name: 'registry',
  run: async (ctx) => {
    const sizes = registrySizes();
    const seconds = await generateRegistry(ctx.databaseUrl, sizes, (line) => process.stderr.write(`bench: ${line}\n`));
    const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
    await createUser(ctx.casefile.base, admin, 'bench.analyst', 'bench-analyst-password-1', ['analyst']);
    const token = await loginAs(ctx.casefile.base, 'bench.analyst', 'bench-analyst-password-1');
    const bearer = { authorization: `Bearer ${token}` };
    const raw = sessionHeaders(token);
    const hub = benchId('s', 1);
    const q = encodeURIComponent('Jong Song-hwa');
    const phone = encodeURIComponent('(202) 456-1111');
    const check = async (url: string, headers: Record<string, string>): Promise<unknown> => json(await fetch(url, { headers }));
    const sample = (await check(`${ctx.casefile.base}/api/v1/search?q=${q}&types=subject,organization,selector`, bearer)) as { data: { id: string; why: string }[] };
    const graph = (await check(`${ctx.casefile.base}/api/v1/graph?root=subject:${hub}&depth=2`, bearer)) as { nodes: unknown[]; edges: unknown[]; truncated: boolean };
    const found = (await check(`${ctx.casefile.base}/api/v1/selectors?value=${phone}`, bearer)) as { data: unknown[] };
    const plans = [
      ['fuzzy subject name search', SUBJECT_NAME_SEARCH_SQL, ['Jong Song-hwa', 20]],
      ['fuzzy organization name search', ORGANIZATION_NAME_SEARCH_SQL, ['Jong Song-hwa', 20]],
      ['selector by any spelling', SELECTOR_BY_VALUES_SQL, [interpretSelector('(202) 456-1111').map((r) => r.kind), interpretSelector('(202) 456-1111').map((r) => r.normalizedValue)]],
      ['2-hop graph', GRAPH_SQL, [hub, 2, null, 500, 2000, 'subject']],
    ] as const;
    for (const [label, sql, values] of plans) process.stderr.write(`\nbench: EXPLAIN ${label}\n${await explain(ctx.databaseUrl, sql, [...values])}\n`);
    const [search, searchRaw, lookup, lookupRaw, walk, walkRaw] = await alternate(
      ctx,
      { url: `${ctx.casefile.base}/api/v1/search?q=${q}`, headers: bearer },
      { url: `${ctx.baseline.base}/registry/search?q=${q}`, headers: raw },
      { url: `${ctx.casefile.base}/api/v1/selectors?value=${phone}`, headers: bearer },
      { url: `${ctx.baseline.base}/registry/selector?value=${phone}`, headers: raw },
      { url: `${ctx.casefile.base}/api/v1/graph?root=subject:${hub}&depth=2`, headers: bearer },
      { url: `${ctx.baseline.base}/registry/graph?root=${hub}&depth=2`, headers: raw },
    );
    const size = `${sizes.subjects.toLocaleString('en')} subjects ×4 names, ${sizes.organizations.toLocaleString('en')} orgs, ${sizes.selectors.toLocaleString('en')} selectors, ${sizes.links.toLocaleString('en')} links, generated in ${seconds.toFixed(0)} s`;
    return [
      { scenario: 'GET /api/v1/search?q=Jong Song-hwa (10 conns)', casefile: search, baseline: searchRaw, note: `target p95 ≤ 50 ms; ${size}; first hit: ${sample.data[0]?.why ?? 'none'}` },
      { scenario: 'GET /api/v1/selectors?value=(202) 456-1111 (10 conns)', casefile: lookup, baseline: lookupRaw, note: `target p95 ≤ 5 ms; found ${found.data.length}` },
      { scenario: 'GET /api/v1/graph?depth=2 from the hub (10 conns)', casefile: walk, baseline: walkRaw, note: `target p95 ≤ 50 ms; ${graph.nodes.length} nodes, ${graph.edges.length} edges, truncated=${graph.truncated}` },
    ];
  },
};


/** Streams `chunks` as the body of a request; resolves with the status and the response text. */
function streamRequest(url: string, headers: Record<string, string | number>, body: Readable): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    body.on('error', reject).pipe(req);
  });
}

/** Samples the service's resident memory every 50 ms while `work` runs: the growth over the start, in MiB. */
async function peakRssGrowth<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growthMiB: number; beforeMiB: number }> {
  const before = rssKb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssKb(pid))), 50);
  try {
    const result = await work();
    return { result, growthMiB: (peak - before) / 1024, beforeMiB: before / 1024 };
  } finally {
    clearInterval(sampler);
  }
}

/**
 * Issue 14: upload and download of one large file (BENCH_EVIDENCE_BYTES, default 1 GiB) through the API —
 * throughput each way and the service's peak RSS growth (nothing may be buffered whole) — beside the raw cost
 * of the same work in this process: SHA-256 of the file (`sha256sum`) and SHA-256 plus AES-256-GCM over it
 * (`openssl enc -aes-256-gcm`), read from disk as the service reads the upload.
 */
const evidenceLargeFile: Scenario = {
  name: 'evidence: large file',
  run: async (ctx) => {
    const size = Number(process.env.BENCH_EVIDENCE_BYTES ?? 1024 ** 3);
    const MB = 1e6;
    const dir = mkdtempSync(join(tmpdir(), 'casefile-bench-evidence-'));
    const path = join(dir, 'evidence.bin');
    try {
      // A file of random bytes, written in 8 MiB chunks.
      const chunk = Buffer.alloc(8 * 1024 * 1024);
      writeFileSync(path, '');
      for (let written = 0; written < size; written += chunk.length) {
        randomFillSync(chunk);
        writeFileSync(path, chunk.subarray(0, Math.min(chunk.length, size - written)), { flag: 'a' });
      }
      const raw = async (encrypt: boolean): Promise<number> => {
        const start = performance.now();
        const hash = createHash('sha256');
        const cipher = encrypt ? createCipheriv('aes-256-gcm', randomBytes(32), randomBytes(12)) : undefined;
        for await (const c of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
          hash.update(c as Buffer);
          cipher?.update(c as Buffer);
        }
        hash.digest();
        cipher?.final();
        return size / MB / ((performance.now() - start) / 1000);
      };
      const hashOnly = await raw(false);
      const hashAndEncrypt = await raw(true);
      const expected = createHash('sha256');
      for await (const c of createReadStream(path)) expected.update(c as Buffer);
      const digest = expected.digest();

      const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
      await createUser(ctx.casefile.base, admin, 'bench.evidence', 'bench-evidence-password-1', ['investigator']);
      const token = await loginAs(ctx.casefile.base, 'bench.evidence', 'bench-evidence-password-1');
      const kase = await json<{ id: string }>(
        await fetch(`${ctx.casefile.base}/api/v1/cases`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ title: 'Bench evidence', sensitivity: 'restricted' }) }),
      );

      const boundary = `----bench${randomUUID()}`;
      const metadata = JSON.stringify({ kind: 'digital_file', description: 'Benchmark file', collectedAt: new Date().toISOString(), collectedBy: 'bench' });
      const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${metadata}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const body = Readable.from(
        (async function* () {
          yield head;
          for await (const c of createReadStream(path, { highWaterMark: 1024 * 1024 })) yield c as Buffer;
          yield tail;
        })(),
      );
      const upStart = performance.now();
      const up = await peakRssGrowth(ctx.casefilePid, () =>
        streamRequest(
          `${ctx.casefile.base}/api/v1/cases/${kase.id}/evidence`,
          { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + size + tail.length, 'repr-digest': `sha-256=:${digest.toString('base64')}:` },
          body,
        ),
      );
      const upSeconds = (performance.now() - upStart) / 1000;
      if (up.result.status !== 201) throw new Error(`upload: ${up.result.status} ${up.result.text}`);
      const item = JSON.parse(up.result.text) as { id: string };

      const downStart = performance.now();
      const down = await peakRssGrowth(ctx.casefilePid, async () => {
        const res = await fetch(`${ctx.casefile.base}/api/v1/evidence/${item.id}/content`, { headers: { authorization: `Bearer ${token}` } });
        if (res.status !== 200 || !res.body) throw new Error(`download: ${res.status}`);
        const hash = createHash('sha256');
        let received = 0;
        for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) {
          hash.update(c);
          received += c.length;
        }
        return { intact: received === size && hash.digest().equals(digest) };
      });
      const downSeconds = (performance.now() - downStart) / 1000;
      const upMBs = size / MB / upSeconds;
      const downMBs = size / MB / downSeconds;

      // The raw baseline over HTTP: the same bytes through SHA-256 and one AES-256-GCM stream to disk (fsynced)
      // and back, by a bare node:http server — no multipart, segments, framework, database or audit.
      const rawUpStart = performance.now();
      const rawUp = await streamRequest(`${ctx.baseline.base}/upload`, { 'content-length': size, 'content-type': 'application/octet-stream' }, createReadStream(path, { highWaterMark: 1024 * 1024 }));
      const rawUpMBs = size / MB / ((performance.now() - rawUpStart) / 1000);
      const rawId = (JSON.parse(rawUp.text) as { id: string }).id;
      const rawDownStart = performance.now();
      const rawRes = await fetch(`${ctx.baseline.base}/download?id=${rawId}`);
      let rawReceived = 0;
      for await (const c of rawRes.body as unknown as AsyncIterable<Uint8Array>) rawReceived += c.length;
      const rawDownMBs = size / MB / ((performance.now() - rawDownStart) / 1000);
      if (rawUp.status !== 201 || rawReceived !== size) throw new Error(`raw baseline upload/download: ${rawUp.status}, ${rawReceived} bytes`);
      const mib = (size / 1024 ** 2).toFixed(0);
      const stored = statSync(path).size === size;
      const row = (mbs: number): LoadResult => ({ rps: mbs, p50: NaN, p99: NaN, errors: 0 });
      return [
        {
          scenario: `evidence upload, ${mib} MiB (MB/s in the req/s columns)`,
          casefile: { ...row(upMBs), errors: stored ? 0 : 1 },
          baseline: row(rawUpMBs),
          note: `target ≥ 150 MB/s; service RSS ${up.beforeMiB.toFixed(0)} MiB, peak growth ${up.growthMiB.toFixed(1)} MiB (target ≤ 64); baseline: raw HTTP body → SHA-256 + AES-256-GCM → file, fsynced; in-process, no HTTP or disk: SHA-256 + AES-256-GCM ${hashAndEncrypt.toFixed(0)} MB/s, SHA-256 alone ${hashOnly.toFixed(0)} MB/s`,
        },
        {
          scenario: `evidence download, ${mib} MiB (MB/s in the req/s columns)`,
          casefile: { ...row(downMBs), errors: down.result.intact ? 0 : 1 },
          baseline: row(rawDownMBs),
          note: `target ≥ 150 MB/s; peak RSS growth ${down.growthMiB.toFixed(1)} MiB (target ≤ 64); body ${down.result.intact ? 'intact (SHA-256 matches)' : 'NOT intact'}; baseline: raw HTTP file → AES-256-GCM decrypt → response`,
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** Runs `work` with the process `pid` stopped (SIGSTOP), and continues it (SIGCONT) whatever happens. */
async function paused<T>(pid: number, work: () => Promise<T>): Promise<T> {
  process.kill(pid, 'SIGSTOP');
  try {
    return await work();
  } finally {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // It has ended: what went wrong is the error `work` threw, or the next request's.
    }
  }
}

/**
 * Issue 12: tip intake at 50 connections with everything on (API key, validation, Idempotency-Key, tipster
 * encryption and HMAC, extraction, matching against whatever registry is loaded — the `registry` scenario's
 * 1,000,000 selectors when it ran first — duplicate check, audit) beside the raw baseline doing the same
 * inserts; then the triage queue's first page over BENCH_TIPS (default 1,000,000) generated tips.
 */
const tips: Scenario = {
  name: 'tips',
  run: async (ctx) => {
    const admin = await loginAs(ctx.casefile.base, 'admin', ctx.adminPassword);
    const integration = await json<{ id: string; apiKey: string }>(
      await fetch(`${ctx.casefile.base}/api/v1/integrations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: JSON.stringify({ name: 'bench intake' }),
      }),
    );
    const submit = (base: string, headers: Record<string, string>): autocannon.Options => ({
      url: base,
      method: 'POST',
      connections: 50,
      headers: { 'content-type': 'application/json', ...headers },
      requests: [
        {
          setupRequest: (req: autocannon.Request) => ({
            ...req,
            headers: { ...req.headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify({
              channel: 'web_form',
              narrative: benchNarrative(),
              tipster: { name: 'Bench Tipster', email: `bench.${randomUUID().slice(0, 8)}@example.net` },
            }),
          }),
        },
      ],
    });
    // Rounds alternate as in alternate(), but each waits for the matching queue to empty before the next starts,
    // so neither side pays for the other's matching; the Casefile side's matching is measured from intake to
    // candidates (updated_at − received_at of the tips it received) and as tips matched per second of the round
    // and its drain together. The raw round runs with the Casefile service stopped (SIGSTOP): the baseline's tips
    // are queued too, and the service's worker would match them on the same two cores while the baseline is being
    // measured (a third of the baseline's throughput, measured). The service matches them once it continues.
    const db = new Client({ connectionString: ctx.databaseUrl });
    await db.connect();
    const drained = async (): Promise<number> => {
      const start = performance.now();
      // The matching queue, and the audit records the service seals (the baseline's too: a round measures its own).
      const waiting = `SELECT (SELECT count(*) FROM tip_match_queue) + (SELECT count(*) FROM audit_unsealed) AS n`;
      while (Number((await db.query<{ n: string }>(waiting)).rows[0].n) > 0) await new Promise((r) => setTimeout(r, 50));
      return (performance.now() - start) / 1000;
    };
    const rounds: { casefile: LoadResult; baseline: LoadResult; matchP95: number; matchP99: number; matchedPerSecond: number }[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const since = (await db.query<{ now: Date }>('SELECT clock_timestamp() AS now')).rows[0].now;
        const started = performance.now();
        const casefile = await ctx.load(submit(`${ctx.casefile.base}/api/v1/intake/tips`, { 'x-api-key': integration.apiKey }));
        const loadSeconds = (performance.now() - started) / 1000;
        const drainSeconds = await drained();
        const { rows } = await db.query<{ n: string; p95: number; p99: number }>(
          `SELECT count(*) AS n, percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - received_at)) AS p95,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM updated_at - received_at)) AS p99
             FROM tip WHERE received_at >= $1 AND integration_id = $2`,
          [since, integration.id],
        );
        const baseline = await paused(ctx.casefilePid, () => ctx.load(submit(`${ctx.baseline.base}/tips`, { 'x-integration-id': integration.id })));
        await drained();
        rounds.push({ casefile, baseline, matchP95: rows[0].p95 * 1000, matchP99: rows[0].p99 * 1000, matchedPerSecond: Number(rows[0].n) / (loadSeconds + drainSeconds) });
      }
    } finally {
      await db.end();
    }
    const median = <T>(xs: T[], by: (x: T) => number): T => [...xs].sort((a, b) => by(a) - by(b))[Math.floor(xs.length / 2)];
    const { casefile: intake, matchP95, matchP99, matchedPerSecond } = median(rounds, (r) => r.casefile.rps);
    const intakeRaw = median(rounds, (r) => r.baseline.rps).baseline;
    const sample = await json<{ reference: string }>(
      await fetch(`${ctx.casefile.base}/api/v1/intake/tips`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': integration.apiKey, 'idempotency-key': randomUUID() },
        body: JSON.stringify({ channel: 'web_form', narrative: benchNarrative(), tipster: { anonymous: true } }),
      }),
    );

    const n = tipCount();
    const seconds = await generateTips(ctx.databaseUrl, n, integration.id, (line) =>
      process.stderr.write(`bench: ${line}
`),
    );
    await createUser(ctx.casefile.base, admin, 'bench.intake', 'bench-intake-password-1', ['intake']);
    const token = await loginAs(ctx.casefile.base, 'bench.intake', 'bench-intake-password-1');
    const viewer = { userId: JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sub as string, seesAll: false, triage: true };
    const statement = tipQueueStatement(viewer, {}, undefined, 26);
    process.stderr.write(`\nbench: EXPLAIN tip queue, first page\n${await explain(ctx.databaseUrl, statement.text, statement.values ?? [])}\n`);
    const [queue, queueRaw] = await alternate(
      ctx,
      { url: `${ctx.casefile.base}/api/v1/tips?limit=25`, headers: { authorization: `Bearer ${token}` } },
      { url: `${ctx.baseline.base}/tips-queue`, headers: sessionHeaders(token) },
    );
    return [
      {
        scenario: 'POST /api/v1/intake/tips (50 conns, everything on)',
        casefile: intake,
        baseline: intakeRaw,
        note: `target ≥ 1,000 tips/s, p99 ≤ 100 ms; matched in the background: intake → candidates p95 ${matchP95.toFixed(0)} ms, p99 ${matchP99.toFixed(0)} ms (target p95 ≤ 2,000), ${matchedPerSecond.toFixed(0)} tips matched/s over the round and its drain; median of ${ROUNDS} rounds; sample ${sample.reference}`,
      },
      {
        scenario: 'GET /api/v1/tips first page (10 conns)',
        casefile: queue,
        baseline: queueRaw,
        note: `target p95 ≤ 20 ms (p97.5 ${queue.p97_5?.toFixed(1) ?? '-'} ms, baseline ${queueRaw.p97_5?.toFixed(1) ?? '-'} ms); ${n.toLocaleString('en')} tips generated in ${seconds.toFixed(0)} s`,
      },
    ];
  },
};

export const scenarios: Scenario[] = [liveness, me, loginBurst, audited, sealAndVerify, caseRead, caseLists, caseCreates, registry, evidenceLargeFile, tips];
