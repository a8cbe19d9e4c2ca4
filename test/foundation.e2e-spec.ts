import { Client } from 'pg';
import { pendingSchemaChanges } from '../src/database/migration.cli';
import { probeState, withProbe } from './support/probe.module';
import { createTestApp, TestApp } from './support/test-app';
import { databaseNameOf, withAdmin } from './support/test-database';

const PROBLEM = /^application\/problem\+json/;

describe('foundation: HTTP conventions, errors and operations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ wrapModule: withProbe, env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('operations', () => {
    it('answers live and ready', async () => {
      expect((await t.http().get('/health/live').expect(200)).body).toEqual({ status: 'ok' });
      expect((await t.http().get('/health/ready').expect(200)).body).toEqual({ ready: true, checks: { database: 'up', migrations: 'applied' } });
    });

    it('exposes Prometheus metrics with request counts and latency by route', async () => {
      await t.http().get('/health/live').expect(200);
      const res = await t.http().get('/metrics').expect(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.text).toMatch(/casefile_http_requests_total\{method="GET",route="\/health\/live",status="200"\} \d+/);
      expect(res.text).toContain('casefile_http_request_duration_seconds_bucket');
    });

    it('serves the OpenAPI document with both security schemes and the problem schema', async () => {
      const doc = (await t.http().get('/openapi.json').expect(200)).body as { components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> }; info: { description: string } };
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
      expect(doc.components.schemas.ProblemDetailsDto).toBeDefined();
      expect(doc.info.description).toContain('problem+json');
      const ui = await t.http().get('/docs').expect(200);
      expect(ui.text).toContain('swagger-ui');
      // The page's scripts and styles are served from this origin (the CSP allows 'self' only).
      for (const asset of [...ui.text.matchAll(/(?:src|href)="\.\/docs\/([^"]+)"/g)].map((m) => m[1])) {
        await t.http().get(`/docs/${asset}`).expect(200);
      }
      expect(ui.text).toMatch(/swagger-ui-init\.js/);
      // Every operation says who may call it: a security requirement, or none for the public ones.
      const paths = doc as unknown as { paths: Record<string, Record<string, { security?: unknown[] }>> };
      const publicOps = ['/health/live', '/health/ready', '/metrics', '/api/v1/auth/login', '/api/v1/auth/refresh', '/api/v1/auth/mfa/verify'];
      for (const [path, ops] of Object.entries(paths.paths).filter(([p]) => !p.includes('__probe'))) {
        for (const op of Object.values(ops)) expect([path, Boolean(op.security?.length)]).toEqual([path, !publicOps.includes(path)]);
      }
    });

    it('has entities and migrations that agree (no schema change pending)', async () => {
      expect(await pendingSchemaChanges(t.dataSource)).toEqual({ up: [], down: [] });
    });
  });

  describe('request id, caching and security headers', () => {
    it('keeps a sane X-Request-Id and puts it in the response and the log line', async () => {
      const res = await t.http().get('/health/live').set('X-Request-Id', 'client-req-42').expect(200);
      expect(res.headers['x-request-id']).toBe('client-req-42');
      expect(t.logs.some((l) => l.requestId === 'client-req-42' && l.msg === 'request completed')).toBe(true);
    });

    it('replaces an insane X-Request-Id with a generated one', async () => {
      const res = await t.http().get('/health/live').set('X-Request-Id', 'bad id with spaces <script>').expect(200);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('sends no-store and security headers on every response, errors included', async () => {
      for (const res of [await t.http().get('/health/live'), await t.http().get('/nope')]) {
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-request-id']).toBeTruthy();
      }
    });
  });

  describe('problem+json for every error', () => {
    const expectProblem = (res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, type: string): void => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: `urn:casefile:problem:${type}`, status, requestId: res.headers['x-request-id'] });
      expect(typeof res.body.detail).toBe('string');
      expect(typeof res.body.title).toBe('string');
      expect(res.body.instance).toMatch(/^\//);
    };

    it('404 for an unknown route', async () => {
      const res = await t.http().get('/api/v1/nothing-here?x=1');
      expectProblem(res, 404, 'not-found');
      expect(res.body.instance).toBe('/api/v1/nothing-here');
    });

    it('405 with Allow for a known path and the wrong method', async () => {
      const res = await t.http().delete('/health/ready');
      expectProblem(res, 405, 'method-not-allowed');
      expect(res.headers.allow).toContain('GET');
    });

    it('400 for malformed JSON', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'application/json').send('{"name": ');
      expectProblem(res, 400, 'bad-request');
      expect(res.body.detail).toMatch(/not valid JSON/);
    });

    it('413 for a body over the limit', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'application/json').send(JSON.stringify({ name: 'x'.repeat(5000) }));
      expectProblem(res, 413, 'content-too-large');
    });

    it('415 for a content type the API does not take', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'text/csv').send('name\nx');
      expectProblem(res, 415, 'unsupported-media-type');
      // text/plain too (Fastify parses it by default: it used to reach validation as a string, a 400)
      const plain = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'text/plain').send('{"name":"x"}');
      expectProblem(plain, 415, 'unsupported-media-type');
      for (const r of [res, plain]) expect(r.body.detail).toMatch(/accepts application\/json/);
    });

    it('400 with errors[] for a validation failure, naming each field', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').send({ name: 'y'.repeat(21), delayMs: 'soon' });
      expectProblem(res, 400, 'validation-failed');
      const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['name', 'delayMs']));
    });

    it('400 for an unknown field (no mass assignment)', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').send({ name: 'ok', role: 'admin' });
      expectProblem(res, 400, 'validation-failed');
      expect(res.body.errors).toEqual([{ field: 'role', message: 'is not an accepted field' }]);
    });

    it('500 without internals for an unexpected error, logged with its request id', async () => {
      const res = await t.http().get('/api/v1/__probe/boom');
      expectProblem(res, 500, 'internal');
      expect(JSON.stringify(res.body)).not.toMatch(/10\.0\.0\.7|password|casefile"|stack|Error/);
      expect(t.logs.some((l) => l.level === 'error' && l.requestId === res.headers['x-request-id'])).toBe(true);
    });

    it('refuses a credential in the URL and never logs it', async () => {
      const res = await t.http().get('/health/live?api_key=cfk_supersecretvalue123');
      expectProblem(res, 400, 'credential-in-url');
      expect(t.rawLogs()).not.toContain('supersecretvalue123');
      expect(t.rawLogs()).toContain('api_key=%5BREDACTED%5D');
    });

    it('never writes a password sent in a body to the log', async () => {
      await t.http().post('/api/v1/__probe/echo').send({ name: 'ok', password: 'correct-horse-battery-staple-77' }).expect(400);
      await t.http().post('/api/v1/__probe/echo').set('Authorization', 'Bearer abc.def.ghi-token-value').send({ name: 'fail', password: 'correct-horse-battery-staple-77' });
      expect(t.rawLogs()).not.toContain('correct-horse-battery-staple-77');
      expect(t.rawLogs()).not.toContain('ghi-token-value');
    });
  });

  describe('keyset pagination', () => {
    it('walks every item once with opaque cursors and ends with nextCursor null', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.http().get('/api/v1/__probe/items').query(cursor ? { limit: 3, cursor } : { limit: 3 }).expect(200);
        seen.push(...(res.body.data as { id: string }[]).map((i) => i.id));
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `item-0${i}`));
    });

    it('defaults to 25 and refuses a limit over 100, and a forged cursor', async () => {
      expect((await t.http().get('/api/v1/__probe/items').expect(200)).body.data).toHaveLength(7);
      expect((await t.http().get('/api/v1/__probe/items?limit=101').expect(400)).body.errors[0].field).toBe('limit');
      expect((await t.http().get('/api/v1/__probe/items?cursor=bm90LWEtY3Vyc29y').expect(400)).body.detail).toMatch(/cursor/);
    });
  });

  describe('optimistic concurrency with ETag / If-Match', () => {
    it('428 without If-Match, 412 when stale, and the new ETag on success', async () => {
      expect((await t.http().patch('/api/v1/__probe/versioned').expect(428)).body.type).toBe('urn:casefile:problem:precondition-required');
      const stale = await t.http().patch('/api/v1/__probe/versioned').set('If-Match', 'W/"1"').expect(412);
      expect(stale.headers.etag).toBe(`W/"${probeState.version}"`);
      const ok = await t.http().patch('/api/v1/__probe/versioned').set('If-Match', `W/"${probeState.version}"`).expect(200);
      expect(ok.headers.etag).toBe(`W/"${probeState.version}"`);
      expect((await t.http().patch('/api/v1/__probe/versioned').set('If-Match', 'yes please').expect(400)).body.detail).toMatch(/If-Match/);
    });
  });

  describe('Idempotency-Key', () => {
    const post = (key: string | undefined, body: object, principal = 'u-1') => {
      const req = t.http().post('/api/v1/__probe/echo').set('X-Test-Principal', principal);
      if (key) void req.set('Idempotency-Key', key);
      return req.send(body);
    };

    it('replays the first response for the same key and body, without running the handler again', async () => {
      const first = await post('key-a', { name: 'alpha' }).expect(201);
      const before = probeState.executions;
      const again = await post('key-a', { name: 'alpha' }).expect(201);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.headers.etag).toBe('W/"1"');
      expect(probeState.executions).toBe(before);
    });

    it('refuses the same key with another body (422)', async () => {
      await post('key-b', { name: 'beta' }).expect(201);
      const res = await post('key-b', { name: 'gamma' }).expect(422);
      expect(res.body.type).toBe('urn:casefile:problem:idempotency-key-reused');
    });

    it('answers 409 while the first request with the key is in flight', async () => {
      const slow = post('key-c', { name: 'slow', delayMs: 800 });
      const slowDone = slow.then((r) => r);
      await new Promise((r) => setTimeout(r, 200));
      const res = await post('key-c', { name: 'slow', delayMs: 800 }).expect(409);
      expect(res.body.type).toBe('urn:casefile:problem:idempotency-in-flight');
      expect((await slowDone).status).toBe(201);
    });

    it('scopes keys per principal', async () => {
      const a = await post('key-d', { name: 'delta' }, 'u-1').expect(201);
      const b = await post('key-d', { name: 'delta' }, 'u-2').expect(201);
      expect(b.body.execution).not.toBe(a.body.execution);
    });

    it('releases the key of a request that failed, so a retry runs', async () => {
      await post('key-e', { name: 'fail' }).expect(500);
      const rows: unknown[] = await t.dataSource.query(`SELECT 1 FROM idempotency_key WHERE key = 'key-e'`);
      expect(rows).toHaveLength(0);
    });

    it('requires a key where the route says so (400 naming the header)', async () => {
      const res = await t.http().post('/api/v1/__probe/strict').set('X-Test-Principal', 'u-1').send({ name: 'x' }).expect(400);
      expect(res.body.detail).toContain('Idempotency-Key');
      await t.http().post('/api/v1/__probe/strict').set('X-Test-Principal', 'u-1').set('Idempotency-Key', 'strict-1').send({ name: 'x' }).expect(201);
    });

    it('refuses a malformed key', async () => {
      await post('k'.repeat(256), { name: 'x' }).expect(400);
    });

    it('keeps keys at least 24 hours', async () => {
      await post('key-f', { name: 'phi' }).expect(201);
      const [row] = await t.dataSource.query<{ hours: number }[]>(`SELECT extract(epoch FROM expires_at - created_at) / 3600 AS hours FROM idempotency_key WHERE key = 'key-f'`);
      expect(Number(row.hours)).toBeGreaterThanOrEqual(24);
    });
  });

  describe('readiness during a database outage', () => {
    it('turns ready 503 while live stays 200, and recovers without a restart', async () => {
      const name = databaseNameOf(t.databaseUrl);
      const adminUrl = process.env.CASEFILE_TEST_ADMIN_URL!;
      await withAdmin(adminUrl, async (c: Client) => {
        await c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
        await c.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      });
      try {
        const down = await t.http().get('/health/ready').expect(503);
        expect(down.body).toEqual({ ready: false, checks: { database: 'down', migrations: 'unknown' } });
        await t.http().get('/health/live').expect(200);
      } finally {
        await withAdmin(adminUrl, (c: Client) => c.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`));
      }
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++) {
        status = (await t.http().get('/health/ready')).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 250));
      }
      expect(status).toBe(200);
    });
  });
});
