declare module '../audit/audit-actions' {
  interface AuditActions {
    'reward.offer.create': true;
    'reward.offer.update': true;
    'reward.claim.recommend': true;
    'reward.claim.approve': true;
    'reward.claim.deny': true;
    'reward.claim.pay': true;
    'reward.claim.read': true;
    'reward.claim.list': true;
  }
}

export {};
