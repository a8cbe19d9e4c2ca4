import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';
import { ConfigurationError } from './configuration-error';

const toBool = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value;
};
const toInt = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === '') return undefined;
  return typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
};

/**
 * The environment, validated once at boot. This class is the only reader of process.env
 * (see loadEnvironment); everything else receives an AppConfig.
 */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsOptional() @IsString() @MaxLength(255)
  HOST = '127.0.0.1';

  @IsOptional() @IsString() @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsOptional() @IsString() @MinLength(1) @MaxLength(1024)
  DATA_DIR = './.data';

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent' = 'info';

  @IsOptional() @IsString() @MinLength(12) @MaxLength(256)
  BOOTSTRAP_ADMIN_PASSWORD?: string;

  @IsOptional() @Transform(toBool) @IsBoolean()
  MFA_REQUIRED?: boolean;

  @IsOptional() @Transform(toBool) @IsBoolean()
  MIGRATIONS_RUN = true;

  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(600_000)
  DB_STATEMENT_TIMEOUT_MS = 15_000;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(500)
  DB_POOL_SIZE = 20;

  /** How long a request waits for a pooled database connection before it gets a 503. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) @Max(60_000)
  DB_POOL_ACQUIRE_TIMEOUT_MS = 3_000;

  /** On SIGTERM, how long /health/ready answers 503 (so load balancers stop sending) before the listener closes. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(60_000)
  SHUTDOWN_DRAIN_MS = 2_000;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  LOGIN_RATE_LIMIT_PER_IP = 30;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  LOGIN_RATE_LIMIT_PER_USERNAME = 10;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  LOGIN_RATE_LIMIT_WINDOW_SECONDS = 60;

  /** Requests per minute per signed-in principal (user or integration), on every authenticated route. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000_000)
  API_RATE_LIMIT_PER_MINUTE = 600;

  /**
   * How long a verified integration API key is trusted without asking the database again (0: never). A revoke or
   * rotate takes effect at once on the replica that made it, and within this many seconds on the others.
   */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(300)
  API_KEY_CACHE_SECONDS = 5;

  /** Refused anonymous requests (no or bad credentials) per minute per client IP, before any is recorded. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(10_000_000)
  ANONYMOUS_RATE_LIMIT_PER_MINUTE = 60;

  /** Expensive routes (audit verify and export) running at once: per principal, and in all (every replica). */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  EXPENSIVE_CONCURRENCY_PER_PRINCIPAL = 1;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100)
  EXPENSIVE_CONCURRENCY_TOTAL = 2;

  /** Identical denials from one source within this window are aggregated into one audit record with a count. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  AUDIT_DENIAL_WINDOW_SECONDS = 60;

  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  AUDIT_SEAL_INTERVAL_MS = 500;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400)
  AUDIT_CHECKPOINT_INTERVAL_SECONDS = 300;

  @IsOptional() @Transform(toBool) @IsBoolean()
  SCHEDULER_ENABLED = true;

  /** Phone numbers written without a country code (selectors, tip intake) are read in this region. */
  @IsOptional() @Matches(/^[A-Z]{2}$/, { message: 'SELECTOR_DEFAULT_PHONE_REGION must be an ISO 3166-1 alpha-2 code in capitals, such as US' })
  SELECTOR_DEFAULT_PHONE_REGION = 'US';

  /** Largest evidence file accepted (bytes); larger uploads get 413. Default 2 GiB. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(Number.MAX_SAFE_INTEGER)
  EVIDENCE_MAX_BYTES = 2 * 1024 * 1024 * 1024;

  /** The integrity sweep re-verifies every stored evidence file once per this many hours. */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(24 * 366)
  EVIDENCE_VERIFY_PERIOD_HOURS = 168;

  /**
   * Tip intake: a narrative at least this similar (trigram similarity of the first 500 characters, as pg_trgm computes it) to one of the
   * last 30 days is flagged as a possible duplicate. Found through MinHash bands over the narratives' words, which meet an edited narrative of
   * trigram similarity 0.5–0.6 about 0.80 of the time, 0.6–0.7: 0.94, 0.7–0.8: 0.99 (measured, see the README); below 0.5 most would be missed, so that is the floor.
   */
  @IsOptional() @Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^\d*\.?\d+$/.test(value.trim()) ? Number(value) : value)) @Min(0.5) @Max(1)
  TIP_DUPLICATE_SIMILARITY = 0.6;

  /** Behind a load balancer: which proxies' X-Forwarded-For to believe (Fastify trustProxy: `true`, or addresses/CIDRs). */
  @IsOptional() @IsString() @MaxLength(1024)
  TRUST_PROXY?: string;

  // Secrets: given by the deployment, or generated once into DATA_DIR/secrets (see secrets.ts). Each holds
  // one key, or during a rotation the new key followed by older ones kept for reading, comma-separated.
  @IsOptional() @Matches(/^[^,]{32,1024}(,[^,]{32,1024})*$/, { message: 'JWT_SECRET must be at least 32 characters (keys comma-separated, the current one first)' })
  JWT_SECRET?: string;

  @IsOptional() @Matches(/^[A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*$/, { message: 'FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded (keys comma-separated, the current one first)' })
  FIELD_ENCRYPTION_KEY?: string;

  @IsOptional() @Matches(/^[^,]{32,1024}(,[^,]{32,1024})*$/, { message: 'HMAC_KEY must be at least 32 characters (keys comma-separated, the current one first)' })
  HMAC_KEY?: string;

  @IsOptional() @Matches(/^[^,]{32,4096}(,[^,]{32,4096})*$/, { message: 'AUDIT_SIGNING_KEY must be an Ed25519 private key in PEM (keys comma-separated, the current one first)' })
  AUDIT_SIGNING_KEY?: string;
}

/** The secrets every replica of one database must share (checked at boot against the database's key check values). */
export const SHARED_SECRETS = ['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY'] as const;
export type SharedSecret = (typeof SHARED_SECRETS)[number];

export class InvalidEnvironmentError extends ConfigurationError {
  constructor(problems: string[]) {
    super('the environment is not valid', problems);
    this.name = 'InvalidEnvironmentError';
  }
}

/**
 * Validates the environment; throws one error naming every bad variable. In production the shared secrets
 * must be given: generating them is the embedded default's convenience, never a production deployment's.
 */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables());
  const picked: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'BOOTSTRAP_ADMIN_PASSWORD', 'MFA_REQUIRED', 'TRUST_PROXY', ...SHARED_SECRETS]) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const instance = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false });
  const problems = errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`);
  if (instance.NODE_ENV === 'production') {
    for (const name of SHARED_SECRETS) {
      if (!picked[name]) problems.push(`${name}: required in production, with the same value on every replica (see docker/.env.example)`);
    }
  }
  if (problems.length > 0) throw new InvalidEnvironmentError(problems);
  return instance;
}
