import type { Role } from './request-context';

export const ROLES: readonly Role[] = ['admin', 'supervisor', 'investigator', 'analyst', 'intake', 'auditor'] as const;

export type Permission =
  | 'user:admin'
  | 'integration:admin'
  | 'case:create'
  | 'case:read'
  | 'case:write'
  | 'case:read-all'
  | 'case:assign'
  | 'case:reopen'
  | 'case:legal-hold'
  | 'registry:read'
  | 'registry:write'
  | 'search'
  | 'tip:triage'
  | 'tip:read'
  | 'tipster:read'
  | 'tip:submit'
  | 'tip:read-own-status'
  | 'reward:read'
  | 'reward:manage'
  | 'reward:recommend'
  | 'reward:approve'
  | 'reward:pay'
  | 'evidence:read'
  | 'evidence:write'
  | 'audit:read'
  | 'audit:verify'
  | 'audit:export'
  | 'self';

/**
 * The one role → permission table (DESIGN.md §3). Every permission check reads it. `self` is what any
 * signed-in user may do to their own account (me, password, MFA, logout). Rewards: supervisors create and
 * close offers (`reward:manage`), approve or deny claims and record payments; investigators read offers and
 * the claims they may see (`reward:read`) and recommend claims on their cases' tips.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['self', 'user:admin', 'integration:admin'],
  supervisor: ['self', 'case:create', 'case:read', 'case:write', 'case:read-all', 'case:assign', 'case:reopen', 'case:legal-hold', 'registry:read', 'registry:write', 'search', 'tip:triage', 'tip:read', 'tipster:read', 'reward:read', 'reward:manage', 'reward:recommend', 'reward:approve', 'reward:pay', 'evidence:read', 'evidence:write'],
  investigator: ['self', 'case:create', 'case:read', 'case:write', 'registry:read', 'registry:write', 'search', 'tip:triage', 'tip:read', 'reward:read', 'reward:recommend', 'evidence:read', 'evidence:write'],
  analyst: ['self', 'case:read', 'registry:read', 'registry:write', 'search', 'tip:read', 'evidence:read'],
  intake: ['self', 'tip:triage', 'tip:read', 'tipster:read'],
  auditor: ['self', 'audit:read', 'audit:verify', 'audit:export'],
};

/** What an integration (API key) may do: submit tips and read the status of its own. */
export const INTEGRATION_PERMISSIONS: readonly Permission[] = ['tip:submit', 'tip:read-own-status'];

export function rolesGrant(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role]?.includes(permission));
}

/**
 * Separation of duties (DESIGN.md §3): roles one account may never hold together. An admin who could also
 * be a supervisor or an auditor could grant itself every case or the audit trail it should be watched by.
 */
export const INCOMPATIBLE_ROLES: readonly (readonly [Role, Role])[] = [
  ['admin', 'supervisor'],
  ['admin', 'auditor'],
];

/** The first pair of `roles` that separation of duties forbids on one account, or undefined. */
export function separationOfDutiesConflict(roles: readonly Role[]): readonly [Role, Role] | undefined {
  return INCOMPATIBLE_ROLES.find(([a, b]) => roles.includes(a) && roles.includes(b));
}

/** Every permission a principal can hold (what GET /auth/me may list). */
export const PERMISSIONS: readonly Permission[] = [...new Set([...Object.values(ROLE_PERMISSIONS).flat(), ...INTEGRATION_PERMISSIONS])];
