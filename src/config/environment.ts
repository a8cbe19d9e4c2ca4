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

  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  BODY_LIMIT_BYTES = 1024 * 1024;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  LOGIN_RATE_LIMIT_PER_IP = 30;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(100_000)
  LOGIN_RATE_LIMIT_PER_USERNAME = 10;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  LOGIN_RATE_LIMIT_WINDOW_SECONDS = 60;

  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60_000)
  AUDIT_SEAL_INTERVAL_MS = 500;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(86_400)
  AUDIT_CHECKPOINT_INTERVAL_SECONDS = 300;

  @IsOptional() @Transform(toBool) @IsBoolean()
  SCHEDULER_ENABLED = true;

  /** Behind a load balancer: which proxies' X-Forwarded-For to believe (Fastify trustProxy: `true`, or addresses/CIDRs). */
  @IsOptional() @IsString() @MaxLength(1024)
  TRUST_PROXY?: string;

  // Secrets: given by the deployment, or generated once into DATA_DIR/secrets (see secrets.ts).
  @IsOptional() @IsString() @MinLength(32) @MaxLength(1024)
  JWT_SECRET?: string;

  @IsOptional() @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'FIELD_ENCRYPTION_KEY must be 32 bytes, base64-encoded' })
  FIELD_ENCRYPTION_KEY?: string;

  @IsOptional() @IsString() @MinLength(32) @MaxLength(1024)
  HMAC_KEY?: string;

  @IsOptional() @IsString() @MinLength(32) @MaxLength(4096)
  AUDIT_SIGNING_KEY?: string;
}

export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = 'InvalidEnvironmentError';
  }
}

/** Validates the environment; throws one error naming every bad variable. */
export function loadEnvironment(env: NodeJS.ProcessEnv = process.env): EnvironmentVariables {
  const known = Object.keys(new EnvironmentVariables());
  const picked: Record<string, string> = {};
  for (const key of [...known, 'DATABASE_URL', 'BOOTSTRAP_ADMIN_PASSWORD', 'MFA_REQUIRED', 'TRUST_PROXY', 'JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY']) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const instance = plainToInstance(EnvironmentVariables, picked, { exposeDefaultValues: true });
  const errors = validateSync(instance, { whitelist: true, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new InvalidEnvironmentError(
      errors.map((e) => `${e.property}: ${Object.values(e.constraints ?? {}).join(', ')}`),
    );
  }
  return instance;
}
