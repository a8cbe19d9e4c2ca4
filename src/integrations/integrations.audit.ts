declare module '../audit/audit-actions' {
  interface AuditActions {
    'integration.create': true;
    'integration.rotate': true;
    'integration.revoke': true;
  }
}
export {};
