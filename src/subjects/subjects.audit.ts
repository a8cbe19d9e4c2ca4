declare module '../audit/audit-actions' {
  interface AuditActions {
    'subject.create': true;
    'subject.update': true;
  }
}
export {};
