import { join, resolve } from 'node:path';
import { EnvironmentVariables } from './environment';
import { Secrets } from './secrets';

/** The validated, assembled configuration every module receives (injected as AppConfig). */
export class AppConfig {
  readonly nodeEnv: EnvironmentVariables['NODE_ENV'];
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly bootstrapAdminPassword?: string;
  readonly mfaRequired: boolean;
  readonly migrationsRun: boolean;
  readonly statementTimeoutMs: number;
  readonly poolSize: number;
  readonly poolAcquireTimeoutMs: number;
  readonly shutdownDrainMs: number;
  readonly bodyLimitBytes: number;
  readonly loginRateLimit: { perIp: number; perUsername: number; windowSeconds: number };
  /** Per signed-in principal on every authenticated route, and per IP for refused anonymous requests (per minute). */
  readonly apiRateLimit: { perPrincipalPerMinute: number; anonymousPerMinute: number };
  /** Seconds a verified API key is trusted without a database look-up (0: never). */
  readonly apiKeyCacheSeconds: number;
  /** Expensive routes (audit verify, export) running at once. */
  readonly expensiveConcurrency: { perPrincipal: number; total: number };
  readonly audit: { sealIntervalMs: number; checkpointIntervalSeconds: number; denialWindowSeconds: number };
  readonly schedulerEnabled: boolean;
  /** Evidence files: where they are kept (local storage), the largest accepted, how often each is re-verified. */
  readonly evidence: { dir: string; maxBytes: number; verifyPeriodHours: number };
  readonly trustProxy: boolean | string;
  /** Tip intake: the narrative similarity that flags a possible duplicate (0.3–1). */
  readonly tipDuplicateSimilarity: number;
  /** Region for phone numbers written without a country code. */
  readonly defaultPhoneRegion: string;

  constructor(
    env: EnvironmentVariables,
    /** The URL of the database actually used (the embedded one when DATABASE_URL is unset). */
    readonly databaseUrl: string,
    readonly secrets: Secrets,
  ) {
    this.nodeEnv = env.NODE_ENV;
    this.port = env.PORT;
    this.host = env.HOST;
    this.dataDir = resolve(env.DATA_DIR);
    this.logLevel = env.LOG_LEVEL;
    this.bootstrapAdminPassword = env.BOOTSTRAP_ADMIN_PASSWORD;
    this.mfaRequired = env.MFA_REQUIRED ?? env.NODE_ENV === 'production';
    this.migrationsRun = env.MIGRATIONS_RUN;
    this.statementTimeoutMs = env.DB_STATEMENT_TIMEOUT_MS;
    this.poolSize = env.DB_POOL_SIZE;
    this.poolAcquireTimeoutMs = env.DB_POOL_ACQUIRE_TIMEOUT_MS;
    this.shutdownDrainMs = env.SHUTDOWN_DRAIN_MS;
    this.bodyLimitBytes = env.BODY_LIMIT_BYTES;
    this.loginRateLimit = {
      perIp: env.LOGIN_RATE_LIMIT_PER_IP,
      perUsername: env.LOGIN_RATE_LIMIT_PER_USERNAME,
      windowSeconds: env.LOGIN_RATE_LIMIT_WINDOW_SECONDS,
    };
    this.apiRateLimit = { perPrincipalPerMinute: env.API_RATE_LIMIT_PER_MINUTE, anonymousPerMinute: env.ANONYMOUS_RATE_LIMIT_PER_MINUTE };
    this.apiKeyCacheSeconds = env.API_KEY_CACHE_SECONDS;
    this.expensiveConcurrency = { perPrincipal: env.EXPENSIVE_CONCURRENCY_PER_PRINCIPAL, total: env.EXPENSIVE_CONCURRENCY_TOTAL };
    this.audit = { sealIntervalMs: env.AUDIT_SEAL_INTERVAL_MS, checkpointIntervalSeconds: env.AUDIT_CHECKPOINT_INTERVAL_SECONDS, denialWindowSeconds: env.AUDIT_DENIAL_WINDOW_SECONDS };
    this.schedulerEnabled = env.SCHEDULER_ENABLED;
    this.defaultPhoneRegion = env.SELECTOR_DEFAULT_PHONE_REGION;
    this.evidence = { dir: join(this.dataDir, 'evidence'), maxBytes: env.EVIDENCE_MAX_BYTES, verifyPeriodHours: env.EVIDENCE_VERIFY_PERIOD_HOURS };
    this.tipDuplicateSimilarity = env.TIP_DUPLICATE_SIMILARITY;
    const proxy = env.TRUST_PROXY?.trim();
    this.trustProxy = proxy === undefined || proxy === '' || proxy === 'false' ? false : proxy === 'true' ? true : proxy;
  }
}
