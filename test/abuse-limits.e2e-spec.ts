import { AuditTrail } from '../src/audit/audit-trail.service';
import { adminAuth, auditRecords, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';

const API_LIMIT = 50;
const ANONYMOUS_LIMIT = 20;

/** Rate limits per principal and per IP, the concurrency limit of expensive routes, and what they add to the trail. */
describe('abuse limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      env: {
        API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT),
        ANONYMOUS_RATE_LIMIT_PER_MINUTE: String(ANONYMOUS_LIMIT),
        LOGIN_RATE_LIMIT_PER_USERNAME: '3',
        AUDIT_DENIAL_WINDOW_SECONDS: '2',
        DB_POOL_SIZE: '12',
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('per principal', () => {
    it('puts RateLimit-* headers on every response of an authenticated route', async () => {
      const user = await signedIn(t, ['investigator']);
      const ok = await t.http().get('/api/v1/auth/me').set('Authorization', user.auth).expect(200);
      expect(ok.headers['ratelimit-limit']).toBe(String(API_LIMIT));
      expect(Number(ok.headers['ratelimit-remaining'])).toBeGreaterThanOrEqual(0);
      expect(Number(ok.headers['ratelimit-remaining'])).toBeLessThan(API_LIMIT);
      expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
      const forbidden = await t.http().get('/api/v1/users').set('Authorization', user.auth).expect(403);
      expect(forbidden.headers['ratelimit-limit']).toBe(String(API_LIMIT));
    });

    it('answers 429 with Retry-After once one principal is over its limit, leaving other principals alone', async () => {
      const [noisy, other] = [await signedIn(t, ['analyst']), await signedIn(t, ['analyst'])];
      const responses = await Promise.all(Array.from({ length: 300 }, () => t.http().get('/api/v1/auth/me').set('Authorization', noisy.auth)));
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s !== 200 && s !== 429)).toEqual([]);
      // Fixed windows: even split across two of them, at most 2 × limit pass.
      expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(2 * API_LIMIT);
      const refused = responses.find((r) => r.status === 429)!;
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(refused.body.type).toBe('urn:casefile:problem:rate-limited');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.headers['ratelimit-remaining']).toBe('0');

      const fine = await t.http().get('/api/v1/auth/me').set('Authorization', other.auth).expect(200);
      expect(fine.headers['ratelimit-limit']).toBe(String(API_LIMIT));

      // Only the first refusal of each window is recorded.
      const recorded = await auditRecords(t, { action: 'access.rate_limited', actorId: noisy.id });
      expect(recorded.length).toBeGreaterThanOrEqual(1);
      expect(recorded.length).toBeLessThanOrEqual(2);
    });
  });

  describe('token refresh', () => {
    it('limits refreshes per IP, so a flood of made-up refresh tokens adds a bounded number of audit records', async () => {
      const responses = [];
      for (let i = 0; i < ANONYMOUS_LIMIT + 10; i++) {
        responses.push(
          await t
            .http()
            .post('/api/v1/auth/refresh')
            .send({ refreshToken: `cfr_made-up-${i}` }),
        );
      }
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      const refused = responses.find((r) => r.status === 429)!;
      expect(refused.headers['content-type']).toContain('application/problem+json');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Fixed windows: split across two of them, at most 2 × limit are looked up (and recorded as failed).
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(2 * ANONYMOUS_LIMIT);
      const failed = await auditRecords(t, { action: 'auth.refresh.failed' });
      expect(failed.length).toBe(statuses.filter((s) => s === 401).length);
      const limited = await auditRecords(t, { action: 'auth.refresh.rate_limited' });
      expect(limited.length).toBeGreaterThanOrEqual(1);
      expect(limited.length).toBeLessThanOrEqual(2);
    });
  });

  describe('expensive routes', () => {
    it('refuses concurrent audit verifications of one auditor with 429/503 and Retry-After, never a 500', async () => {
      const auditor = await signedIn(t, ['auditor']);
      const bystander = await signedIn(t, ['investigator']);
      const [responses, me] = await Promise.all([
        Promise.all(Array.from({ length: 24 }, () => t.http().get('/api/v1/audit/verify').set('Authorization', auditor.auth))),
        t.http().get('/api/v1/auth/me').set('Authorization', bystander.auth),
      ]);
      const statuses = responses.map((r) => r.status);
      expect(statuses.filter((s) => ![200, 429, 503].includes(s))).toEqual([]);
      expect(statuses).toContain(200);
      const refused = responses.filter((r) => r.status === 429 || r.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const r of refused) {
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      }
      expect(me.status).toBe(200);
      // The slots are given back: a later verification runs.
      await t.http().get('/api/v1/audit/verify').set('Authorization', auditor.auth).expect(200);
    });

    it('holds the slot while an export streams, and gives it back after', async () => {
      const auditor = await signedIn(t, ['auditor']);
      const [a, b] = await Promise.all([
        t.http().get('/api/v1/audit/export').set('Authorization', auditor.auth),
        t.http().get('/api/v1/audit/export').set('Authorization', auditor.auth),
      ]);
      expect([a.status, b.status].every((s) => s === 200 || s === 429)).toBe(true);
      await t.http().get('/api/v1/audit/export').set('Authorization', auditor.auth).expect(200);
    });
  });

  describe('the audit trail cannot be flooded', () => {
    it('aggregates identical denials of one source per window into one record with a count', async () => {
      const user = await signedIn(t, ['intake']);
      const n = 30;
      for (let i = 0; i < n; i++) await t.http().get('/api/v1/integrations').set('Authorization', user.auth).expect(403);
      await new Promise((r) => setTimeout(r, 2_100)); // let the last window close
      await t.app.get(AuditTrail).flushDenialWindows();
      const records = await auditRecords(t, { action: 'access.denied', actorId: user.id });
      const aggregated = records.filter((r) => r.details.aggregated === true);
      const single = records.filter((r) => r.details.aggregated !== true);
      expect(aggregated.length).toBeGreaterThanOrEqual(1);
      expect(records.length).toBeLessThan(n / 2);
      // Every denial is accounted for: one record each window, plus the window's count of repeats.
      expect(single.length + aggregated.reduce((sum, r) => sum + Number(r.details.count), 0)).toBe(n);
      expect(aggregated[0]).toMatchObject({
        outcome: 'denied',
        actor_kind: 'user',
        resource_id: 'GET /api/v1/integrations',
        details: { reason: 'missing permission integration:admin' },
      });
      expect(aggregated[0].details.windowStart).toMatch(/^\d{4}-\d\d-\d\dT/);
      // A flush writes each closed window once.
      expect(await t.app.get(AuditTrail).flushDenialWindows()).toBe(0);
    });

    it("records an API key used on a staff route against the key's integration, not as anonymous", async () => {
      const admin = await adminAuth(t);
      const { apiKey, id } = (await t.http().post('/api/v1/integrations').set('Authorization', admin).send({ name: 'email gateway' }).expect(201)).body as {
        apiKey: string;
        id: string;
      };
      await t.http().get('/api/v1/users').set('X-API-Key', apiKey).expect(403);
      const [record] = await auditRecords(t, { action: 'access.denied', actorId: id });
      expect(record).toMatchObject({
        actor_kind: 'integration',
        actor_id: id,
        outcome: 'denied',
        resource_id: 'GET /api/v1/users',
        details: { reason: 'wrong kind of credential' },
      });
    });

    it('records rate-limited sign-ins once per window', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++)
        statuses.push((await t.http().post('/api/v1/auth/login').send({ username: 'no.such.person', password: 'not-the-password-at-all' })).status);
      expect(statuses).toContain(429);
      const recorded = (await auditRecords(t, { action: 'auth.login.rate_limited' })).filter((r) => r.details.username === 'no.such.person');
      expect(recorded.length).toBeGreaterThanOrEqual(1);
      expect(recorded.length).toBeLessThanOrEqual(2);
      expect(recorded[0]).toMatchObject({ outcome: 'denied', actor_kind: 'anonymous' });
    });

    // Last: it spends this file's anonymous budget (every request here comes from one IP).
    it('rate-limits refused anonymous requests per IP before recording them', async () => {
      const before = (await auditRecords(t)).length;
      const n = 2 * ANONYMOUS_LIMIT + 1;
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) {
        const res = await t.http().get('/api/v1/users');
        statuses.push(res.status);
        if (res.status === 429) {
          expect(res.body.type).toBe('urn:casefile:problem:rate-limited');
          expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        }
      }
      expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
      expect(statuses).toContain(429);
      // n refused requests add at most a handful of records: first denial and first 429 of each window.
      const added = (await auditRecords(t)).slice(before).filter((r) => r.actor_kind === 'anonymous');
      expect(added.length).toBeLessThanOrEqual(6);
      expect(added.some((r) => r.action === 'access.rate_limited')).toBe(true);
    });
  });
});
