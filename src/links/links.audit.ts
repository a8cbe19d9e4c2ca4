declare module '../audit/audit-actions' {
  interface AuditActions {
    'link.create': true;
    'link.update': true;
  }
}
export {};
