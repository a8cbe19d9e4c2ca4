import { adminAuth, auditRecords, aUser, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

describe('users (admin)', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const create = (body: object) => t.http().post('/api/v1/users').set('Authorization', admin).send(body);

  it('creates a user, never returning a password or hash, and audits it with the change', async () => {
    const res = await create({ username: 'j.ramirez', displayName: 'Jo Ramirez', password: 'violet-harbour-lantern-42', roles: ['investigator'] }).expect(201);
    expect(res.body).toMatchObject({ username: 'j.ramirez', roles: ['investigator'], status: 'active', mfaEnabled: false, version: 1 });
    expect(JSON.stringify(res.body)).not.toMatch(/password|hash|argon/i);
    expect(res.headers.etag).toBe('W/"1"');
    const [record] = await auditRecords(t, { action: 'user.create', resourceId: res.body.id });
    expect(record).toMatchObject({ outcome: 'success', actor_kind: 'user', request_id: res.headers['x-request-id'] });
    expect(record.changes.username).toEqual({ before: null, after: 'j.ramirez' });
    expect(JSON.stringify(record)).not.toContain('violet-harbour');
  });

  it('refuses a guessable password with zxcvbn\'s reason (422), the username and display name counting against it', async () => {
    for (const password of ['qwertyuiopasdf', 'j.ramirez2024!', 'aaaabbbbcccc']) {
      const res = await create({ username: 'j.ramirez', displayName: 'Jo Ramirez', password, roles: ['analyst'] }).expect(422);
      expect(res.body.type).toBe('urn:casefile:problem:weak-password');
      expect(res.body.detail).toMatch(/too easy to guess \(strength [0-2] of 4, at least 3 needed\): \S/);
      expect(res.body.errors[0]).toMatchObject({ field: 'password' });
    }
  });

  it('refuses a weak password with the rule that failed (422)', async () => {
    for (const [password, rule] of [
      ['short-pw', 'at least 12'],
      ['k.tanaka.unit', 'username'],
      ['qwerty123456', 'common'],
    ] as const) {
      const res = await create({ username: 'k.tanaka.unit', displayName: 'K', password, roles: ['analyst'] }).expect(422);
      expect(res.body.type).toBe('urn:casefile:problem:weak-password');
      expect(res.body.detail).toContain(rule);
      expect(res.body.errors[0].field).toBe('password');
    }
  });

  it('refuses bad input and unknown fields (400) and a taken username (409)', async () => {
    const bad = await create({ username: 'x', displayName: '', password: 1, roles: ['root'], isAdmin: true }).expect(400);
    expect([...new Set(bad.body.errors.map((e: { field: string }) => e.field))].sort()).toEqual(['displayName', 'isAdmin', 'password', 'roles', 'username']);
    await create({ username: 'dup.user', displayName: 'D', password: 'violet-harbour-lantern-42', roles: ['analyst'] }).expect(201);
    const dup = await create({ username: 'DUP.user', displayName: 'D', password: 'violet-harbour-lantern-42', roles: ['analyst'] }).expect(409);
    expect(dup.body.type).toBe('urn:casefile:problem:username-taken');
  });

  it('lists with keyset pages and gets one by id (404 for unknown, 400 for a non-UUID)', async () => {
    await aUser(t);
    await aUser(t);
    const page1 = await t.http().get('/api/v1/users?limit=2').set('Authorization', admin).expect(200);
    expect(page1.body.data).toHaveLength(2);
    const page2 = await t.http().get(`/api/v1/users?limit=2&cursor=${page1.body.nextCursor}`).set('Authorization', admin).expect(200);
    expect(page2.body.data[0].username > page1.body.data[1].username).toBe(true);
    const one = await t.http().get(`/api/v1/users/${page1.body.data[0].id}`).set('Authorization', admin).expect(200);
    expect(one.headers.etag).toBe(`W/"${one.body.version}"`);
    await t.http().get('/api/v1/users/0190aaaa-0000-7000-8000-000000000000').set('Authorization', admin).expect(404);
    const bad = await t.http().get('/api/v1/users/not-a-uuid').set('Authorization', admin).expect(400);
    expect(bad.body.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
  });

  it('changes roles with If-Match (428 without, 412 stale), effective on the next request', async () => {
    const analyst = await signedIn(t, ['analyst']);
    await t.http().get('/api/v1/audit').set('Authorization', analyst.auth).expect(403);
    await t.http().patch(`/api/v1/users/${analyst.id}`).set('Authorization', admin).send({ roles: ['auditor'] }).expect(428);
    await t.http().patch(`/api/v1/users/${analyst.id}`).set('Authorization', admin).set('If-Match', 'W/"99"').send({ roles: ['auditor'] }).expect(412);
    const ok = await t.http().patch(`/api/v1/users/${analyst.id}`).set('Authorization', admin).set('If-Match', 'W/"1"').send({ roles: ['auditor'] }).expect(200);
    expect(ok.body).toMatchObject({ roles: ['auditor'], version: 2 });
    await t.http().get('/api/v1/audit').set('Authorization', analyst.auth).expect(200);
    const records = await auditRecords(t, { action: 'user.update', resourceId: analyst.id });
    expect(records.map((r) => r.outcome)).toEqual(['error', 'success']); // the stale attempt, then the change
    expect(records[1].changes).toEqual({ roles: { before: ['analyst'], after: ['auditor'] } });
    expect(records[0].details).toEqual({ problem: 'precondition-failed' });
  });

  it('disables a user: their token stops working on the very next request; enable restores sign-in', async () => {
    const inv = await signedIn(t, ['investigator']);
    await t.http().get('/api/v1/auth/me').set('Authorization', inv.auth).expect(200);
    const res = await t.http().post(`/api/v1/users/${inv.id}/disable`).set('Authorization', admin).send({ reason: 'left the unit' }).expect(200);
    expect(res.body.status).toBe('disabled');
    await t.http().get('/api/v1/auth/me').set('Authorization', inv.auth).expect(401);
    await t.http().post('/api/v1/auth/login').send({ username: inv.username, password: inv.password }).expect(401);
    await t.http().post(`/api/v1/users/${inv.id}/enable`).set('Authorization', admin).expect(200);
    await t.http().post('/api/v1/auth/login').send({ username: inv.username, password: inv.password }).expect(200);
  });

  it('disables without a body: the reason is optional', async () => {
    const inv = await signedIn(t, ['investigator']);
    const res = await t.http().post(`/api/v1/users/${inv.id}/disable`).set('Authorization', admin).expect(200);
    expect(res.body.status).toBe('disabled');
  });

  it('refuses an admin disabling themselves or dropping their own admin role', async () => {
    const me = await t.http().get('/api/v1/auth/me').set('Authorization', admin).expect(200);
    expect((await t.http().post(`/api/v1/users/${me.body.id}/disable`).set('Authorization', admin).send({}).expect(422)).body.type).toBe('urn:casefile:problem:self-lockout');
    const current = await t.http().get(`/api/v1/users/${me.body.id}`).set('Authorization', admin).expect(200);
    await t.http().patch(`/api/v1/users/${me.body.id}`).set('Authorization', admin).set('If-Match', current.headers.etag).send({ roles: ['auditor'] }).expect(422);
  });

  describe('separation of duties', () => {
    it('refuses an account combining admin with supervisor or auditor, on create and on update (422 naming the rule)', async () => {
      for (const roles of [['admin', 'supervisor'], ['admin', 'auditor'], ['auditor', 'admin', 'analyst']]) {
        const res = await create({ username: `sod.${roles.join('.')}`, displayName: 'S', password: 'violet-harbour-lantern-42', roles }).expect(422);
        expect(res.body.type).toBe('urn:casefile:problem:separation-of-duties');
        expect(res.body.detail).toMatch(/separation of duties/i);
        expect(res.body.errors[0].field).toBe('roles');
      }
      const other = await aUser(t, { roles: ['admin'] });
      const res = await t.http().patch(`/api/v1/users/${other.id}`).set('Authorization', admin).set('If-Match', 'W/"1"').send({ roles: ['admin', 'auditor'] }).expect(422);
      expect(res.body.type).toBe('urn:casefile:problem:separation-of-duties');
      const sup = await aUser(t, { roles: ['supervisor'] });
      await t.http().patch(`/api/v1/users/${sup.id}`).set('Authorization', admin).set('If-Match', 'W/"1"').send({ roles: ['supervisor', 'admin'] }).expect(422);
      expect((await t.http().get(`/api/v1/users/${sup.id}`).set('Authorization', admin).expect(200)).body.roles).toEqual(['supervisor']);
    });

    it('refuses an admin changing their own roles at all, even to grant themselves supervisor or auditor', async () => {
      const me = await t.http().get('/api/v1/auth/me').set('Authorization', admin).expect(200);
      for (const roles of [['admin', 'supervisor'], ['admin', 'auditor'], ['admin', 'investigator']]) {
        const current = await t.http().get(`/api/v1/users/${me.body.id}`).set('Authorization', admin).expect(200);
        const res = await t.http().patch(`/api/v1/users/${me.body.id}`).set('Authorization', admin).set('If-Match', current.headers.etag).send({ roles }).expect(422);
        expect(res.body.type).toBe('urn:casefile:problem:separation-of-duties');
        expect(res.body.detail).toContain('cannot change their own roles');
      }
      const current = await t.http().get(`/api/v1/users/${me.body.id}`).set('Authorization', admin).expect(200);
      expect(current.body.roles).toEqual(['admin']);
      // Their display name they may change.
      await t.http().patch(`/api/v1/users/${me.body.id}`).set('Authorization', admin).set('If-Match', current.headers.etag).send({ displayName: 'First Admin' }).expect(200);
    });

    it('keeps an existing account that combines them working, and counts it in /metrics', async () => {
      const metric = async (): Promise<number> => {
        const text = (await t.http().get('/metrics').expect(200)).text;
        return Number(/^casefile_users_separation_of_duties_violations (\d+)$/m.exec(text)?.[1]);
      };
      const before = await metric();
      const legacy = await signedIn(t, ['admin']);
      await t.dataSource.query(`UPDATE app_user SET roles = ARRAY['admin', 'auditor'] WHERE id = $1`, [legacy.id]);
      expect(await metric()).toBe(before + 1);
      await t.http().get('/api/v1/audit?limit=1').set('Authorization', legacy.auth).expect(200);
      await t.http().get('/api/v1/users?limit=1').set('Authorization', legacy.auth).expect(200);
    });
  });

  it('refuses every non-admin role (403, audited as denied)', async () => {
    for (const role of ['supervisor', 'investigator', 'analyst', 'intake', 'auditor'] as const) {
      const user = await signedIn(t, [role]);
      const res = await t.http().get('/api/v1/users').set('Authorization', user.auth).expect(403);
      expect(res.body.detail).toContain('user:admin');
      const denied = await auditRecords(t, { action: 'access.denied', actorId: user.id });
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({ outcome: 'denied', resource_id: 'GET /api/v1/users' });
    }
  });
});
