declare module '../audit/audit-actions' {
  interface AuditActions {
    'selector.create': true;
  }
}
export {};
