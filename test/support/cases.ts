import type { Role } from '../../src/access/request-context';
import { signedIn, TestUser, Tokens } from './actors';
import type { TestApp } from './test-app';

export type Actor = TestUser & Tokens & { auth: string };

/** A case opened through the API by `by` (an investigator or supervisor); returns the response body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are loosely typed test data
export async function aCase(t: TestApp, by: Actor, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const res = await t
    .http()
    .post('/api/v1/cases')
    .set('Authorization', by.auth)
    .send({ title: 'Silverstar IT workers', summary: 'DPRK IT workers under false identities', sensitivity: 'confidential', ...overrides });
  if (res.status !== 201) throw new Error(`case create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Adds `user` to the case as `role`, by `by` (the lead or a supervisor). */
export async function addMember(t: TestApp, caseId: string, by: Actor, user: { id: string }, role: 'lead' | 'member' | 'viewer'): Promise<void> {
  const res = await t.http().post(`/api/v1/cases/${caseId}/members`).set('Authorization', by.auth).send({ userId: user.id, role });
  if (res.status !== 201) throw new Error(`add member failed: ${res.status} ${JSON.stringify(res.body)}`);
}

/** A cast for a case: a lead investigator, a member, a viewer, an outsider investigator, a supervisor, an analyst member. */
export interface Cast {
  lead: Actor;
  member: Actor;
  viewer: Actor;
  outsider: Actor;
  supervisor: Actor;
  analyst: Actor;
}

export async function aCast(t: TestApp): Promise<Cast> {
  const roles: Record<keyof Cast, Role[]> = {
    lead: ['investigator'],
    member: ['investigator'],
    viewer: ['investigator'],
    outsider: ['investigator'],
    supervisor: ['supervisor'],
    analyst: ['analyst'],
  };
  const entries = await Promise.all(Object.entries(roles).map(async ([name, r]) => [name, await signedIn(t, r)] as const));
  return Object.fromEntries(entries) as unknown as Cast;
}

/** A case led by `cast.lead` with `member`, `viewer` and `analyst` (member) in it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are loosely typed test data
export async function aStaffedCase(t: TestApp, cast: Cast, overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const c = await aCase(t, cast.lead, overrides);
  await addMember(t, c.id as string, cast.lead, cast.member, 'member');
  await addMember(t, c.id as string, cast.lead, cast.viewer, 'viewer');
  await addMember(t, c.id as string, cast.lead, cast.analyst, 'member');
  return c;
}
