declare module '../audit/audit-actions' {
  interface AuditActions {
    /** A request refused by the global guard (no or bad credentials, missing permission). */
    'access.denied': true;
    /** The first request of a window refused by a rate limit (the rest of the window are counted, not recorded). */
    'access.rate_limited': true;
    /** The first sign-in of a window refused by the sign-in rate limit (per IP or per username). */
    'auth.login.rate_limited': true;
    'auth.login.success': true;
    'auth.login.failed': true;
    'auth.login.mfa_challenge': true;
    'auth.lockout': true;
    'auth.mfa.failed': true;
    'auth.mfa.enrol': true;
    'auth.mfa.confirm': true;
    'auth.mfa.remove': true;
    'auth.refresh': true;
    'auth.refresh.failed': true;
    'auth.refresh.reuse': true;
    /** The first refresh of a window refused by the per-IP refresh limit (a flood of made-up tokens adds one record). */
    'auth.refresh.rate_limited': true;
    'auth.logout': true;
    'auth.password.change': true;
  }
}
export {};
