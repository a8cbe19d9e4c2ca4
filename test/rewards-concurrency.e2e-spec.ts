import { randomBytes } from 'node:crypto';
import { signedIn } from './support/actors';
import type { Actor } from './support/cases';
import { aClaim, anOffer, closeOffer, decide, recommend, REWARDS } from './support/rewards';
import { createTestApp, TestApp } from './support/test-app';
import { anIntegration, aSubmittedTip } from './support/tips';

/** The cap under concurrent approvals, over real HTTP requests in parallel. */
describe('reward claims under concurrency', () => {
  let t: TestApp;
  let key: string;
  let recommender: Actor;
  let approverA: Actor;
  let approverB: Actor;
  let payer: Actor;

  const tips = async (n: number): Promise<string[]> => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      out.push((await aSubmittedTip(t, key, { rewardInterest: true, narrative: `Concurrent tip ${i} ${randomBytes(12).toString('hex')}` })).id);
    }
    return out;
  };
  const committed = async (offerId: string): Promise<{ api: number; column: string; sum: string }> => {
    const res = await t.http().get(`${REWARDS}/offers/${offerId}`).set('Authorization', payer.auth).expect(200);
    const [row] = await t.dataSource.query<{ column: string; sum: string }[]>(
      `SELECT o.committed_amount AS column, (SELECT coalesce(sum(amount), 0) FROM reward_claim WHERE offer_id = o.id AND state IN ('approved', 'paid'))::text AS sum
         FROM reward_offer o WHERE o.id = $1`,
      [offerId],
    );
    return { api: res.body.committed.amount as number, ...row };
  };

  beforeAll(async () => {
    t = await createTestApp();
    ({ apiKey: key } = await anIntegration(t));
    [recommender, approverA, approverB, payer] = await Promise.all([1, 2, 3, 4].map(() => signedIn(t, ['supervisor'])));
  });
  afterAll(async () => {
    await t.close();
  });

  const subject = async (): Promise<string> =>
    (await t.http().post('/api/v1/subjects').set('Authorization', recommender.auth).send({ fullName: `Unnamed defendant ${randomBytes(2).toString('hex')}` }).expect(201)).body.id as string;

  it('approves exactly the claims that fit when 20 approvals whose total is over the cap run at once; the rest get 409 and the committed total is exact', async () => {
    // USD 10,000.00 cap; 20 claims of USD 750.00 (USD 15,000.00 in all): 13 fit (USD 9,750.00), 7 do not.
    const offer = await anOffer(t, recommender, { maxAmount: { amount: 1_000_000, currency: 'USD' }, subjectIds: [await subject()] });
    const claims: string[] = [];
    for (const tip of await tips(20)) claims.push((await aClaim(t, recommender, tip, offer.id as string, 75_000)).id as string);
    const results = await Promise.all(claims.map((id, i) => decide(t, i % 2 ? approverA : approverB, id, 'approve')));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(13);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    for (const refused of results.filter((r) => r.status === 409)) {
      expect(refused.body.type).toBe('urn:casefile:problem:cap-exceeded');
      expect(refused.body.requested).toEqual({ amount: 75_000, currency: 'USD' });
      expect(refused.body.remaining.amount).toBeLessThan(75_000);
    }
    expect(await committed(offer.id as string)).toEqual({ api: 975_000, column: '975000', sum: '975000' });
    const [{ n }] = await t.dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM reward_claim WHERE offer_id = $1 AND state = 'approved'`, [offer.id]);
    expect(n).toBe(13);
  });

  it('with uneven amounts racing, never commits past the cap, and refuses only what no longer fits', async () => {
    const cap = 1_000_000;
    const offer = await anOffer(t, recommender, { maxAmount: { amount: cap, currency: 'USD' }, subjectIds: [await subject()] });
    const amounts = [310_000, 290_000, 120_000, 90_000, 250_000, 180_000, 60_000, 400_000, 70_000, 130_000, 45_000, 220_000, 15_000, 330_000, 80_000, 95_000, 150_000, 20_000, 275_000, 55_000];
    const claims: { id: string; amount: number }[] = [];
    const tipIds = await tips(amounts.length);
    for (const [i, amount] of amounts.entries()) claims.push({ id: (await aClaim(t, recommender, tipIds[i], offer.id as string, amount)).id as string, amount });
    const results = await Promise.all(claims.map((c, i) => decide(t, i % 2 ? approverA : approverB, c.id, 'approve')));
    const approved = claims.filter((_, i) => results[i].status === 200);
    const refused = claims.filter((_, i) => results[i].status === 409);
    expect(approved.length + refused.length).toBe(claims.length);
    const total = approved.reduce((sum, c) => sum + c.amount, 0);
    expect(total).toBeLessThanOrEqual(cap);
    expect(await committed(offer.id as string)).toEqual({ api: total, column: String(total), sum: String(total) });
    // The committed total only grows: a claim refused then does not fit now either.
    for (const c of refused) expect(c.amount).toBeGreaterThan(cap - total);
  });

  it('approves one claim sent to be approved many times at once exactly once', async () => {
    const offer = await anOffer(t, recommender, { maxAmount: { amount: 1_000_000, currency: 'USD' }, subjectIds: [await subject()] });
    const [tip] = await tips(1);
    const claim = await aClaim(t, recommender, tip, offer.id as string, 400_000);
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => decide(t, i % 2 ? approverA : approverB, claim.id as string, 'approve')));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    const conflicts = results.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(9);
    for (const r of conflicts) expect(r.body).toMatchObject({ type: 'urn:casefile:problem:invalid-claim-transition', allowed: ['paid'] });
    expect(await committed(offer.id as string)).toEqual({ api: 400_000, column: '400000', sum: '400000' });
    const [{ version }] = await t.dataSource.query<{ version: number }[]>('SELECT version FROM reward_claim WHERE id = $1', [claim.id]);
    expect(version).toBe(2);
  });

  it('records one payment when the same claim is paid twice at once', async () => {
    const offer = await anOffer(t, recommender, { maxAmount: { amount: 1_000_000, currency: 'USD' }, subjectIds: [await subject()] });
    const [tip] = await tips(1);
    const claim = await aClaim(t, recommender, tip, offer.id as string, 100_000);
    await decide(t, approverA, claim.id as string, 'approve').expect(200);
    const paidAt = new Date().toISOString();
    const results = await Promise.all(
      [approverB, payer, recommender, approverB].map((who, i) => decide(t, who, claim.id as string, 'pay', { paymentReference: `RACE-${i}-${randomBytes(3).toString('hex')}`, paidAt })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const [row] = await t.dataSource.query<{ state: string; payment_reference: string }[]>('SELECT state, payment_reference FROM reward_claim WHERE id = $1', [claim.id]);
    const winner = results.find((r) => r.status === 200)!;
    expect(row).toEqual({ state: 'paid', payment_reference: winner.body.paymentReference });
  });

  it('keeps one live claim per tip and offer when the same recommendation races', async () => {
    const offer = await anOffer(t, recommender, { maxAmount: { amount: 1_000_000, currency: 'USD' }, subjectIds: [await subject()] });
    const [tip] = await tips(1);
    const body = { tipId: tip, offerId: offer.id, amount: { amount: 1_000, currency: 'USD' }, justification: 'The same recommendation, sent by two people at once.' };
    const results = await Promise.all([recommender, approverA, approverB, payer].map((who) => recommend(t, who, body)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.type).toBe('urn:casefile:problem:claim-exists');
  });

  it('orders approvals and a closing of the offer that race: each approval is wholly before the close, or refused', async () => {
    const offer = await anOffer(t, recommender, { maxAmount: { amount: 1_000_000, currency: 'USD' }, subjectIds: [await subject()] });
    const claims: string[] = [];
    for (const tip of await tips(8)) claims.push((await aClaim(t, recommender, tip, offer.id as string, 10_000)).id as string);
    const close = closeOffer(t, payer, offer.id as string);
    const [closed, ...approvals] = await Promise.all([close, ...claims.map((id, i) => decide(t, i % 2 ? approverA : approverB, id, 'approve'))]);
    expect(closed.status).toBe(200);
    // Each approval ran wholly before the close (200) or after it (409 offer-closed): the offer's row lock orders them.
    for (const a of approvals) expect([a.status, a.status === 409 ? a.body.type : 'ok']).toEqual(a.status === 200 ? [200, 'ok'] : [409, 'urn:casefile:problem:offer-closed']);
    const approvedCount = approvals.filter((a) => a.status === 200).length;
    expect(await committed(offer.id as string)).toEqual({ api: approvedCount * 10_000, column: String(approvedCount * 10_000), sum: String(approvedCount * 10_000) });
  });
});
