import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { auditRecords, signedIn } from './support/actors';
import { aCase, aCast, Actor, aStaffedCase, Cast } from './support/cases';
import { aClaim, anOffer, closeOffer, decide, recommend, REWARDS } from './support/rewards';
import { createTestApp, TestApp } from './support/test-app';
import { anIntegration, aSubmittedTip } from './support/tips';

const PROBLEM = /^application\/problem\+json/;

describe('reward claims', () => {
  let t: TestApp;
  let key: string;
  let cast: Cast;
  /** Three supervisors: who recommends, who approves, who pays. */
  let sup1: Actor;
  let sup2: Actor;
  let sup3: Actor;
  let intake: Actor;
  const ids: Record<string, string> = {};
  /** The current ETag of each tip made here (a matched tip is at version 2). */
  const etags: Record<string, string> = {};
  /** Every response body staff received (checked for the planted identity). */
  const seen: string[] = [];
  const PLANTED = { name: 'Plantedname Rewardseeker', email: `planted.reward.${randomBytes(4).toString('hex')}@example.net` };

  const keep = (res: request.Response): request.Response => {
    seen.push(res.text);
    return res;
  };
  const get = async (who: Actor, path: string) => keep(await t.http().get(path).set('Authorization', who.auth));
  const justification = 'The tip named the laptop farm host and the payment platform account.';
  const claimBody = (tip: string, offer: string, amount: unknown = 1_000_00, currency: unknown = 'USD', over: Record<string, unknown> = {}) => ({
    tipId: tip,
    offerId: offer,
    amount: { amount, currency },
    justification,
    ...over,
  });
  const committedOf = async (offerId: string): Promise<number> => {
    const res = await get(sup1, `${REWARDS}/offers/${offerId}`);
    return res.body.committed.amount as number;
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ apiKey: key } = await anIntegration(t));
    cast = await aCast(t);
    [sup1, sup2, sup3, intake] = await Promise.all((['supervisor', 'supervisor', 'supervisor', 'intake'] as const).map((r) => signedIn(t, [r])));
    const make = async (path: string, body: object): Promise<string> =>
      (await t.http().post(`/api/v1/${path}`).set('Authorization', cast.lead.auth).send(body).expect(201)).body.id as string;
    ids.covered = await make('subjects', { fullName: 'Unnamed defendant 5' });
    ids.uncovered = await make('subjects', { fullName: 'Somebody Else' });
    ids.volasys = await make('organizations', { name: 'Volasys Silverstar', country: 'RU', kind: 'front_company' });
    // case1: the cast's case, linked to the covered subject; case2: the outsider's, linked to another subject only.
    ids.case1 = (await aStaffedCase(t, cast)).id as string;
    await t.http().post(`/api/v1/cases/${ids.case1}/subjects`).set('Authorization', cast.lead.auth).send({ subjectId: ids.covered }).expect(201);
    ids.case2 = (await aCase(t, cast.outsider)).id as string;
    await t.http().post(`/api/v1/cases/${ids.case2}/subjects`).set('Authorization', cast.outsider.auth).send({ subjectId: ids.uncovered }).expect(201);
    const tip = async (over: Record<string, unknown>, caseId?: string, by: Actor = cast.lead): Promise<string> => {
      const { id, etag } = await aSubmittedTip(t, key, {
        narrative: `Tip ${randomBytes(8).toString('hex')} about remote workers ${randomBytes(8).toString('hex')}.`,
        ...over,
      });
      etags[id] = etag;
      if (caseId)
        etags[id] = (await t.http().patch(`/api/v1/tips/${id}`).set('Authorization', by.auth).set('If-Match', etag).send({ caseId }).expect(200)).headers
          .etag;
      return id;
    };
    ids.onCase = await tip({ rewardInterest: false }, ids.case1);
    ids.onCase2 = await tip({ rewardInterest: false }, ids.case1);
    ids.planted = await tip({ rewardInterest: true, tipster: { name: PLANTED.name, email: PLANTED.email, contactPreference: 'email' } }, ids.case1);
    ids.interested = await tip({ rewardInterest: true });
    ids.plain = await tip({ rewardInterest: false });
    ids.otherCase = await tip({ rewardInterest: false }, ids.case2, cast.outsider);
    ids.duplicate = await tip({ rewardInterest: true });
    for (const n of [1, 2, 3]) ids[`spare${n}`] = await tip({ rewardInterest: true });
    await t
      .http()
      .patch(`/api/v1/tips/${ids.duplicate}`)
      .set('Authorization', sup1.auth)
      .set('If-Match', etags[ids.duplicate])
      .send({ status: 'duplicate', duplicateOf: ids.plain })
      .expect(200);
    ids.offer = (await anOffer(t, sup1, { maxAmount: { amount: 1_000_000_00, currency: 'USD' }, subjectIds: [ids.covered] })).id as string;
    ids.euroOffer = (
      await anOffer(t, sup1, { program: 'Partner programme', maxAmount: { amount: 50_000_00, currency: 'EUR' }, organizationIds: [ids.volasys] })
    ).id as string;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('recommending', () => {
    it("lets the lead of the tip's case recommend a reward on a tip linked to a case covering the offer's subjects; audited with the amount", async () => {
      const res = keep(await recommend(t, cast.lead, claimBody(ids.onCase, ids.offer, 250_000_00)));
      expect(res.status).toBe(201);
      expect(res.headers.etag).toBe('W/"1"');
      expect(res.body).toMatchObject({
        offerId: ids.offer,
        program: 'Rewards for Justice',
        tip: { id: ids.onCase, caseId: ids.case1, rewardInterest: false, tipster: { anonymous: true, pseudonym: null } },
        amount: { amount: 250_000_00, currency: 'USD', display: 'USD 250,000.00' },
        justification,
        state: 'recommended',
        allowed: ['approved', 'denied'],
        recommendedBy: cast.lead.id,
        approvedBy: null,
        paidAt: null,
        version: 1,
      });
      expect(res.body.tip.reference).toMatch(/^TIP-/);
      ids.claim1 = res.body.id as string;
      const [record] = await auditRecords(t, { action: 'reward.claim.recommend', resourceId: ids.claim1 });
      expect(record).toMatchObject({ outcome: 'success', actor_id: cast.lead.id, case_id: ids.case1, resource_type: 'reward-claim' });
      expect(record.details).toMatchObject({
        amount: { amount: 250_000_00, currency: 'USD' },
        display: 'USD 250,000.00',
        offerId: ids.offer,
        tipId: ids.onCase,
      });
      expect(record.changes.state).toEqual({ before: null, after: 'recommended' });
    });

    it('shows the tipster by pseudonym only, never the identity', async () => {
      const res = keep(await recommend(t, cast.member, claimBody(ids.planted, ids.euroOffer, 10_000_00, 'EUR')));
      expect(res.status).toBe(201);
      expect(res.body.tip.tipster).toEqual({ anonymous: false, pseudonym: expect.stringMatching(/^Tipster [23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$/) });
      ids.plantedClaim = res.body.id as string;
      const listed = await get(sup1, `${REWARDS}/claims?offerId=${ids.euroOffer}`);
      expect(listed.body.data[0].tip.tipster.pseudonym).toBe(res.body.tip.tipster.pseudonym);
      await get(cast.lead, `${REWARDS}/claims/${ids.plantedClaim}`);
      const all = seen.join('\n');
      expect(all).not.toContain(PLANTED.email);
      expect(all).not.toContain(PLANTED.name);
      const records = await auditRecords(t, { resourceId: ids.plantedClaim });
      expect(JSON.stringify(records)).not.toContain(PLANTED.email);
    });

    it('lets a supervisor recommend on any tip that asked for a reward, linked to a case or not', async () => {
      const res = await recommend(t, sup1, claimBody(ids.interested, ids.offer, 100_000_00));
      expect(res.status).toBe(201);
      expect(res.body.tip).toMatchObject({ caseId: null, rewardInterest: true });
      ids.claimInterested = res.body.id as string;
    });

    it('refuses a viewer of the case and an investigator on a tip linked to no case (403 saying why), and one outside the case (422: the tip does not exist for them)', async () => {
      const viewer = await recommend(t, cast.viewer, claimBody(ids.onCase2, ids.offer));
      expect([viewer.status, viewer.body.type]).toEqual([403, 'urn:casefile:problem:not-on-case']);
      expect(viewer.body.detail).toMatch(/lead or a member/);
      const unlinked = await recommend(t, cast.lead, claimBody(ids.interested, ids.euroOffer, 100, 'EUR'));
      expect([unlinked.status, unlinked.body.type]).toEqual([403, 'urn:casefile:problem:not-on-case']);
      const outsider = await recommend(t, cast.outsider, claimBody(ids.onCase2, ids.offer));
      expect(outsider.status).toBe(422);
      expect(outsider.body).toMatchObject({ type: 'urn:casefile:problem:tip-not-found', errors: [{ field: 'tipId' }] });
      const denied = await auditRecords(t, { action: 'reward.claim.recommend', actorId: cast.outsider.id });
      expect(denied.map((r) => r.outcome)).toEqual(expect.arrayContaining(['denied']));
      expect((await recommend(t, sup1, claimBody(randomUUID(), ids.offer))).status).toBe(422);
    });

    it("refuses tips that may not be rewarded from the offer: no reward asked and no case, a case that covers none of the offer's people, a duplicate", async () => {
      for (const [tip, why] of [
        [ids.plain, /linked to no case/],
        [ids.otherCase, /linked to none of the subjects or organizations/],
        [ids.duplicate, /duplicate/],
      ] as const) {
        const res = await recommend(t, sup1, claimBody(tip, ids.offer));
        expect([res.status, res.body.type]).toEqual([422, 'urn:casefile:problem:tip-not-eligible']);
        expect(res.body.detail).toMatch(why);
      }
      // The tip's case covers the offer's subject: eligible without the tipster asking.
      expect((await recommend(t, sup1, claimBody(ids.onCase2, ids.offer, 5_00))).status).toBe(201);
    });

    it("refuses a currency other than the offer's (422), an unknown currency (400), a closed offer (409), an unknown offer (422)", async () => {
      const euro = await recommend(t, sup1, claimBody(ids.interested, ids.euroOffer, 100, 'USD'));
      expect([euro.status, euro.body.type]).toEqual([422, 'urn:casefile:problem:currency-mismatch']);
      expect(euro.body.errors).toEqual([{ field: 'amount.currency', message: "must be EUR, the offer's currency" }]);
      const unknown = await recommend(t, sup1, claimBody(ids.interested, ids.euroOffer, 100, 'EUX'));
      expect([unknown.status, unknown.body.errors[0].field]).toEqual([400, 'amount.currency']);
      const closed = await anOffer(t, sup1, { program: 'Closed one', subjectIds: [ids.covered] });
      await closeOffer(t, sup1, closed.id as string).expect(200);
      const onClosed = await recommend(t, sup1, claimBody(ids.interested, closed.id as string));
      expect([onClosed.status, onClosed.body.type]).toEqual([409, 'urn:casefile:problem:offer-closed']);
      const ghost = await recommend(t, sup1, claimBody(ids.interested, randomUUID()));
      expect([ghost.status, ghost.body.type]).toEqual([422, 'urn:casefile:problem:offer-reference-not-found']);
    });

    it('refuses more than the offer has left (409 with what remains), and a second live claim on one tip and offer', async () => {
      const over = await recommend(t, sup1, claimBody(ids.planted, ids.offer, 1_000_000_01));
      expect([over.status, over.body.type]).toEqual([409, 'urn:casefile:problem:cap-exceeded']);
      expect(over.body.remaining).toEqual({ amount: 1_000_000_00, currency: 'USD' });
      const again = await recommend(t, sup2, claimBody(ids.onCase, ids.offer, 1_00));
      expect([again.status, again.body.type]).toEqual([409, 'urn:casefile:problem:claim-exists']);
    });

    it.each([
      ['negative', -100],
      ['zero', 0],
      ['fractional', 99.5],
      ['a string', '100'],
      ['null', null],
      ['an object', { value: 1 }],
    ])('refuses a %s amount (400 naming amount.amount)', async (_what, amount) => {
      const res = await recommend(t, sup1, claimBody(ids.interested, ids.offer, amount));
      expect([res.status, res.headers['content-type']]).toEqual([400, expect.stringMatching(PROBLEM)]);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('amount.amount');
    });

    it.each(['9007199254740993', '9007199254740992', '1e300', '1' + '0'.repeat(30)])(
      'refuses the absurd amount %s written in the JSON text',
      async (literal) => {
        const res = await t
          .http()
          .post(`${REWARDS}/claims`)
          .set('Authorization', sup1.auth)
          .set('Content-Type', 'application/json')
          .send(`{"tipId":"${ids.interested}","offerId":"${ids.offer}","amount":{"amount":${literal},"currency":"USD"},"justification":"${justification}"}`);
        expect([res.status, res.body.errors[0].field]).toEqual([400, 'amount.amount']);
      },
    );

    it('refuses unknown fields such as status, approvedBy or committed (no mass assignment), and bad justifications', async () => {
      for (const [field, value] of [
        ['status', 'approved'],
        ['state', 'paid'],
        ['approvedBy', sup1.id],
        ['recommendedBy', sup2.id],
        ['committed', { amount: 0, currency: 'USD' }],
        ['paidAt', '2025-01-01T00:00:00Z'],
        ['id', randomUUID()],
      ] as const) {
        const res = await recommend(t, sup1, claimBody(ids.interested, ids.offer, 100, 'USD', { [field]: value }));
        expect([field, res.status, res.body.errors?.[0]]).toEqual([field, 400, { field, message: 'is not an accepted field' }]);
      }
      const nested = await recommend(t, sup1, { ...claimBody(ids.interested, ids.offer), amount: { amount: 100, currency: 'USD', display: 'x' } });
      expect([nested.status, nested.body.errors[0].field]).toEqual([400, 'amount.display']);
      for (const bad of ['short', 'x'.repeat(5001), 'nul\u0000byte here', 'bell \u0007 is a control char']) {
        expect((await recommend(t, sup1, claimBody(ids.interested, ids.offer, 100, 'USD', { justification: bad }))).status).toBe(400);
      }
      // Long enough, but blank: a justification says something (it used to pass as 20 spaces).
      for (const blank of [' '.repeat(20), '\n\t '.repeat(5), 'a' + ' '.repeat(20) + 'b']) {
        const res = await recommend(t, sup1, claimBody(ids.interested, ids.offer, 100, 'USD', { justification: blank }));
        expect([res.status, res.body.errors]).toEqual([400, [{ field: 'justification', message: 'justification must say something' }]]);
      }
      expect((await recommend(t, sup1, { ...claimBody(ids.interested, ids.offer), tipId: 'TIP-ABC' })).status).toBe(400);
      expect((await recommend(t, sup1, { ...claimBody(ids.interested, ids.offer), amount: undefined })).status).toBe(400);
    });
  });

  describe('deciding and paying', () => {
    it('refuses the recommender approving or denying their own recommendation (403 saying why)', async () => {
      for (const action of ['approve', 'deny'] as const) {
        const res = await decide(t, sup1, ids.claimInterested, action, action === 'deny' ? { reason: 'Mine to refuse' } : {});
        expect([res.status, res.body.type]).toEqual([403, 'urn:casefile:problem:separation-of-duties']);
        expect(res.body.detail).toMatch(/You recommended this claim/);
      }
      const records = await auditRecords(t, { action: 'reward.claim.approve', resourceId: ids.claimInterested });
      expect(records.map((r) => [r.outcome, r.details.problem])).toEqual([['denied', 'separation-of-duties']]);
    });

    it("approves under the cap: the offer's committed total and what remains move; audited with the amount and the totals", async () => {
      const before = await committedOf(ids.offer);
      const res = keep(await decide(t, sup2, ids.claim1, 'approve', { note: 'Solid lead' }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'approved', approvedBy: sup2.id, approvalNote: 'Solid lead', allowed: ['paid'], version: 2 });
      expect(res.headers.etag).toBe('W/"2"');
      expect(await committedOf(ids.offer)).toBe(before + 250_000_00);
      const offer = await get(cast.lead, `${REWARDS}/offers/${ids.offer}`);
      expect(offer.body.remaining.amount).toBe(1_000_000_00 - offer.body.committed.amount);
      const [record] = (await auditRecords(t, { action: 'reward.claim.approve', resourceId: ids.claim1 })).filter((r) => r.outcome === 'success');
      expect(record).toMatchObject({ actor_id: sup2.id, case_id: ids.case1 });
      expect(record.details).toMatchObject({
        amount: { amount: 250_000_00, currency: 'USD' },
        committedBefore: before,
        committedAfter: before + 250_000_00,
        maxAmount: 1_000_000_00,
      });
      expect(record.changes.state).toEqual({ before: 'recommended', after: 'approved' });
    });

    it('refuses approving a claim whose tip was marked a duplicate after the recommendation (422), and commits nothing', async () => {
      const { id: tipId, etag } = await aSubmittedTip(t, key, { rewardInterest: true });
      const claim = await aClaim(t, sup1, tipId, ids.offer, 1_00);
      await t
        .http()
        .patch(`/api/v1/tips/${tipId}`)
        .set('Authorization', sup1.auth)
        .set('If-Match', etag)
        .send({ status: 'duplicate', duplicateOf: ids.plain })
        .expect(200);
      const before = await committedOf(ids.offer);
      const res = await decide(t, sup2, claim.id as string, 'approve');
      expect([res.status, res.body.type]).toEqual([422, 'urn:casefile:problem:tip-not-eligible']);
      expect(res.body.detail).toMatch(/marked a duplicate/);
      expect(await committedOf(ids.offer)).toBe(before);
      expect((await get(sup2, `${REWARDS}/claims/${claim.id}`)).body.state).toBe('recommended');
      await decide(t, sup2, claim.id as string, 'deny', { reason: 'Duplicate of an earlier tip' }).expect(200);
    });

    it('refuses approving twice (409 naming the allowed moves)', async () => {
      const res = await decide(t, sup3, ids.claim1, 'approve');
      expect([res.status, res.body.type]).toEqual([409, 'urn:casefile:problem:invalid-claim-transition']);
      expect(res.body).toMatchObject({ state: 'approved', allowed: ['paid'] });
      expect(res.body.detail).toMatch(/^An approved claim cannot be approved; from approved it can be: paid$/);
    });

    it('refuses the approver paying (403), and payment times before the approval or in the future (422)', async () => {
      const approver = await decide(t, sup2, ids.claim1, 'pay', { paymentReference: 'RFJ-0001', paidAt: new Date().toISOString() });
      expect([approver.status, approver.body.type]).toEqual([403, 'urn:casefile:problem:separation-of-duties']);
      expect(approver.body.detail).toMatch(/You approved this claim/);
      const future = await decide(t, sup3, ids.claim1, 'pay', { paymentReference: 'RFJ-0001', paidAt: new Date(Date.now() + 3_600_000).toISOString() });
      expect([future.status, future.body.errors]).toEqual([422, [{ field: 'paidAt', message: 'must not be in the future' }]]);
      const early = await decide(t, sup3, ids.claim1, 'pay', { paymentReference: 'RFJ-0001', paidAt: '2020-01-01T00:00:00Z' });
      expect([early.status, early.body.type]).toEqual([422, 'urn:casefile:problem:payment-time-invalid']);
    });

    it('refuses bad payment bodies', async () => {
      for (const body of [
        {},
        { paymentReference: 'RFJ-1' },
        { paidAt: new Date().toISOString() },
        { paymentReference: '', paidAt: new Date().toISOString() },
        { paymentReference: '   ', paidAt: new Date().toISOString() },
        { paymentReference: 'x'.repeat(101), paidAt: new Date().toISOString() },
        { paymentReference: 'two\nlines', paidAt: new Date().toISOString() },
        { paymentReference: 'RFJ-1', paidAt: 'yesterday' },
        { paymentReference: 'RFJ-1', paidAt: '+275760-09-13T00:00:00Z' },
        { paymentReference: 'RFJ-1', paidAt: new Date().toISOString(), amount: { amount: 1, currency: 'USD' } },
        { paymentReference: 'RFJ-1', paidAt: new Date().toISOString(), status: 'paid' },
      ]) {
        const res = await decide(t, sup3, ids.claim1, 'pay', body);
        expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      }
    });

    it('records the payment once, by someone other than the approver; a second payment is a 409; the committed total does not move', async () => {
      const committed = await committedOf(ids.offer);
      const paidAt = new Date().toISOString();
      const res = keep(await decide(t, sup3, ids.claim1, 'pay', { paymentReference: 'RFJ-2025-000117', paidAt }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'paid', paidBy: sup3.id, paidAt, paymentReference: 'RFJ-2025-000117', allowed: [], version: 3 });
      expect(res.headers.etag).toBe('W/"3"');
      expect(res.body.paymentRecordedAt).toEqual(expect.any(String));
      const again = await decide(t, sup1, ids.claim1, 'pay', { paymentReference: 'RFJ-2025-000118', paidAt });
      expect([again.status, again.body.type, again.body.allowed]).toEqual([409, 'urn:casefile:problem:invalid-claim-transition', []]);
      expect(again.body.detail).toMatch(/nothing \(final\)/);
      const offer = await get(sup1, `${REWARDS}/offers/${ids.offer}`);
      expect(offer.body.committed.amount).toBe(committed);
      expect(offer.body.paid).toMatchObject({ amount: 250_000_00, currency: 'USD' });
      const [record] = (await auditRecords(t, { action: 'reward.claim.pay', resourceId: ids.claim1 })).filter((r) => r.outcome === 'success');
      expect(record.details).toMatchObject({ amount: { amount: 250_000_00, currency: 'USD' } });
      expect(record.changes).toMatchObject({ state: { before: 'approved', after: 'paid' }, paymentReference: { before: null, after: 'RFJ-2025-000117' } });
    });

    it('refuses a payment reference that already paid another claim', async () => {
      const claim = await aClaim(t, sup1, ids.spare1, ids.euroOffer, 1_00, 'EUR');
      await decide(t, sup2, claim.id as string, 'approve').expect(200);
      const res = await decide(t, sup3, claim.id as string, 'pay', { paymentReference: 'RFJ-2025-000117', paidAt: new Date().toISOString() });
      expect([res.status, res.body.type]).toEqual([409, 'urn:casefile:problem:payment-reference-used']);
    });

    it('denies with a reason (required); a denied claim is final, cannot be paid, and frees the tip for a new claim', async () => {
      expect((await decide(t, sup2, ids.claimInterested, 'deny', {})).status).toBe(400);
      expect((await decide(t, sup2, ids.claimInterested, 'deny', { reason: '  ' })).status).toBe(400);
      const res = await decide(t, sup2, ids.claimInterested, 'deny', { reason: 'Already known from the employer report' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ state: 'denied', deniedBy: sup2.id, denialReason: 'Already known from the employer report', allowed: [] });
      expect(res.headers.etag).toBe('W/"2"');
      const pay = await decide(t, sup3, ids.claimInterested, 'pay', { paymentReference: 'RFJ-DENIED', paidAt: new Date().toISOString() });
      expect([pay.status, pay.body.type]).toEqual([409, 'urn:casefile:problem:invalid-claim-transition']);
      expect(pay.body.detail).toMatch(/A denied claim cannot be paid/);
      expect((await decide(t, sup3, ids.claimInterested, 'approve')).status).toBe(409);
      const [record] = (await auditRecords(t, { action: 'reward.claim.deny', resourceId: ids.claimInterested })).filter((r) => r.outcome === 'success');
      expect(record.details).toMatchObject({ amount: { amount: 100_000_00, currency: 'USD' } });
      expect((await recommend(t, sup3, claimBody(ids.interested, ids.offer, 50_00))).status).toBe(201);
    });

    it('stops approvals on a closed offer, but still pays what it approved and still denies', async () => {
      const offer = await anOffer(t, sup1, { program: 'Closing soon', maxAmount: { amount: 10_000, currency: 'USD' }, subjectIds: [ids.covered] });
      const a = await aClaim(t, sup1, ids.interested, offer.id as string, 1_000);
      const b = await aClaim(t, sup1, ids.planted, offer.id as string, 1_000);
      const c = await aClaim(t, sup1, ids.onCase, offer.id as string, 1_000);
      await decide(t, sup2, a.id as string, 'approve').expect(200);
      await closeOffer(t, sup1, offer.id as string).expect(200);
      const approve = await decide(t, sup2, b.id as string, 'approve');
      expect([approve.status, approve.body.type]).toEqual([409, 'urn:casefile:problem:offer-closed']);
      await decide(t, sup3, a.id as string, 'pay', { paymentReference: `RFJ-${randomBytes(3).toString('hex')}`, paidAt: new Date().toISOString() }).expect(200);
      await decide(t, sup2, c.id as string, 'deny', { reason: 'Offer closed' }).expect(200);
    });

    it('replays an approval sent again with the same Idempotency-Key instead of answering 409', async () => {
      const claim = await aClaim(t, sup1, ids.planted, ids.offer, 1_00);
      const send = () =>
        t
          .http()
          .post(`${REWARDS}/claims/${claim.id as string}/approve`)
          .set('Authorization', sup2.auth)
          .set('Idempotency-Key', `approve-${claim.id as string}`)
          .send({});
      const first = await send();
      const second = await send();
      expect([first.status, second.status, second.headers['idempotency-replayed']]).toEqual([200, 200, 'true']);
      expect(second.body).toEqual(first.body);
    });

    it('answers 422 to the same Idempotency-Key with another body, and describes that 422 and the ETag of every decision in OpenAPI', async () => {
      const tip = await aSubmittedTip(t, key, { rewardInterest: true, narrative: `Key reuse tip ${randomBytes(12).toString('hex')}` });
      const claim = await aClaim(t, sup1, tip.id, ids.offer, 1_00);
      const send = (body: object) =>
        t
          .http()
          .post(`${REWARDS}/claims/${claim.id as string}/approve`)
          .set('Authorization', sup2.auth)
          .set('Idempotency-Key', `decide-${claim.id as string}`)
          .send(body);
      expect((await send({ note: 'Fine' })).status).toBe(200);
      const reused = await send({ note: 'Other' });
      expect([reused.status, reused.body.type]).toEqual([422, 'urn:casefile:problem:idempotency-key-reused']);
      const doc = (await t.http().get('/openapi.json').expect(200)).body as {
        paths: Record<string, Record<string, { responses: Record<string, { headers?: object }> }>>;
      };
      for (const action of ['approve', 'deny', 'pay']) {
        const responses = doc.paths[`/api/v1/rewards/claims/{id}/${action}`].post.responses;
        expect([action, Object.keys(responses['200'].headers ?? {})]).toEqual([action, expect.arrayContaining(['ETag'])]);
        expect([action, Object.keys(responses)]).toEqual([action, expect.arrayContaining(['200', '400', '403', '404', '409', '422'])]);
      }
    });

    it('answers 404 for a claim that does not exist, and 400 for a malformed id', async () => {
      expect((await decide(t, sup2, randomUUID(), 'approve')).status).toBe(404);
      expect((await decide(t, sup2, 'nope', 'approve')).status).toBe(400);
      expect((await get(sup2, `${REWARDS}/claims/${randomUUID()}`)).status).toBe(404);
      // Any canonical UUID is an id in a path as in a body (the max and nil UUIDs too): unknown, not malformed.
      for (const id of ['ffffffff-ffff-ffff-ffff-ffffffffffff', '00000000-0000-0000-0000-000000000000']) {
        expect((await get(sup2, `${REWARDS}/claims/${id}`)).status).toBe(404);
      }
    });
  });

  describe('reading claims: need to know, filters, keyset pages', () => {
    it("hides claims on a case's tips from investigators outside the case (404, audited as denied), and shows them to its members and supervisors", async () => {
      const outsider = await get(cast.outsider, `${REWARDS}/claims/${ids.claim1}`);
      expect([outsider.status, outsider.headers['content-type']]).toEqual([404, expect.stringMatching(PROBLEM)]);
      const [denied] = await auditRecords(t, { action: 'reward.claim.read', actorId: cast.outsider.id });
      expect(denied).toMatchObject({ outcome: 'denied', resource_id: ids.claim1 });
      for (const who of [cast.lead, cast.viewer, sup3]) {
        const res = await get(who, `${REWARDS}/claims/${ids.claim1}`);
        expect(res.status).toBe(200);
        expect(res.headers.etag).toBe('W/"3"');
      }
      const [read] = await auditRecords(t, { action: 'reward.claim.read', resourceId: ids.claim1, actorId: cast.lead.id });
      expect(read).toMatchObject({ outcome: 'success', case_id: ids.case1 });
      expect(read.details.amount).toEqual({ amount: 250_000_00, currency: 'USD' });
      const list = await get(cast.outsider, `${REWARDS}/claims?limit=100`);
      expect(list.body.data.map((c: { tip: { caseId: string | null } }) => c.tip.caseId)).not.toContain(ids.case1);
      const approveHidden = await t.http().post(`${REWARDS}/claims/${ids.plantedClaim}/approve`).set('Authorization', cast.outsider.auth).send({});
      expect(approveHidden.status).toBe(403);
      expect((await get(cast.analyst, `${REWARDS}/claims/${ids.claim1}`)).status).toBe(403);
      expect((await get(intake, `${REWARDS}/claims`)).status).toBe(403);
    });

    it('filters by offer, state and recommender, newest first, in keyset pages; a cursor from another filter is a 400', async () => {
      const all = await get(sup1, `${REWARDS}/claims?limit=100`);
      const [{ n }] = await t.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM reward_claim');
      expect(all.body.data).toHaveLength(n);
      const allIds = all.body.data.map((c: { id: string }) => c.id);
      expect(allIds).toEqual([...allIds].sort().reverse());
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const page: request.Response = await get(sup1, `${REWARDS}/claims?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        walked.push(...page.body.data.map((c: { id: string }) => c.id));
        cursor = page.body.nextCursor as string | null;
      } while (cursor);
      expect(walked).toEqual(allIds);
      const byOffer = await get(sup1, `${REWARDS}/claims?offerId=${ids.euroOffer}`);
      expect(byOffer.body.data.length).toBeGreaterThan(0);
      expect(byOffer.body.data.every((c: { offerId: string }) => c.offerId === ids.euroOffer)).toBe(true);
      const paid = await get(sup1, `${REWARDS}/claims?state=paid&offerId=${ids.offer}`);
      expect(paid.body.data.map((c: { id: string }) => c.id)).toEqual([ids.claim1]);
      const mine = await get(cast.lead, `${REWARDS}/claims?recommendedBy=${cast.lead.id}`);
      expect(mine.body.data.map((c: { id: string }) => c.id)).toEqual([ids.claim1]);
      const first = await get(sup1, `${REWARDS}/claims?limit=1`);
      expect((await get(sup1, `${REWARDS}/claims?state=paid&cursor=${first.body.nextCursor as string}`)).status).toBe(400);
      for (const bad of ['state=settled', 'offerId=nope', 'recommendedBy=1', 'limit=0', 'limit=101', 'tipster=x']) {
        expect([bad, (await get(sup1, `${REWARDS}/claims?${bad}`)).status]).toEqual([bad, 400]);
      }
      const [record] = await auditRecords(t, { action: 'reward.claim.list', actorId: cast.lead.id });
      expect(record.details).toMatchObject({ count: 1, claimIds: [ids.claim1] });
    });
  });

  describe('what the database itself guarantees', () => {
    const rejects = (sql: string, params: unknown[], why: RegExp) => expect(t.dataSource.query(sql, params)).rejects.toThrow(why);

    it('never lets a paid claim change again (no second payment), nor a claim skip or reverse a state', async () => {
      await rejects(
        `UPDATE reward_claim SET paid_by = $2, paid_at = now(), payment_reference = 'AGAIN', payment_recorded_at = now() WHERE id = $1`,
        [ids.claim1, sup1.id],
        /cannot go from paid to paid/,
      );
      await rejects(`UPDATE reward_claim SET state = 'approved' WHERE id = $1`, [ids.claim1], /cannot go from paid to approved/);
      await rejects(
        `UPDATE reward_claim SET state = 'recommended', approved_by = NULL, approved_at = NULL WHERE id = $1`,
        [ids.claim1],
        /cannot go from paid to recommended/,
      );
      const fresh = await aClaim(t, sup1, ids.spare2, ids.euroOffer, 1_00, 'EUR');
      await rejects(
        `UPDATE reward_claim SET state = 'paid', paid_by = $2, paid_at = now(), payment_reference = 'SKIP', payment_recorded_at = now() WHERE id = $1`,
        [fresh.id, sup2.id],
        /cannot go from recommended to paid/,
      );
      const [row] = await t.dataSource.query<{ state: string; payment_reference: string }[]>(
        'SELECT state, payment_reference FROM reward_claim WHERE id = $1',
        [ids.claim1],
      );
      expect(row).toEqual({ state: 'paid', payment_reference: 'RFJ-2025-000117' });
    });

    it('never changes the amount, tip or offer of a claim, lets no one decide their own recommendation, and deletes nothing', async () => {
      await rejects('UPDATE reward_claim SET amount = amount + 1 WHERE id = $1', [ids.claim1], /never change/);
      await rejects('UPDATE reward_claim SET offer_id = $2 WHERE id = $1', [ids.claim1, ids.euroOffer], /never change/);
      const fresh = await aClaim(t, sup1, ids.spare3, ids.euroOffer, 2_00, 'EUR');
      await rejects(
        `UPDATE reward_claim SET state = 'approved', approved_by = recommended_by, approved_at = now() WHERE id = $1`,
        [fresh.id],
        /ck_reward_claim_two_persons/,
      );
      await rejects('DELETE FROM reward_claim WHERE id = $1', [ids.claim1], /rows are kept/);
      await rejects('DELETE FROM reward_offer WHERE id = $1', [ids.offer], /rows are kept/);
      await rejects('TRUNCATE reward_claim', [], /rows are kept/);
    });

    it('moves the committed total only with the claims, and refuses a total over the maximum whatever the statement', async () => {
      await rejects('UPDATE reward_offer SET committed_amount = 0 WHERE id = $1', [ids.offer], /moves only with the claims/);
      await rejects('UPDATE reward_offer SET currency = $2 WHERE id = $1', [ids.offer, 'EUR'], /currency of a reward offer never changes/);
      await rejects(
        `INSERT INTO reward_offer (id, program, max_amount, currency, committed_amount, created_by) VALUES ($1, 'x', 100, 'USD', 50, $2)`,
        [randomUUID(), sup1.id],
        /nothing committed/,
      );
      const offer = await anOffer(t, sup1, { program: 'Tiny', maxAmount: { amount: 1_000, currency: 'USD' }, subjectIds: [ids.covered] });
      const a = await aClaim(t, sup1, ids.interested, offer.id as string, 600);
      const b = await aClaim(t, sup1, ids.planted, offer.id as string, 600);
      // Both approved by one statement, behind the service's back: the database refuses the total.
      await rejects(
        `UPDATE reward_claim SET state = 'approved', approved_by = $2, approved_at = now() WHERE id = ANY($1::uuid[])`,
        [[a.id, b.id], sup2.id],
        /ck_reward_offer_cap/,
      );
      const [row] = await t.dataSource.query<{ committed_amount: string }[]>('SELECT committed_amount FROM reward_offer WHERE id = $1', [offer.id]);
      expect(row.committed_amount).toBe('0');
      await t.dataSource.query(`UPDATE reward_claim SET state = 'approved', approved_by = $2, approved_at = now() WHERE id = $1`, [a.id, sup2.id]);
      expect(await committedOf(offer.id as string)).toBe(600);
      await rejects(`UPDATE reward_offer SET max_amount = 500 WHERE id = $1`, [offer.id], /ck_reward_offer_cap/);
    });

    it("keeps every offer's committed total equal to its approved and paid claims", async () => {
      const rows = await t.dataSource.query<{ id: string; committed: string; sum: string }[]>(
        `SELECT o.id, o.committed_amount AS committed, coalesce((SELECT sum(amount) FROM reward_claim c WHERE c.offer_id = o.id AND c.state IN ('approved', 'paid')), 0) AS sum FROM reward_offer o`,
      );
      expect(rows.length).toBeGreaterThan(3);
      for (const r of rows) expect([r.id, r.committed]).toEqual([r.id, String(r.sum)]);
    });
  });
});
