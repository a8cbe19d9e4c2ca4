import { TipIntakeService } from '../src/tips/tip-intake.service';
import { auditRecords, signedIn } from './support/actors';
import { createTestApp, TestApp } from './support/test-app';
import { anIntegration, aSubmittedTip, aTip, matched, submitTip } from './support/tips';

const REFERENCE = /^TIP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;

describe('tip intake', () => {
  let t: TestApp;
  let keyA: string;
  let keyB: string;
  let integrationA: string;
  beforeAll(async () => {
    t = await createTestApp();
    ({ apiKey: keyA, id: integrationA } = await anIntegration(t, 'public web form'));
    ({ apiKey: keyB } = await anIntegration(t, 'hotline'));
  });
  afterAll(async () => {
    await t.close();
  });

  const tipCount = async (): Promise<number> => Number((await t.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM tip'))[0].n);

  it('accepts a tip with 202 {reference, status, receivedAt}, audited with no source IP or user agent', async () => {
    const res = await submitTip(t, keyA, aTip({ externalId: 'form-1', language: 'en', occurredAt: '2024-11-02T10:00:00Z', rewardInterest: true }))
      .set('User-Agent', 'TipsterBrowser/9.9 (planted)')
      .set('X-Forwarded-For', '198.51.100.77')
      .expect(202);
    expect(Object.keys(res.body).sort()).toEqual(['receivedAt', 'reference', 'status']);
    expect(res.body.reference).toMatch(REFERENCE);
    // Matched to the registry right after, in the background: `matching` until then, then `received`.
    expect(res.body.status).toBe('matching');
    expect(new Date(res.body.receivedAt).toISOString()).toBe(res.body.receivedAt);
    await matched(t, res.body.reference);
    const later = await t.http().get(`/api/v1/intake/tips/${res.body.reference}`).set('X-API-Key', keyA).expect(200);
    expect(later.body).toEqual({ ...res.body, status: 'received' });
    const [tip] = await t.dataSource.query<{ id: string; integration_id: string }[]>('SELECT id, integration_id FROM tip WHERE reference = $1', [
      res.body.reference,
    ]);
    expect(tip.integration_id).toBe(integrationA);
    const [record] = await auditRecords(t, { action: 'tip.submit', resourceId: tip.id });
    expect(record).toMatchObject({ outcome: 'success', actor_kind: 'integration', actor_id: integrationA, source_ip: null, user_agent: null });
    // The request's log line carries neither the caller's address nor its browser.
    const line = t.logs.find((l) => l.requestId === res.headers['x-request-id'] && l.msg === 'request completed');
    expect(line).toMatchObject({ route: '/api/v1/intake/tips', statusCode: 202 });
    const own = JSON.stringify(t.logs.filter((l) => l.requestId === res.headers['x-request-id']));
    expect(own).not.toMatch(/TipsterBrowser|198\.51\.100\.77|127\.0\.0\.1|::ffff|remoteAddress|userAgent/);
  });

  describe('idempotency and retries', () => {
    it('refuses a submission without an Idempotency-Key (400), and stores nothing', async () => {
      const before = await tipCount();
      const res = await submitTip(t, keyA, aTip(), null).expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.detail).toMatch(/Idempotency-Key/);
      expect(await tipCount()).toBe(before);
    });

    it('replays the first answer for the same key and body (one tip), and refuses the key with another body (422)', async () => {
      const body = aTip();
      const first = await submitTip(t, keyA, body, 'retry-1').expect(202);
      const again = await submitTip(t, keyA, body, 'retry-1').expect(202);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(await t.dataSource.query('SELECT id FROM tip WHERE reference = $1', [first.body.reference])).toHaveLength(1);
      const other = await submitTip(t, keyA, aTip(), 'retry-1').expect(422);
      expect(other.body.type).toBe('urn:casefile:problem:idempotency-key-reused');
      // Keys are per integration: another integration's same key is its own.
      await submitTip(t, keyB, body, 'retry-1').expect(202);
    });

    it('never creates a second tip when the process fails between the insert and the response', async () => {
      const service = t.app.get(TipIntakeService);
      const original = service.submit;
      const crash = jest.spyOn(service, 'submit').mockImplementationOnce(async (...args) => {
        await original.apply(service, args); // the tip commits, with its stored response
        throw new Error('crashed before the response was written');
      });
      const before = await tipCount();
      const body = aTip({ externalId: 'crash-1' });
      await submitTip(t, keyA, body, 'crash-key-1').expect(500);
      crash.mockRestore();
      const retry = await submitTip(t, keyA, body, 'crash-key-1').expect(202);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(await tipCount()).toBe(before + 1);
      const rows = await t.dataSource.query<{ reference: string }[]>(`SELECT reference FROM tip WHERE external_id = 'crash-1'`);
      expect(rows.map((r) => r.reference)).toEqual([retry.body.reference]);
    });

    it('recognises the same externalId from the same integration as a retry (a unique index), not from another', async () => {
      const first = await submitTip(t, keyA, aTip({ externalId: 'ext-42' })).expect(202);
      const retry = await submitTip(t, keyA, aTip({ externalId: 'ext-42' })).expect(202);
      expect(retry.body.reference).toBe(first.body.reference);
      expect(await t.dataSource.query(`SELECT id FROM tip WHERE external_id = 'ext-42' AND integration_id = $1`, [integrationA])).toHaveLength(1);
      const records = await auditRecords(t, { action: 'tip.submit' });
      expect(records.filter((r) => r.details?.replayed === true)).toHaveLength(1);
      // The refused insert of the retry is how intake recognises it, not a failure: no error record.
      expect(records.filter((r) => r.outcome !== 'success')).toEqual([]);
      const fromB = await submitTip(t, keyB, aTip({ externalId: 'ext-42' })).expect(202);
      expect(fromB.body.reference).not.toBe(first.body.reference);
      const [index] = await t.dataSource.query<{ def: string }[]>(`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'uq_tip_external'`);
      expect(index.def).toMatch(/UNIQUE INDEX .* \(integration_id, external_id\)/);
    });

    it('draws unique references from the unambiguous alphabet', async () => {
      const refs = await Promise.all(Array.from({ length: 20 }, () => submitTip(t, keyA, aTip()).expect(202)));
      const set = new Set(refs.map((r) => r.body.reference as string));
      expect(set.size).toBe(20);
      for (const r of set) expect(r).toMatch(REFERENCE);
    });
  });

  describe('the status route', () => {
    it('gives the submitting integration the status only; another integration gets 404; staff tokens are refused', async () => {
      const { reference } = await aSubmittedTip(t, keyA);
      const own = await t.http().get(`/api/v1/intake/tips/${reference}`).set('X-API-Key', keyA).expect(200);
      expect(own.body).toEqual({ reference, status: 'received', receivedAt: expect.any(String) });
      const other = await t.http().get(`/api/v1/intake/tips/${reference}`).set('X-API-Key', keyB).expect(404);
      expect(other.body.detail).not.toMatch(/another integration/i);
      await t.http().get('/api/v1/intake/tips/TIP-ZZZZZZZZ').set('X-API-Key', keyA).expect(404);
      await t.http().get('/api/v1/intake/tips/not-a-reference').set('X-API-Key', keyA).expect(404);
      const staff = await signedIn(t, ['intake']);
      await t.http().get(`/api/v1/intake/tips/${reference}`).set('Authorization', staff.auth).expect(403);
      await submitTip(t, keyA, aTip()).set('Authorization', staff.auth).unset('X-API-Key').expect(403);
      const reads = await auditRecords(t, { action: 'tip.status.read' });
      expect(reads.every((r) => r.source_ip === null && r.user_agent === null)).toBe(true);
    });
  });

  describe('bad input', () => {
    it('refuses a narrative of 0 or 20,001 characters, accepts 20,000', async () => {
      const empty = await submitTip(t, keyA, aTip({ narrative: '' })).expect(400);
      expect(empty.body.errors).toEqual([expect.objectContaining({ field: 'narrative' })]);
      await submitTip(t, keyA, aTip({ narrative: 'x'.repeat(20_001) })).expect(400);
      await submitTip(t, keyA, aTip({ narrative: 'x'.repeat(20_000) })).expect(202);
    });

    it('refuses a 1 MB body with 413 (the intake route has its own, smaller limit: so does 200 KB)', async () => {
      await submitTip(t, keyA, aTip({ narrative: 'x'.repeat(1024 * 1024) })).expect(413);
      const res = await submitTip(t, keyA, aTip({ narrative: 'x'.repeat(200 * 1024) })).expect(413);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    });

    it('stores control characters, bidi overrides and HTML as text, returned as JSON unchanged; refuses NUL and lone surrogates', async () => {
      const hostile = 'Tab\there\u0007 bell, \u202Eevil\u202C bidi, <script>alert(1)</script> <img src=x onerror=alert(2)> & "quotes" \u0001\u001F end';
      const { id } = await aSubmittedTip(t, keyA, { narrative: hostile });
      const supervisor = await signedIn(t, ['supervisor']);
      const res = await t.http().get(`/api/v1/tips/${id}`).set('Authorization', supervisor.auth).expect(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body.narrative).toBe(hostile);
      const [row] = await t.dataSource.query<{ narrative: string }[]>('SELECT narrative FROM tip WHERE id = $1', [id]);
      expect(row.narrative).toBe(hostile);
      await submitTip(t, keyA, aTip({ narrative: 'before\u0000after' })).expect(400);
      await submitTip(t, keyA, aTip({ narrative: 'lone \uD800 surrogate' })).expect(400);
    });

    it('refuses an invalid tipster e-mail or phone (400) without repeating the value', async () => {
      const email = await submitTip(t, keyA, aTip({ tipster: { email: 'not-an-address@@example' } })).expect(400);
      expect(email.body.errors).toEqual([{ field: 'tipster.email', message: 'is not a valid e-mail address' }]);
      expect(JSON.stringify(email.body)).not.toContain('not-an-address');
      const phone = await submitTip(t, keyA, aTip({ tipster: { phone: '+1 555 0100 999 123' } })).expect(400);
      expect(phone.body.errors).toEqual([{ field: 'tipster.phone', message: 'is not a phone number that can exist' }]);
      expect(JSON.stringify(phone.body)).not.toContain('0100');
      expect(t.rawLogs()).not.toContain('not-an-address');
    });

    it('refuses anonymous: true together with a name (or any identity), and a tipster with nothing', async () => {
      const res = await submitTip(t, keyA, aTip({ tipster: { anonymous: true, name: 'Jane Roe' } })).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'tipster.name' })]);
      await submitTip(t, keyA, aTip({ tipster: { anonymous: true, email: 'a@example.com' } })).expect(400);
      await submitTip(t, keyA, aTip({ tipster: {} })).expect(400);
      await submitTip(t, keyA, aTip({ tipster: undefined })).expect(400);
      await submitTip(t, keyA, aTip({ tipster: { name: 'Jane Roe', contactPreference: 'email' } })).expect(400);
    });

    it('refuses unknown fields at the top and inside tipster, and wrong types', async () => {
      const top = await submitTip(t, keyA, aTip({ status: 'actionable' })).expect(400);
      expect(top.body.errors).toEqual([{ field: 'status', message: 'is not an accepted field' }]);
      const inner = await submitTip(t, keyA, aTip({ tipster: { anonymous: true, ip: '203.0.113.9' } })).expect(400);
      expect(inner.body.errors).toEqual([{ field: 'tipster.ip', message: 'is not an accepted field' }]);
      await submitTip(t, keyA, aTip({ channel: 'carrier pigeon' })).expect(400);
      await submitTip(t, keyA, aTip({ occurredAt: '2024-13-40T00:00:00Z' })).expect(400);
      await submitTip(t, keyA, aTip({ rewardInterest: 'yes' })).expect(400);
      await submitTip(t, keyA, aTip({ language: 'english; DROP TABLE tip' })).expect(400);
      await t
        .http()
        .post('/api/v1/intake/tips')
        .set('X-API-Key', keyA)
        .set('Idempotency-Key', 'ct-1')
        .set('Content-Type', 'text/csv')
        .send('narrative\nhello')
        .expect(415);
    });
  });
});

describe('tip intake under a burst from one key', () => {
  let t: TestApp;
  let key: string;
  beforeAll(async () => {
    t = await createTestApp({ env: { API_RATE_LIMIT_PER_MINUTE: '40' }, label: 'tipsburst' });
    ({ apiKey: key } = await anIntegration(t));
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 429 with RateLimit-* and Retry-After past the per-key limit, and loses nothing it accepted', async () => {
    const results: { status: number; reference?: string; headers: Record<string, string> }[] = [];
    for (let batch = 0; batch < 10; batch++) {
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => submitTip(t, key, aTip({ externalId: `burst-${batch}-${i}` }))));
      results.push(
        ...responses.map((r) => ({ status: r.status, reference: r.body.reference as string | undefined, headers: r.headers })),
      );
    }
    const accepted = results.filter((r) => r.status === 202);
    const limited = results.filter((r) => r.status === 429);
    expect(accepted.length + limited.length).toBe(200);
    // A fixed one-minute window: one limit's worth, or two when the burst straddles a window's end.
    expect(accepted.length).toBeGreaterThanOrEqual(40);
    expect(accepted.length).toBeLessThanOrEqual(80);
    expect(limited[0].headers['retry-after']).toMatch(/^\d+$/);
    expect(limited[0].headers['ratelimit-limit']).toBe('40');
    expect(limited[0].headers['ratelimit-remaining']).toBe('0');
    expect(accepted[0].headers['ratelimit-remaining']).toMatch(/^\d+$/);
    const stored = await t.dataSource.query<{ reference: string }[]>('SELECT reference FROM tip');
    expect(stored.map((r) => r.reference).sort()).toEqual(accepted.map((r) => r.reference).sort());
  });
});
