import { randomBytes } from 'node:crypto';
import { SYSTEM_CONTEXT } from '../../src/audit/audit-trail.service';
import type { Role } from '../../src/access/request-context';
import { UsersService } from '../../src/users/users.service';
import type { TestApp } from './test-app';

export const ADMIN_PASSWORD = 'bootstrap-admin-password-for-tests';
export const ALL_ROLES: Role[] = ['admin', 'supervisor', 'investigator', 'analyst', 'intake', 'auditor'];

export interface TestUser {
  id: string;
  username: string;
  password: string;
  roles: Role[];
}

/** Creates a user through the real service (argon2id, audited). */
export async function aUser(t: TestApp, overrides: Partial<{ username: string; password: string; roles: Role[]; displayName: string }> = {}): Promise<TestUser> {
  const username = overrides.username ?? `user.${randomBytes(4).toString('hex')}`;
  const password = overrides.password ?? `pw-${randomBytes(9).toString('base64url')}`;
  const roles = overrides.roles ?? ['investigator'];
  const created = await t.app.get(UsersService).create(SYSTEM_CONTEXT, { username, password, roles, displayName: overrides.displayName ?? username });
  return { id: created.id, username, password, roles };
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
}

export async function login(t: TestApp, username: string, password: string): Promise<Tokens> {
  const res = await t.http().post('/api/v1/auth/login').send({ username, password });
  if (res.status !== 200 || !res.body.accessToken) throw new Error(`login as ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as Tokens;
}

/** A signed-in user with these roles (a fresh account each call). */
export async function signedIn(t: TestApp, roles: Role[]): Promise<TestUser & Tokens & { auth: string }> {
  const user = await aUser(t, { roles });
  const tokens = await login(t, user.username, user.password);
  return { ...user, ...tokens, auth: `Bearer ${tokens.accessToken}` };
}

export async function adminAuth(t: TestApp): Promise<string> {
  return `Bearer ${(await login(t, 'admin', ADMIN_PASSWORD)).accessToken}`;
}

/** Audit records matching a filter, oldest first (read straight from the table). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- audit rows are loosely typed test data
export async function auditRecords(t: TestApp, where: { action?: string; resourceId?: string; actorId?: string; requestId?: string } = {}): Promise<Record<string, any>[]> {
  const clauses: string[] = [];
  const params: unknown[] = [];
  for (const [column, value] of Object.entries({ action: where.action, resource_id: where.resourceId, actor_id: where.actorId, request_id: where.requestId })) {
    if (value === undefined) continue;
    params.push(value);
    clauses.push(`${column} = $${params.length}`);
  }
  return t.dataSource.query(`SELECT * FROM audit_event ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY seq`, params);
}
