import { randomUUID } from 'node:crypto';
import { adminAuth, auditRecords, signedIn } from './support/actors';
import type { Actor } from './support/cases';
import { anOffer, REWARDS } from './support/rewards';
import { createTestApp, TestApp } from './support/test-app';
import { anIntegration } from './support/tips';

const PROBLEM = /^application\/problem\+json/;

describe('reward offers', () => {
  let t: TestApp;
  let supervisor: Actor;
  let investigator: Actor;
  let analyst: Actor;
  let intake: Actor;
  let auditor: Actor;
  let admin: string;
  let apiKey: string;
  const ids: Record<string, string> = {};

  const post = (who: string, body: unknown) => t.http().post(`${REWARDS}/offers`).set('Authorization', who).set('Content-Type', 'application/json').send(body as object);
  const patch = (who: string, id: string, version: number | null, body: object) => {
    const req = t.http().patch(`${REWARDS}/offers/${id}`).set('Authorization', who);
    if (version !== null) void req.set('If-Match', `W/"${version}"`);
    return req.send(body);
  };
  /** A body that is valid but for what `over` changes. */
  const valid = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
    program: 'Rewards for Justice',
    maxAmount: { amount: 500_000_000, currency: 'USD' },
    subjectIds: [ids.subject1],
    ...over,
  });
  const expect400 = (res: { status: number; headers: Record<string, string>; body: { errors?: { field: string }[] } }, field: string | RegExp) => {
    expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringMatching(PROBLEM)]);
    expect(res.body.errors?.map((e) => e.field)).toEqual(expect.arrayContaining([field instanceof RegExp ? expect.stringMatching(field) : field]));
  };

  beforeAll(async () => {
    t = await createTestApp();
    [supervisor, investigator, analyst, intake, auditor] = await Promise.all((['supervisor', 'investigator', 'analyst', 'intake', 'auditor'] as const).map((r) => signedIn(t, [r])));
    admin = await adminAuth(t);
    ({ apiKey } = await anIntegration(t));
    const make = async (path: string, body: object): Promise<string> =>
      (await t.http().post(`/api/v1/${path}`).set('Authorization', investigator.auth).send(body).expect(201)).body.id as string;
    ids.subject1 = await make('subjects', { fullName: 'Unnamed defendant 1' });
    ids.subject2 = await make('subjects', { fullName: 'Unnamed defendant 2' });
    ids.yanbian = await make('organizations', { name: 'Yanbian Silverstar', country: 'CN', kind: 'front_company' });
  });
  afterAll(async () => {
    await t.close();
  });

  describe('create, read, close', () => {
    it('creates an offer covering subjects and organizations, with nothing committed, and audits it', async () => {
      const res = await post(supervisor.auth, valid({ description: 'Up to USD 5 million', subjectIds: [ids.subject1, ids.subject2], organizationIds: [ids.yanbian.toUpperCase()] }));
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('W/"1"');
      expect(res.body).toMatchObject({
        program: 'Rewards for Justice',
        description: 'Up to USD 5 million',
        maxAmount: { amount: 500_000_000, currency: 'USD', display: 'USD 5,000,000.00' },
        committed: { amount: 0, currency: 'USD', display: 'USD 0.00' },
        paid: { amount: 0, currency: 'USD' },
        remaining: { amount: 500_000_000, currency: 'USD' },
        status: 'open',
        closedAt: null,
        createdBy: supervisor.id,
        version: 1,
      });
      expect(res.body.subjects).toEqual(
        expect.arrayContaining([
          { id: ids.subject1, label: 'Unnamed defendant 1' },
          { id: ids.subject2, label: 'Unnamed defendant 2' },
        ]),
      );
      expect(res.body.organizations).toEqual([{ id: ids.yanbian, label: 'Yanbian Silverstar' }]);
      ids.offer = res.body.id as string;
      const [record] = await auditRecords(t, { action: 'reward.offer.create', resourceId: ids.offer });
      expect(record).toMatchObject({ outcome: 'success', actor_id: supervisor.id, resource_type: 'reward-offer' });
      expect(record.changes).toMatchObject({ maxAmount: { before: null, after: { amount: 500_000_000, currency: 'USD' } }, status: { before: null, after: 'open' } });
      const [row] = await t.dataSource.query<{ max_amount: string; committed_amount: string }[]>('SELECT max_amount, committed_amount FROM reward_offer WHERE id = $1', [ids.offer]);
      expect(row).toEqual({ max_amount: '500000000', committed_amount: '0' });
    });

    it('takes currencies with other exponents (JPY 0, BHD 3), and the largest safe amount', async () => {
      const yen = await post(supervisor.auth, valid({ maxAmount: { amount: 1_000_000, currency: 'JPY' } })).expect(201);
      expect(yen.body.maxAmount).toEqual({ amount: 1_000_000, currency: 'JPY', display: 'JPY 1,000,000' });
      const dinar = await post(supervisor.auth, valid({ maxAmount: { amount: 1_500, currency: 'BHD' } })).expect(201);
      expect(dinar.body.maxAmount.display).toBe('BHD 1.500');
      const huge = await post(supervisor.auth, '{"program":"Big","maxAmount":{"amount":9007199254740991,"currency":"USD"},"subjectIds":["' + ids.subject1 + '"]}').expect(201);
      expect(huge.body.maxAmount.amount).toBe(Number.MAX_SAFE_INTEGER);
      const [row] = await t.dataSource.query<{ max_amount: string }[]>('SELECT max_amount FROM reward_offer WHERE id = $1', [huge.body.id]);
      expect(row.max_amount).toBe('9007199254740991');
    });

    it('lets investigators and supervisors read offers: one by id, and keyset pages newest first, filtered by status', async () => {
      const one = await t.http().get(`${REWARDS}/offers/${ids.offer}`).set('Authorization', investigator.auth).expect(200);
      expect(one.headers.etag).toBe('W/"1"');
      expect(one.body.remaining).toMatchObject({ amount: 500_000_000 });
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { data: { id: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(`${REWARDS}/offers`)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set('Authorization', investigator.auth)
          .expect(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.data.map((o) => o.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const [{ n }] = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reward_offer');
      expect(seen).toHaveLength(n);
      expect([...seen]).toEqual([...seen].sort().reverse());
      const first = await t.http().get(`${REWARDS}/offers?limit=1`).set('Authorization', supervisor.auth).expect(200);
      const other = await t.http().get(`${REWARDS}/offers?status=closed&cursor=${first.body.nextCursor as string}`).set('Authorization', supervisor.auth);
      expect(other.status).toBe(400);
      await t.http().get(`${REWARDS}/offers/${randomUUID()}`).set('Authorization', supervisor.auth).expect(404);
      expect400(await t.http().get(`${REWARDS}/offers/not-a-uuid`).set('Authorization', supervisor.auth), 'id');
      expect400(await t.http().get(`${REWARDS}/offers?status=archived`).set('Authorization', supervisor.auth), 'status');
      expect400(await t.http().get(`${REWARDS}/offers?committed=0`).set('Authorization', supervisor.auth), 'committed');
    });

    it('closes and reopens an offer with If-Match (428 without, 412 when stale), audited; the same status again changes nothing', async () => {
      expect((await patch(supervisor.auth, ids.offer, null, { status: 'closed' })).status).toBe(428);
      const closed = await patch(supervisor.auth, ids.offer, 1, { status: 'closed' });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ status: 'closed', version: 2 });
      expect(closed.body.closedAt).toEqual(expect.any(String));
      expect(closed.headers.etag).toBe('W/"2"');
      expect((await patch(supervisor.auth, ids.offer, 1, { status: 'open' })).status).toBe(412);
      const same = await patch(supervisor.auth, ids.offer, 2, { status: 'closed' });
      expect(same.body.version).toBe(2);
      const listed = await t.http().get(`${REWARDS}/offers?status=closed`).set('Authorization', supervisor.auth).expect(200);
      expect(listed.body.data.map((o: { id: string }) => o.id)).toEqual([ids.offer]);
      const reopened = await patch(supervisor.auth, ids.offer, 2, { status: 'open', description: 'Reopened' });
      expect(reopened.body).toMatchObject({ status: 'open', closedAt: null, description: 'Reopened', version: 3 });
      const records = await auditRecords(t, { action: 'reward.offer.update', resourceId: ids.offer });
      expect(records.filter((r) => r.outcome === 'success' && r.changes).map((r) => r.changes.status.after)).toEqual(['closed', 'open']);
    });
  });

  describe('bad input', () => {
    it.each([
      ['a negative amount', -100],
      ['a zero amount', 0],
      ['a fractional amount', 12.5],
      ['an amount as a string', '500000000'],
      ['an amount as a boolean', true],
      ['a null amount', null],
    ])('refuses %s (400 naming maxAmount.amount)', async (_what, amount) => {
      expect400(await post(supervisor.auth, valid({ maxAmount: { amount, currency: 'USD' } })), 'maxAmount.amount');
    });

    it.each([
      ['2^53 + 1', '9007199254740993'],
      ['2^53', '9007199254740992'],
      ['1e300', '1e300'],
      ['a 400-digit number', '9'.repeat(400)],
      ['-1e-7', '-1e-7'],
    ])('refuses an absurd amount written as %s in the JSON text (never rounded, never a 500)', async (_what, literal) => {
      const res = await post(supervisor.auth, `{"program":"Absurd","maxAmount":{"amount":${literal},"currency":"USD"},"subjectIds":["${ids.subject1}"]}`);
      expect400(res, 'maxAmount.amount');
      expect(res.body.errors[0].message).toMatch(/whole number of minor units/);
    });

    it.each([
      ['an unknown code', 'ABC'],
      ['lower case', 'usd'],
      ['a code without a minor unit (gold)', 'XAU'],
      ['the no-currency code', 'XXX'],
      ['a number', 840],
    ])('refuses a currency that is %s', async (_what, currency) => {
      expect400(await post(supervisor.auth, valid({ maxAmount: { amount: 100, currency } })), 'maxAmount.currency');
    });

    it('refuses a missing or malformed maxAmount, and unknown fields anywhere (no mass assignment)', async () => {
      expect400(await post(supervisor.auth, valid({ maxAmount: undefined })), 'maxAmount');
      expect400(await post(supervisor.auth, valid({ maxAmount: 500 })), 'maxAmount');
      expect400(await post(supervisor.auth, valid({ maxAmount: { amount: 100, currency: 'USD', display: 'USD 1.00' } })), 'maxAmount.display');
      for (const field of ['status', 'committed', 'committedAmount', 'remaining', 'id', 'createdBy', 'version']) {
        expect400(await post(supervisor.auth, valid({ [field]: field === 'committed' ? { amount: 0, currency: 'USD' } : 'x' })), field);
      }
      const [{ n }] = await t.dataSource.query<{ n: number }[]>("SELECT count(*)::int AS n FROM reward_offer WHERE program = 'Absurd'");
      expect(n).toBe(0);
    });

    it("refuses unknown fields named like a member of every object (constructor, toString, hasOwnProperty…), in bodies and queries: the whitelist did not see them", async () => {
      const before = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reward_offer');
      for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
        const top = await t.http().post(`${REWARDS}/offers`).set('Authorization', supervisor.auth).set('Content-Type', 'application/json').send(JSON.stringify({ ...valid(), [name]: 'x' }));
        expect([name, top.status, top.body.errors]).toEqual([name, 400, [{ field: name, message: 'is not an accepted field' }]]);
        const nested = await post(supervisor.auth, valid({ maxAmount: { amount: 100, currency: 'USD', [name]: 1 } }));
        expect([name, nested.status, nested.body.errors]).toEqual([name, 400, [{ field: `maxAmount.${name}`, message: 'is not an accepted field' }]]);
        const query = await t.http().get(`${REWARDS}/offers?${name}=1`).set('Authorization', supervisor.auth);
        expect([name, query.status, query.body.errors]).toEqual([name, 400, [{ field: name, message: 'is not an accepted field' }]]);
      }
      const claim = await t.http().post(`${REWARDS}/claims/${randomUUID()}/approve`).set('Authorization', supervisor.auth).set('Content-Type', 'application/json').send('{"toString":"x"}');
      expect([claim.status, claim.body.errors]).toEqual([400, [{ field: 'toString', message: 'is not an accepted field' }]]);
      expect(await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reward_offer')).toEqual(before);
    });

    it('refuses bad programs, descriptions and coverage', async () => {
      expect400(await post(supervisor.auth, valid({ program: '' })), 'program');
      expect400(await post(supervisor.auth, valid({ program: 'x'.repeat(201) })), 'program');
      expect400(await post(supervisor.auth, valid({ program: '   ' })), 'program'); // blank (it used to be accepted)
      expect400(await post(supervisor.auth, valid({ program: 'Bell\u0007' })), 'program');
      expect400(await post(supervisor.auth, valid({ description: 'd'.repeat(10_001) })), 'description');
      expect400(await post(supervisor.auth, valid({ subjectIds: ['not-a-uuid'] })), 'subjectIds');
      expect400(await post(supervisor.auth, valid({ subjectIds: [ids.subject1, ids.subject1.toUpperCase()] })), 'subjectIds');
      expect400(await post(supervisor.auth, valid({ subjectIds: Array.from({ length: 501 }, () => randomUUID()) })), 'subjectIds');
      expect400(await post(supervisor.auth, valid({ subjectIds: [], organizationIds: [] })), 'subjectIds');
      expect400(await post(supervisor.auth, valid({ subjectIds: null })), 'subjectIds');
    });

    it('refuses subjects and organizations that are not in the registry (422 naming them), and keeps nothing', async () => {
      const ghost = randomUUID();
      const res = await post(supervisor.auth, valid({ program: 'Ghost', subjectIds: [ids.subject1, ghost] }));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ type: 'urn:casefile:problem:registry-entity-not-found', errors: [{ field: 'subjectIds' }] });
      expect(res.body.detail).toContain(ghost);
      const org = await post(supervisor.auth, valid({ program: 'Ghost', organizationIds: [ghost] }));
      expect(org.status).toBe(422);
      expect(org.body.errors[0].field).toBe('organizationIds');
      const [{ n }] = await t.dataSource.query<{ n: number }[]>("SELECT count(*)::int AS n FROM reward_offer WHERE program = 'Ghost'");
      expect(n).toBe(0);
    });

    it('refuses bad changes of an offer', async () => {
      const res = await anOffer(t, supervisor, { subjectIds: [ids.subject2] });
      expect400(await patch(supervisor.auth, res.id as string, 1, { status: 'archived' }), 'status');
      for (const field of ['maxAmount', 'committed', 'currency', 'subjectIds', 'version']) expect400(await patch(supervisor.auth, res.id as string, 1, { [field]: 1 }), field);
      expect400(await patch(supervisor.auth, res.id as string, 1, { status: null }), 'status');
      expect((await patch(supervisor.auth, randomUUID(), 1, { status: 'closed' })).status).toBe(404);
    });
  });

  describe('who may call the reward routes', () => {
    const anyId = '0190aaaa-0000-7000-8000-000000000000';
    const routes: [string, string, object?][] = [
      ['POST', `${REWARDS}/offers`, {}],
      ['GET', `${REWARDS}/offers`],
      ['GET', `${REWARDS}/offers/${anyId}`],
      ['PATCH', `${REWARDS}/offers/${anyId}`, {}],
      ['POST', `${REWARDS}/claims`, {}],
      ['GET', `${REWARDS}/claims`],
      ['GET', `${REWARDS}/claims/${anyId}`],
      ['POST', `${REWARDS}/claims/${anyId}/approve`, {}],
      ['POST', `${REWARDS}/claims/${anyId}/deny`, {}],
      ['POST', `${REWARDS}/claims/${anyId}/pay`, {}],
    ];
    const call = (method: string, path: string, body: object | undefined, set: [string, string]) => {
      const agent = t.http();
      const req = method === 'GET' ? agent.get(path) : method === 'POST' ? agent.post(path) : agent.patch(path).set('If-Match', 'W/"1"');
      void req.set(...set);
      return body ? req.send(body) : req;
    };

    it('refuses analysts, intake staff, auditors and admins on every reward route (403), and records the refusal', async () => {
      for (const [role, auth] of [
        ['analyst', analyst.auth],
        ['intake', intake.auth],
        ['auditor', auditor.auth],
        ['admin', admin],
      ]) {
        for (const [method, path, body] of routes) {
          const res = await call(method, path, body, ['Authorization', auth]);
          expect([role, method, path, res.status, res.headers['content-type']]).toEqual([role, method, path, 403, expect.stringMatching(PROBLEM)]);
        }
      }
      expect((await auditRecords(t, { action: 'access.denied', actorId: analyst.id })).length).toBeGreaterThan(0);
    });

    it('refuses an integration key on every reward route (403)', async () => {
      for (const [method, path, body] of routes) {
        const res = await call(method, path, body, ['X-API-Key', apiKey]);
        expect([method, path, res.status]).toEqual([method, path, 403]);
      }
    });

    it('refuses investigators what only supervisors do: creating and closing offers, approving, denying, paying', async () => {
      for (const [method, path, body] of routes.filter(([m, p]) => (m === 'POST' && p.endsWith('/offers')) || m === 'PATCH' || /approve|deny|pay$/.test(p))) {
        const res = await call(method, path, body, ['Authorization', investigator.auth]);
        expect([method, path, res.status]).toEqual([method, path, 403]);
        expect(res.body.detail).toMatch(/reward:(manage|approve|pay)/);
      }
    });

    it('answers 401 without credentials', async () => {
      for (const [method, path, body] of routes) {
        const agent = t.http();
        const req = method === 'GET' ? agent.get(path) : method === 'POST' ? agent.post(path).send(body) : agent.patch(path).send(body);
        expect([method, path, (await req).status]).toEqual([method, path, 401]);
      }
    });
  });
});
