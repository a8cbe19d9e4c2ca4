import type { Actor } from './cases';
import type { TestApp } from './test-app';

export const REWARDS = '/api/v1/rewards';

/** An offer created through the API by `by` (a supervisor); returns the response body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are loosely typed test data
export async function anOffer(t: TestApp, by: Actor, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await t
    .http()
    .post(`${REWARDS}/offers`)
    .set('Authorization', by.auth)
    .send({ program: 'Rewards for Justice', description: 'Information on the Silverstar IT workers', maxAmount: { amount: 500_000_000, currency: 'USD' }, ...overrides });
  if (res.status !== 201) throw new Error(`offer create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** POST /rewards/claims as `by`. */
export function recommend(t: TestApp, by: Actor, body: Record<string, unknown>) {
  return t.http().post(`${REWARDS}/claims`).set('Authorization', by.auth).send(body);
}

/** A claim recommended through the API; returns the response body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are loosely typed test data
export async function aClaim(t: TestApp, by: Actor, tipId: string, offerId: string, amount: number, currency = 'USD'): Promise<Record<string, any>> {
  const res = await recommend(t, by, { tipId, offerId, amount: { amount, currency }, justification: 'The tip identified a laptop farm host.' });
  if (res.status !== 201) throw new Error(`claim recommend failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** POST /rewards/claims/:id/<action> as `by`. */
export function decide(t: TestApp, by: Actor, claimId: string, action: 'approve' | 'deny' | 'pay', body: Record<string, unknown> = {}) {
  return t.http().post(`${REWARDS}/claims/${claimId}/${action}`).set('Authorization', by.auth).send(body);
}

/** PATCH /rewards/offers/:id to `closed` as `by`, at the offer's first version. */
export function closeOffer(t: TestApp, by: Actor, offerId: string) {
  return t.http().patch(`${REWARDS}/offers/${offerId}`).set('Authorization', by.auth).set('If-Match', 'W/"1"').send({ status: 'closed' });
}
