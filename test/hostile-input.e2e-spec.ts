import { createHmac } from 'node:crypto';
import { AddressInfo, connect } from 'node:net';
import request from 'supertest';
import { rolesGrant, type Permission } from '../src/access/permissions';
import type { Role } from '../src/access/request-context';
import { adminAuth, ALL_ROLES, auditRecords, signedIn } from './support/actors';
import { withProbe } from './support/probe.module';
import { concrete, registeredRoutes, RouteInfo } from './support/routes';
import { createTestApp, TestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;

type Res = { status: number; headers: Record<string, string>; body: Record<string, unknown>; text: string };

/** A 400 problem+json naming `field` among its errors, with the request id. */
function expectFieldRefused(res: Res, field: string | RegExp): void {
  expect([res.status, res.text.slice(0, 300)]).toEqual([400, expect.any(String)]);
  expect(res.headers['content-type']).toMatch(PROBLEM);
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
  const fields = (res.body.errors as { field: string }[] | undefined)?.map((e) => e.field) ?? [];
  expect(fields).toEqual(expect.arrayContaining([typeof field === 'string' ? field : expect.stringMatching(field)]));
}

/** Sends raw bytes and collects everything the server writes until it closes (or a short while passes). */
function rawHttp(port: number, data: string, waitMs = 1500): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let out = '';
    const finish = (): void => {
      socket.destroy();
      const [head, ...rest] = out.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      let body = rest.join('\r\n\r\n');
      if (headers['transfer-encoding'] === 'chunked') body = body.replace(/^[0-9a-f]+\r\n/i, '').replace(/\r\n0\r\n\r\n$/, '');
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => {
      out += d.toString('utf8');
      const [head, ...rest] = out.split('\r\n\r\n');
      const length = /content-length:\s*(\d+)/i.exec(head)?.[1];
      if (length !== undefined && Buffer.byteLength(rest.join('\r\n\r\n')) >= Number(length)) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    socket.on('error', (e) => (out ? undefined : reject(e)));
  });
}

function sign(payload: object, secret: string): string {
  const enc = (o: object): string => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(payload)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

describe('hostile input at the seams', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  let admin: string;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ wrapModule: withProbe });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    routes = registeredRoutes(t);
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const deepObject = (levels: number): string => '{"a":'.repeat(levels) + '1' + '}'.repeat(levels);
  const deepArray = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

  describe('strings: NUL characters and lone surrogates (a 400 naming the field, never a 500)', () => {
    it('refuses a NUL in the login username, and still records the refused sign-in', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"username":"a\\u0000b","password":"whatever-password"}');
      expectFieldRefused(res, 'username');
      expect((res.body.errors as { message: string }[])[0].message).toMatch(/NUL/);
      const [record] = await auditRecords(t, { action: 'auth.login.failed', requestId: res.headers['x-request-id'] });
      expect(record).toMatchObject({ outcome: 'denied', actor_kind: 'anonymous' });
      expect(record.details).toMatchObject({ reason: 'invalid request', fields: ['username'] });
      expect(record.details.username).toBeUndefined();
    });

    it('refuses a lone surrogate in the login username, and records the attempt', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"username":"a\\ud800","password":"whatever-password"}');
      expectFieldRefused(res, 'username');
      expect((res.body.errors as { message: string }[])[0].message).toMatch(/surrogate/);
      expect(await auditRecords(t, { action: 'auth.login.failed', requestId: res.headers['x-request-id'] })).toHaveLength(1);
    });

    it('refuses a NUL in a form-encoded login too', async () => {
      const res = await t
        .http()
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('username=a%00b&password=whatever-password');
      expectFieldRefused(res, 'username');
    });

    it('refuses a NUL in a query string (GET /audit?resourceType=%00)', async () => {
      const auditor = await signedIn(t, ['auditor']);
      expectFieldRefused(await t.http().get('/api/v1/audit?resourceType=%00').set('Authorization', auditor.auth), 'resourceType');
      expectFieldRefused(await t.http().get('/api/v1/audit?resourceId=x%00y').set('Authorization', auditor.auth), 'resourceId');
    });

    it('refuses a lone surrogate in strings that reach an audit record (display name, disable reason)', async () => {
      const user = await signedIn(t, ['analyst']);
      expectFieldRefused(
        await t
          .http()
          .patch(`/api/v1/users/${user.id}`)
          .set('Authorization', admin)
          .set('If-Match', 'W/"1"')
          .set('Content-Type', 'application/json')
          .send('{"displayName":"Ana \\udc00"}'),
        'displayName',
      );
      expectFieldRefused(
        await t
          .http()
          .post(`/api/v1/users/${user.id}/disable`)
          .set('Authorization', admin)
          .set('Content-Type', 'application/json')
          .send('{"reason":"left \\ud83d"}'),
        'reason',
      );
      // A well-formed pair (an emoji) is fine.
      await t.http().patch(`/api/v1/users/${user.id}`).set('Authorization', admin).set('If-Match', 'W/"1"').send({ displayName: 'Ana 🛰' }).expect(200);
    });

    it('refuses a key with a NUL, naming it escaped', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'application/json').send('{"name":"ok","x\\u0000y":1}');
      expectFieldRefused(res, 'x\\u0000y');
    });

    it('refuses a NUL nested deep in a body, naming its path', async () => {
      const res = await t
        .http()
        .post('/api/v1/users')
        .set('Authorization', admin)
        .set('Content-Type', 'application/json')
        .send('{"username":"nul.roles","displayName":"x","password":"violet-harbour-lantern-42","roles":["analyst","a\\u0000"]}');
      expectFieldRefused(res, 'roles.1');
    });
  });

  describe('deep nesting (refused by the body parser, on every body route)', () => {
    it('refuses objects nested 5,000 deep and arrays 100,000 deep on the login route', async () => {
      for (const body of [deepObject(5_000), deepArray(100_000)]) {
        const res = await t.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send(body);
        expectFieldRefused(res, /^(a\.){63}a$|^(0\.){63}0$/);
        expect(res.body.detail).toMatch(/deeper than 64/);
      }
    });

    it('refuses deep JSON on every route that takes a body, before anything else runs', async () => {
      const bodyRoutes = routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method));
      expect(bodyRoutes.length).toBeGreaterThan(10);
      for (const route of bodyRoutes) {
        const res = await t
          .http()
          [route.method.toLowerCase() as 'post' | 'put' | 'patch'](concrete(route.path))
          .set('Content-Type', 'application/json')
          .send(deepArray(100_000));
        // Tip intake has its own, smaller body limit (128 KiB): this 200 KB body is refused for its size first.
        const refusedAs = route.path === '/api/v1/intake/tips' ? 413 : 400;
        expect([route.path, res.status, res.headers['content-type']]).toEqual([route.path, refusedAs, expect.stringMatching(PROBLEM)]);
      }
    });

    it('accepts 64 levels (the limit), refuses 65', async () => {
      const nested = (levels: number): string => '{"name":"ok","extra":' + '['.repeat(levels - 1) + ']'.repeat(levels - 1) + '}';
      const atLimit = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'application/json').send(nested(64));
      expect(atLimit.status).toBe(400);
      expect(atLimit.body.errors).toEqual([{ field: 'extra', message: 'is not an accepted field' }]);
      const over = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'application/json').send(nested(65));
      expect(over.body.detail).toMatch(/deeper than 64/);
    });

    it('still answers malformed JSON with the usual 400', async () => {
      const res = await t.http().post('/api/v1/__probe/echo').set('Content-Type', 'application/json').send('['.repeat(200));
      expect(res.status).toBe(400);
      expect(res.body.detail).toMatch(/not valid JSON/);
    });
  });

  describe('null for a field', () => {
    it('refuses {"displayName": null} on PATCH /users/:id with a 400 naming the field', async () => {
      const user = await signedIn(t, ['analyst']);
      for (const field of ['displayName', 'roles']) {
        const res = await t
          .http()
          .patch(`/api/v1/users/${user.id}`)
          .set('Authorization', admin)
          .set('If-Match', 'W/"1"')
          .send({ [field]: null });
        expectFieldRefused(res, field);
      }
      expect((await t.http().get(`/api/v1/users/${user.id}`).set('Authorization', admin).expect(200)).body.displayName).toBe(user.username);
    });

    it('refuses null for an optional field of any body (disable reason)', async () => {
      const user = await signedIn(t, ['analyst']);
      expectFieldRefused(await t.http().post(`/api/v1/users/${user.id}/disable`).set('Authorization', admin).send({ reason: null }), 'reason');
    });
  });

  describe('dates in queries (one shared validator: strict ISO 8601, years 0001–9999)', () => {
    it('refuses dates PostgreSQL cannot store, and absurd ones, naming the parameter', async () => {
      const auditor = await signedIn(t, ['auditor']);
      for (const q of [
        'from=-004713-01-01T00:00:00Z',
        'from=%2B275760-09-13T00:00:00Z',
        'to=-000001-01-01T00:00:00Z',
        'from=1',
        'from=2024-02-30',
        'to=2024-12-12T25:00:00Z',
        'from=2024-12-12T10:00:00',
        'from=0000-12-31T23:00:00Z',
      ]) {
        const res = await t.http().get(`/api/v1/audit?${q}`).set('Authorization', auditor.auth);
        expectFieldRefused(res, q.split('=')[0]);
      }
    });

    it('takes ISO 8601 dates and date-times with their offset', async () => {
      const auditor = await signedIn(t, ['auditor']);
      for (const q of [
        'from=2024-12-12',
        'from=2024-12-12T10:00:00Z',
        'to=2999-01-01T00:00:00.123456%2B05:30',
        'from=0001-01-01T00:00:00Z&to=9999-12-31T23:59:59Z',
      ]) {
        await t.http().get(`/api/v1/audit?${q}`).set('Authorization', auditor.auth).expect(200);
      }
      const future = new Date(Date.now() + 3_600_000).toISOString();
      expect((await t.http().get(`/api/v1/audit?from=${future}`).set('Authorization', auditor.auth).expect(200)).body.data).toEqual([]);
    });
  });

  describe('credentials in the URL under any name', () => {
    const names = [
      'x-api-key',
      'X_API_KEY',
      'apiKey',
      'api.key',
      'accessToken',
      'access_token',
      'refreshToken',
      'id_token',
      'client_secret',
      'clientSecret',
      'bearer',
      'password',
      'passwd',
      'jwt',
      'session',
      'sessionId',
      'auth',
      'Authorization',
      'secret',
      'token',
      'key',
    ];

    it('refuses each with a 400 problem naming it, and masks its value in the log line', async () => {
      for (const [i, name] of names.entries()) {
        const value = `planted-credential-${i}-zq`;
        const res = await t.http().get(`/api/v1/auth/me?${encodeURIComponent(name)}=${value}`);
        expect([name, res.status, res.body.type]).toEqual([name, 400, 'urn:casefile:problem:credential-in-url']);
        expect(res.body.detail).toContain(name);
        const line = t.logs.find((l) => l.requestId === res.headers['x-request-id'] && l.msg === 'request completed');
        expect(line?.url).toContain('%5BREDACTED%5D');
      }
      expect(t.rawLogs()).not.toMatch(/planted-credential-\d+-zq/);
    });
  });

  describe('unknown query parameters (refused on every route, as unknown body fields are)', () => {
    it('answers GET /auth/me?foo=bar with a 400 naming foo', async () => {
      const user = await signedIn(t, ['analyst']);
      const res = await t.http().get('/api/v1/auth/me?foo=bar').set('Authorization', user.auth);
      expectFieldRefused(res, 'foo');
      expect(res.body.detail).toMatch(/takes no query parameters/);
    });

    it('refuses an unknown parameter on every route, whoever calls', async () => {
      // Anonymous first: routes without a query DTO refuse before authentication. A route with one refuses in
      // its validation pipe, after authentication: it is called again by a role that may call it.
      const signedInAs: Partial<Record<Role, string>> = { admin };
      const tokenFor = async (permission: Permission): Promise<string> => {
        const role = ALL_ROLES.find((r) => rolesGrant([r], permission))!;
        signedInAs[role] ??= (await signedIn(t, [role])).auth;
        return signedInAs[role];
      };
      const send = (route: RouteInfo, authorization?: string): request.Test => {
        const url = `${concrete(route.path)}?zzUnknown=1`;
        const agent = t.http();
        const req =
          route.method === 'GET'
            ? agent.get(url)
            : route.method === 'POST'
              ? agent.post(url)
              : route.method === 'PATCH'
                ? agent.patch(url)
                : route.method === 'PUT'
                  ? agent.put(url)
                  : agent.delete(url);
        return authorization ? req.set('Authorization', authorization) : req;
      };
      for (const route of routes) {
        const key = `${route.method} ${route.path}`;
        let res = await send(route);
        if (res.status === 401 && route.rule && route.rule.principal === 'user') res = await send(route, await tokenFor(route.rule.permission));
        expect([key, res.status]).toEqual([key, 400]);
        // (with the required parameters it lacks, on a route that has some)
        expect([key, (res.body.errors as { field: string }[] | undefined)?.map((e) => e.field)]).toEqual([key, expect.arrayContaining(['zzUnknown'])]);
      }
    });

    it('still takes the parameters a route declares', async () => {
      await t.http().get('/api/v1/users?limit=2').set('Authorization', admin).expect(200);
      await t.http().get('/api/v1/__probe/items?limit=2').expect(200);
      await t.http().get('/health/live').expect(200);
    });
  });

  describe('bearer tokens', () => {
    it('refuses "Bearer <token> <token>" and any other header than exactly one token', async () => {
      const user = await signedIn(t, ['analyst']);
      await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200);
      for (const header of [
        `${user.auth} ${user.accessToken}`,
        `${user.auth},${user.accessToken}`,
        `Bearer  ${user.accessToken}`,
        `Bearer ${user.accessToken}.x`,
        `Bearer`,
        `Token ${user.accessToken}`,
      ]) {
        const res = await t.http().get('/api/v1/auth/me').set('Authorization', header);
        expect([header.slice(0, 12), res.status, res.headers['content-type']]).toEqual([header.slice(0, 12), 401, expect.stringMatching(PROBLEM)]);
      }
    });

    it('refuses a correctly signed access token without exp, iat, sub or sid', async () => {
      const user = await signedIn(t, ['analyst']);
      const claims = JSON.parse(Buffer.from(user.accessToken.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
      const secret = t.config.secrets.jwtSecret;
      // The same claims re-signed are accepted (so the refusals below are about the missing claim alone).
      await t
        .http()
        .get('/api/v1/auth/me')
        .set('Authorization', `Bearer ${sign(claims, secret)}`)
        .expect(200);
      for (const missing of ['exp', 'iat', 'sub', 'sid']) {
        const { [missing]: _dropped, ...rest } = claims;
        const res = await t
          .http()
          .get('/api/v1/auth/me')
          .set('Authorization', `Bearer ${sign(rest, secret)}`);
        expect([missing, res.status]).toEqual([missing, 401]);
      }
      // Nor one that lives longer than Casefile issues them.
      const long = sign({ ...claims, exp: Number(claims.iat) + 24 * 3600 }, secret);
      await t.http().get('/api/v1/auth/me').set('Authorization', `Bearer ${long}`).expect(401);
    });
  });

  describe('errors outside the application are problem+json with a request id', () => {
    const expectRawProblem = (res: { status: number; headers: Record<string, string>; body: string }, status: number): void => {
      expect(res.status).toBe(status);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.headers['cache-control']).toBe('no-store');
      const body = JSON.parse(res.body) as Record<string, unknown>;
      expect(body).toMatchObject({ status, requestId: res.headers['x-request-id'] });
      expect(typeof body.detail).toBe('string');
      expect(res.body).not.toMatch(/FST_|HPE_|Client Error/);
    };

    it('answers an unsupported Expect with a 417 problem', async () => {
      expectRawProblem(await rawHttp(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nExpect: bogus\r\n\r\n'), 417);
    });

    it('answers headers too large with a 431 problem', async () => {
      expectRawProblem(await rawHttp(port, `GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431);
    });

    it('answers a malformed request line or header with a 400 problem', async () => {
      expectRawProblem(await rawHttp(port, 'GARBAGE\r\n\r\n'), 400);
      expectRawProblem(await rawHttp(port, 'GET /health/live HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'), 400);
    });

    it('answers a path parameter over 100 characters with a 414 problem, and a malformed URL with a 400 problem', async () => {
      expectRawProblem(await rawHttp(port, `GET /api/v1/users/${'a'.repeat(150)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`), 414);
      expectRawProblem(await rawHttp(port, 'GET /api/v1/users/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), 400);
    });
  });

  describe('the log never holds a password hash', () => {
    it('logs a failed user write as class, code and constraint only (no query, parameters or entity)', async () => {
      await t.dataSource.query(`
        CREATE FUNCTION test_fail_user_write() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.display_name = 'explode-on-write' THEN
            RAISE EXCEPTION 'forced failure for %', NEW.password_hash USING ERRCODE = 'P0001', CONSTRAINT = 'test_forced_failure', DETAIL = NEW.password_hash;
          END IF;
          RETURN NEW;
        END $$`);
      await t.dataSource.query('CREATE TRIGGER test_fail_user_write BEFORE INSERT OR UPDATE ON app_user FOR EACH ROW EXECUTE FUNCTION test_fail_user_write()');
      const created = await t
        .http()
        .post('/api/v1/users')
        .set('Authorization', admin)
        .send({ username: 'explode.create', displayName: 'explode-on-write', password: 'violet-harbour-lantern-42', roles: ['analyst'] });
      expect(created.status).toBe(500);
      const user = await signedIn(t, ['analyst']);
      const updated = await t
        .http()
        .patch(`/api/v1/users/${user.id}`)
        .set('Authorization', admin)
        .set('If-Match', 'W/"1"')
        .send({ displayName: 'explode-on-write' });
      expect(updated.status).toBe(500);
      // A race for one username: one wins, the other is a 409, and neither logs the hash.
      const race = await Promise.all(
        [0, 1].map(() =>
          t
            .http()
            .post('/api/v1/users')
            .set('Authorization', admin)
            .send({ username: 'race.user', displayName: 'Race', password: 'violet-harbour-lantern-42', roles: ['analyst'] }),
        ),
      );
      expect(race.map((r) => r.status).sort()).toEqual([201, 409]);

      for (const res of [created, updated]) {
        const line = t.logs.find((l) => l.requestId === res.headers['x-request-id'] && l.level === 'error');
        expect(line?.err).toMatchObject({
          type: expect.stringMatching(/^(QueryFailedError|DatabaseError)$/),
          code: 'P0001',
          constraint: 'test_forced_failure',
        });
        expect(Object.keys(line?.err as object)).not.toEqual(expect.arrayContaining(['message']));
        expect(Object.keys(line?.err as object).filter((k) => ['message', 'query', 'parameters', 'driverError', 'detail'].includes(k))).toEqual([]);
        expect(JSON.stringify(res.body)).not.toMatch(/argon|forced failure|app_user|INSERT|UPDATE/);
      }
      expect(t.rawLogs()).not.toContain('$argon2');
      expect(t.rawLogs()).not.toMatch(/INSERT INTO|UPDATE "app_user"|"parameters"/);
      await t.dataSource.query('DROP TRIGGER test_fail_user_write ON app_user');
    });
  });

  it('answered no request of this file with a 500 other than the forced write failures', () => {
    const fiveHundreds = t.logs.filter((l) => l.msg === 'request completed' && l.statusCode === 500);
    expect(fiveHundreds.map((l) => l.url)).toEqual(['/api/v1/users', expect.stringMatching(/^\/api\/v1\/users\//)]);
  });
});
