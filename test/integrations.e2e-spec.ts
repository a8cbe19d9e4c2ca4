import { adminAuth, auditRecords, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

describe('integrations and API keys', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await adminAuth(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows the key once, keeps only a prefix and a hash, and authenticates the integration with it', async () => {
    const created = await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'RFJ web form' }).expect(201);
    const { apiKey, keyPrefix, id } = created.body as { apiKey: string; keyPrefix: string; id: string };
    expect(apiKey.startsWith(`${keyPrefix}_`)).toBe(true);
    const [row] = await t.dataSource.query<{ key_hash: string }[]>('SELECT * FROM integration WHERE id = $1', [id]);
    expect(JSON.stringify(row)).not.toContain(apiKey.slice(keyPrefix.length + 1));
    const listed = await t.http().get('/api/v1/integrations').set('Authorization', admin).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(apiKey);
    expect(listed.body.data[0]).toMatchObject({ id, keyPrefix, status: 'active' });
    const one = await t.http().get(`/api/v1/integrations/${id}`).set('Authorization', admin).expect(200);
    expect(one.body).toMatchObject({ id, keyPrefix, status: 'active', name: 'RFJ web form' });
    expect(JSON.stringify(one.body)).not.toContain(apiKey);
    const who = await t.http().get('/api/v1/intake/whoami').set('X-API-Key', apiKey).expect(200);
    expect(who.body).toEqual({ id, name: 'RFJ web form', permissions: ['tip:submit', 'tip:read-own-status'] });
    const [record] = await auditRecords(t, { action: 'integration.create', resourceId: id });
    expect(JSON.stringify(record)).not.toContain(apiKey);
    expect(t.rawLogs()).not.toContain(apiKey);
  });

  it('refuses a wrong, malformed or revoked key, and a key in the URL', async () => {
    const { apiKey, id } = (await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'hotline' }).expect(201)).body as { apiKey: string; id: string };
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', `${apiKey.slice(0, -2)}xx`).expect(401);
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', 'hello').expect(401);
    const inUrl = await t.http().get(`/api/v1/intake/whoami?api_key=${apiKey}`).expect(400);
    expect(inUrl.body.type).toBe('urn:casefile:problem:credential-in-url');
    expect(t.rawLogs()).not.toContain(apiKey);
    // Verified once (and so trusted for API_KEY_CACHE_SECONDS): the revoke still takes effect at once here.
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', apiKey).expect(200);
    await t.http().post(`/api/v1/integrations/${id}/revoke`).set('Authorization', admin).expect(200);
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', apiKey).expect(401);
    await t.http().post(`/api/v1/integrations/${id}/rotate`).set('Authorization', admin).expect(422);
  });

  it('rotates a key: the new one works and the old one stops at once', async () => {
    const first = (await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'email gateway' }).expect(201)).body as { apiKey: string; id: string };
    const rotated = await t.http().post(`/api/v1/integrations/${first.id}/rotate`).set('Authorization', admin).expect(200);
    expect(rotated.body.apiKey).not.toBe(first.apiKey);
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', first.apiKey).expect(401);
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', rotated.body.apiKey).expect(200);
    expect(await auditRecords(t, { action: 'integration.rotate', resourceId: first.id })).toHaveLength(1);
  });

  it('validates input and ids', async () => {
    await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: '' }).expect(400);
    await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'x', apiKey: 'mine' }).expect(400);
    await t.http().get('/api/v1/integrations/123').set('Authorization', admin).expect(400);
    await t.http().post('/api/v1/integrations/0190aaaa-0000-7000-8000-000000000000/revoke').set('Authorization', admin).expect(404);
  });

  it('is for admins only; an intake key on a staff route and a staff token on the intake route are refused', async () => {
    const supervisor = await signedIn(t, ['supervisor']);
    await t.http().post('/api/v1/integrations').set('Authorization', supervisor.auth).send({ name: 'x' }).expect(403);
    const { apiKey } = (await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'partner' }).expect(201)).body as { apiKey: string };
    await t.http().get('/api/v1/users').set('X-API-Key', apiKey).expect(403);
    await t.http().get('/api/v1/intake/whoami').set('Authorization', supervisor.auth).expect(403);
  });
});

describe('a verified API key, trusted for API_KEY_CACHE_SECONDS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { API_KEY_CACHE_SECONDS: '1' }, label: 'apikeycache' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('is not looked up again within that time: a revoke made by another replica takes effect here within it', async () => {
    const admin = await adminAuth(t);
    const { apiKey, id } = (await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'partner feed' }).expect(201)).body as { apiKey: string; id: string };
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', apiKey).expect(200);
    // Another replica revokes it (its own cache is not this one's).
    await t.dataSource.query('UPDATE integration SET revoked_at = now() WHERE id = $1', [id]);
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', apiKey).expect(200);
    await new Promise((r) => setTimeout(r, 1100));
    await t.http().get('/api/v1/intake/whoami').set('X-API-Key', apiKey).expect(401);
  });
});
