/**
 * Audit action names, typed per module. This interface is empty here: each module declares its own actions
 * in its `x.audit.ts` by augmenting it, so the audit trail knows every action's name without importing any
 * feature:
 *
 * ```ts
 * declare module '../audit/audit-actions' {
 *   interface AuditActions { 'case.create': true; 'case.update': true }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface AuditActions {}

/** `case.update`, `auth.login.failed`, `evidence.download`… — one of the actions some module declared. */
export type AuditAction = Extract<keyof AuditActions, string>;

declare module './audit-actions' {
  interface AuditActions {
    'audit.read': true;
    'audit.export': true;
    'audit.verify': true;
    'audit.checkpoints.read': true;
  }
}
