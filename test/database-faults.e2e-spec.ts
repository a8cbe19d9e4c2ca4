import { Client } from 'pg';
import { adminAuth, login } from './support/actors';
import { withProbe } from './support/probe.module';
import { aProxiedDatabase, TcpProxy } from './support/tcp-proxy';
import { createTestApp, TestApp } from './support/test-app';
import { createTestDatabase, databaseNameOf, withAdmin } from './support/test-database';

const PROBLEM = /^application\/problem\+json/;
const ACQUIRE_TIMEOUT_MS = 1_000;
const STATEMENT_TIMEOUT_MS = 3_000;

type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown> };

/** What a client sees of one request: status, problem type, Retry-After, and how long the answer took. */
interface Seen {
  what: string;
  status: number;
  type?: unknown;
  retryAfter?: string;
  ms: number;
}

/**
 * Database faults are a 503 problem with Retry-After within a bounded wait — never a 500, a 401 or a hang —
 * and the service recovers by itself. PostgreSQL sits behind a TCP proxy so it can be "killed" and
 * "frozen" for this app alone (the test PostgreSQL is shared by every test file).
 */
describe('database faults', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let adminUrl: string;
  let token: string;
  const seen: Seen[] = [];

  const timed = async (what: string, send: () => PromiseLike<Res>): Promise<Res & { ms: number }> => {
    const started = performance.now();
    const res = await send();
    const ms = Math.round(performance.now() - started);
    seen.push({ what, status: res.status, type: res.body?.type, retryAfter: res.headers['retry-after'], ms });
    return Object.assign(res, { ms });
  };

  const expect503 = (res: Res & { ms: number }, type: string, maxMs: number): void => {
    expect([res.status, res.body.type]).toEqual([503, `urn:casefile:problem:${type}`]);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    expect(JSON.stringify(res.body)).not.toMatch(/ECONN|127\.0\.0\.1|terminated|timeout exceeded|SELECT|pg_sleep/);
    expect(res.ms).toBeLessThan(maxMs);
  };

  /** Polls until `check` passes; returns how long it took. */
  const until = async (check: () => Promise<boolean>, timeoutMs = 15_000): Promise<number> => {
    const started = performance.now();
    while (!(await check())) {
      if (performance.now() - started > timeoutMs) throw new Error('did not recover in time');
      await new Promise((r) => setTimeout(r, 100));
    }
    return Math.round(performance.now() - started);
  };

  beforeAll(async () => {
    adminUrl = process.env.CASEFILE_TEST_ADMIN_URL!;
    let url: string;
    ({ db, proxy, url } = await aProxiedDatabase('dbfaults'));
    t = await createTestApp({
      wrapModule: withProbe,
      sharedDatabaseUrl: url,
      env: { DB_POOL_SIZE: '4', DB_POOL_ACQUIRE_TIMEOUT_MS: String(ACQUIRE_TIMEOUT_MS), DB_STATEMENT_TIMEOUT_MS: String(STATEMENT_TIMEOUT_MS) },
    });
    token = (await login(t, 'admin', 'bootstrap-admin-password-for-tests')).accessToken;
  });
  afterAll(async () => {
    proxy.thaw();
    await proxy.start().catch(() => undefined); // listening again if a test left it stopped
    await t.close();
    await proxy.stop();
    await db.drop();
    if (process.env.CASEFILE_REPORT_FAULTS)
      console.log(
        seen
          .map((s) => `${s.what.padEnd(48)} ${s.status} ${(typeof s.type === 'string' ? s.type : '').padEnd(45)} Retry-After=${s.retryAfter ?? '-'} ${s.ms} ms`)
          .join('\n'),
      );
  });

  it('answers a statement timeout with a 503 query-timeout', async () => {
    const res = await timed('statement over DB_STATEMENT_TIMEOUT_MS', () => t.http().get('/api/v1/__probe/db?sleepMs=5000'));
    expect503(res, 'query-timeout', STATEMENT_TIMEOUT_MS + 1_500);
  });

  it('answers 503 database-busy when no pooled connection comes free within DB_POOL_ACQUIRE_TIMEOUT_MS', async () => {
    const holders = Array.from({ length: 4 }, () =>
      t
        .http()
        .get('/api/v1/__probe/db?sleepMs=1800')
        .then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 300));
    const res = await timed('pool exhausted (size 4, 4 held)', () => t.http().get('/api/v1/__probe/db'));
    expect503(res, 'database-busy', ACQUIRE_TIMEOUT_MS + 1_500);
    expect(res.ms).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 100);
    expect(await Promise.all(holders)).toEqual([200, 200, 200, 200]);
  });

  it('answers 503 when the backend is terminated under a query (57P01), and the next request works', async () => {
    const pending = timed('backend terminated mid-query (57P01)', () => t.http().get('/api/v1/__probe/db?sleepMs=2500'));
    // Once the query runs, its backend is terminated from an admin connection.
    await until(() =>
      withAdmin(adminUrl, async (c: Client) => {
        const sql = `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep%' AND state = 'active'`;
        return (await c.query(sql, [databaseNameOf(db.url)])).rows.length > 0;
      }),
    );
    expect503(await pending, 'database-unavailable', 3_000);
    // The dead connection may be handed out once more before the pool notices (one more 503), no longer.
    await until(async () => (await t.http().get('/api/v1/__probe/db')).status === 200, 3_000);
  });

  it('answers 503 (not 500, not 401) within a bounded time while PostgreSQL is down, and recovers when it returns', async () => {
    await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await proxy.stop();
    try {
      expect503(await timed('down: query route', () => t.http().get('/api/v1/__probe/db')), 'database-unavailable', 2_000);
      expect503(
        await timed('down: GET /auth/me (valid token)', () => t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`)),
        'database-unavailable',
        2_000,
      );
      expect503(
        await timed('down: POST /auth/login', () =>
          t.http().post('/api/v1/auth/login').send({ username: 'admin', password: 'bootstrap-admin-password-for-tests' }),
        ),
        'database-unavailable',
        2_000,
      );
      expect503(
        await timed('down: POST /users (a write)', async () =>
          t
            .http()
            .post('/api/v1/users')
            .set('Authorization', `Bearer ${token}`)
            .send({ username: 'during.outage', displayName: 'x', password: 'violet-harbour-lantern-42', roles: ['analyst'] }),
        ),
        'database-unavailable',
        2_000,
      );
      const ready = await timed('down: GET /health/ready', () => t.http().get('/health/ready'));
      expect([ready.status, ready.body]).toEqual([503, { ready: false, checks: { database: 'down', migrations: 'unknown' } }]);
      await t.http().get('/health/live').expect(200);
    } finally {
      await proxy.start();
    }
    const recoveredMs = await until(async () => (await t.http().get('/api/v1/__probe/db')).status === 200);
    seen.push({ what: 'back: first 200 after PostgreSQL returned', status: 200, ms: recoveredMs });
    // The token still works: the outage answered 503, so the client kept it.
    await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await t.http().get('/health/ready').expect(200);
    expect(t.logs.filter((l) => l.msg === 'request completed' && l.statusCode === 500)).toEqual([]);
  });

  it('answers 503 within a bounded time while PostgreSQL is frozen, and recovers when it thaws', async () => {
    const admin = await adminAuth(t);
    proxy.freeze();
    try {
      const bound = STATEMENT_TIMEOUT_MS + 1_000 + ACQUIRE_TIMEOUT_MS + 1_500;
      const results = await Promise.all([
        timed('frozen: query route', () => t.http().get('/api/v1/__probe/db')),
        timed('frozen: GET /auth/me (valid token)', () => t.http().get('/api/v1/auth/me').set('Authorization', admin)),
        timed('frozen: query route (2)', () => t.http().get('/api/v1/__probe/db')),
      ]);
      for (const res of results) {
        expect(res.status).toBe(503);
        expect(String(res.body.type)).toMatch(/^urn:casefile:problem:(query-timeout|database-unavailable|database-busy)$/);
        expect(res.ms).toBeLessThan(bound);
      }
      const ready = await timed('frozen: GET /health/ready', () => t.http().get('/health/ready'));
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(2_500);
    } finally {
      proxy.thaw();
    }
    const recoveredMs = await until(async () => (await t.http().get('/api/v1/__probe/db')).status === 200);
    seen.push({ what: 'thawed: first 200', status: 200, ms: recoveredMs });
    await t.http().get('/api/v1/auth/me').set('Authorization', admin).expect(200);
  });
});
