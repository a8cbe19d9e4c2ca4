declare module '../audit/audit-actions' {
  interface AuditActions {
    'organization.create': true;
    'organization.update': true;
  }
}
export {};
