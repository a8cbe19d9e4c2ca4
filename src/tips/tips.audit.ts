declare module '../audit/audit-actions' {
  interface AuditActions {
    'tip.submit': true;
    'tip.match': true;
    'tip.status.read': true;
    'tip.list': true;
    'tip.read': true;
    'tip.update': true;
    'tip.tipster.reveal': true;
    'tip.candidate.decide': true;
    'tip.reencrypt': true;
  }
}

export {};
