declare module '../audit/audit-actions' {
  interface AuditActions {
    'user.create': true;
    'user.update': true;
    'user.disable': true;
    'user.enable': true;
    'user.unlock': true;
    'user.bootstrap': true;
    'user.bootstrap.skipped': true;
    'user.inactive-accounts': true;
  }
}
export {};
