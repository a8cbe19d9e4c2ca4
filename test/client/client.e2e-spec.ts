import { ADMIN_PASSWORD } from '../support/actors';
import { createTestApp, TestApp } from '../support/test-app';
import { createClient } from './generated/client';
import { createIntegration, createUser, getCurrentIntegration, getCurrentUser, getIntegration, listAuditRecords, login, verifyAuditTrail } from './generated';

/**
 * The typed client a developer generates from the served document (`npm run client:generate`, @hey-api/openapi-ts),
 * driven over real HTTP against a listening test app: sign-in, a user, an integration and the audit trail. It
 * compiles only while the document describes the answers these calls read; every response it gets is also held
 * to the document by the test app's validator.
 */
describe('the generated TypeScript client', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await t.app.getUrl();
  });
  afterAll(() => t.close());

  /** A client that signs its requests with this bearer token, or this integration's API key. */
  const clientWith = (credentials: { token?: string; apiKey?: string } = {}): ReturnType<typeof createClient> =>
    createClient({ baseUrl, auth: (auth) => (auth.type === 'apiKey' ? credentials.apiKey : credentials.token) });

  async function signIn(username: string, password: string): Promise<string> {
    const { data, response } = await login({ client: clientWith(), body: { username, password } });
    expect(response.status).toBe(200);
    if (data?.kind !== 'tokens') throw new Error(`expected tokens, got ${JSON.stringify(data)}`);
    expect(data.tokenType).toBe('Bearer');
    return data.accessToken;
  }

  it('signs in, creates a user and an integration, and reads both in the audit trail', async () => {
    const admin = clientWith({ token: await signIn('admin', ADMIN_PASSWORD) });
    const me = await getCurrentUser({ client: admin, throwOnError: true });
    expect(me.data).toMatchObject({ username: 'admin', roles: ['admin'] });

    const auditor = await createUser({
      client: admin,
      throwOnError: true,
      body: { username: 'a.auditor', displayName: 'Ann Auditor', password: 'quiet-meadow-compass-17', roles: ['auditor'] },
    });
    expect(auditor.data).toMatchObject({ username: 'a.auditor', status: 'active', disabledAt: null, version: 1 });
    expect(auditor.response.headers.get('etag')).toBe('W/"1"');

    // A refusal is typed too: the problem document of the status.
    const again = await createUser({ client: admin, body: { username: 'A.Auditor', displayName: 'Twice', password: 'quiet-meadow-compass-17', roles: ['auditor'] } });
    expect(again.response.status).toBe(409);
    expect(again.error).toMatchObject({ type: 'urn:casefile:problem:username-taken', status: 409 });
    expect(again.response.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    const integration = await createIntegration({ client: admin, throwOnError: true, body: { name: 'Rewards for Justice web form' } });
    const { id, apiKey, keyPrefix } = integration.data;
    expect(apiKey.startsWith(`${keyPrefix}_`)).toBe(true);
    const read = await getIntegration({ client: admin, throwOnError: true, path: { id } });
    expect(read.data).toMatchObject({ id, status: 'active', revokedAt: null });
    const whoami = await getCurrentIntegration({ client: clientWith({ apiKey }), throwOnError: true });
    expect(whoami.data).toEqual({ id, name: 'Rewards for Justice web form', permissions: ['tip:submit', 'tip:read-own-status'] });

    const trail = clientWith({ token: await signIn('a.auditor', 'quiet-meadow-compass-17') });
    const created = await listAuditRecords({ client: trail, throwOnError: true, query: { action: 'user.create', limit: 5 } });
    expect(created.data.data.map((r) => r.resourceId)).toContain(auditor.data.id);
    const integrations = await listAuditRecords({ client: trail, throwOnError: true, query: { action: 'integration.*', resourceType: 'integration' } });
    expect(integrations.data.data).toEqual([expect.objectContaining({ action: 'integration.create', resourceId: id, outcome: 'success', caseId: null })]);
    expect(JSON.stringify(integrations.data)).not.toContain(apiKey);

    const verified = await verifyAuditTrail({ client: trail, throwOnError: true });
    expect(verified.data).toMatchObject({ valid: true, firstInvalid: null });

    // The admin's token does not open the trail: 403, typed as a problem.
    const refused = await listAuditRecords({ client: admin });
    expect(refused.response.status).toBe(403);
    expect(refused.error?.type).toBe('urn:casefile:problem:forbidden');
  });
});
