declare module '../audit/audit-actions' {
  interface AuditActions {
    'evidence.create': true;
    'evidence.read': true;
    'evidence.list': true;
    'evidence.download': true;
    'evidence.custody': true;
    'evidence.custody.list': true;
    'evidence.verify': true;
    'evidence.verify-sweep': true;
    'evidence.manifest': true;
  }
}

export {};
