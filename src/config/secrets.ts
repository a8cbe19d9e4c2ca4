import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from './configuration-error';
import { SHARED_SECRETS, SharedSecret } from './environment';

/** The keys the service needs. Provided by env in production; generated once for a local data dir. */
export interface Secrets {
  jwtSecret: string;
  /** 32-byte AES-256-GCM key for field encryption, with the key id stored beside each ciphertext. */
  fieldEncryptionKey: Buffer;
  fieldEncryptionKeyId: string;
  /** Older field-encryption keys by key id, kept to decrypt what they encrypted before a rotation. */
  fieldEncryptionOlderKeys: Record<string, Buffer>;
  /** Keyed hash for look-ups that must not reveal their input (repeat tipsters, API key prefixes). */
  hmacKey: string;
  /** Ed25519 private key (PEM, PKCS#8) that signs audit checkpoints. */
  auditSigningKey: string;
  /** Password of the embedded PostgreSQL superuser (unused with DATABASE_URL). */
  embeddedDbPassword: string;
  /** Each shared secret as given: the current key first, then older ones kept for reading (see key-check.ts). */
  keyrings: Record<SharedSecret, string[]>;
}

interface StoredSecrets {
  jwtSecret: string;
  fieldEncryptionKey: string;
  hmacKey: string;
  auditSigningKey: string;
  embeddedDbPassword: string;
}

/** Where each shared secret is kept in DATA_DIR/secrets/secrets.json. */
export const STORED_AS: Record<SharedSecret, keyof StoredSecrets> = {
  JWT_SECRET: 'jwtSecret',
  FIELD_ENCRYPTION_KEY: 'fieldEncryptionKey',
  HMAC_KEY: 'hmacKey',
  AUDIT_SIGNING_KEY: 'auditSigningKey',
};

/** The names in secrets.json of the variables to set: `jwtSecret → JWT_SECRET, …`. */
const FILE_TO_ENV = SHARED_SECRETS.map((name) => `${STORED_AS[name]} → ${name}`).join(', ');

const GENERATE: Record<keyof StoredSecrets, () => string> = {
  jwtSecret: () => randomBytes(48).toString('base64url'),
  fieldEncryptionKey: () => randomBytes(32).toString('base64'),
  hmacKey: () => randomBytes(48).toString('base64url'),
  auditSigningKey: () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  embeddedDbPassword: () => randomBytes(24).toString('base64url'),
};

export interface SecretsResult {
  secrets: Secrets;
  /** The shared secrets generated in this call, by variable name (to be logged, never their values). */
  generated: SharedSecret[];
  file: string;
}

export interface LoadSecretsOptions {
  /**
   * The shared secrets the database already records a key check value for (with DATABASE_URL): those are
   * never generated, since a fresh key could only differ from the one the other replicas use.
   */
  recorded?: ReadonlySet<string>;
}

/** Secrets this replica was not given while the database already records keys for them: it cannot make them up. */
export class MissingSecretsError extends ConfigurationError {
  constructor(missing: SharedSecret[]) {
    super(
      'it was not given secrets that the other replicas of this database already use',
      missing.map((name) => `${name} is not set, and the database records a key for it: give this replica the same ${name} as the others`),
      `Every replica of one database must be given the same ${SHARED_SECRETS.join(', ')}. If a replica generated them, copy them from its DATA_DIR/secrets/secrets.json (${FILE_TO_ENV}) into each replica's environment (see docker/.env.example).`,
    );
    this.name = 'MissingSecretsError';
  }
}

/** The log line after generating shared secrets: where they are and, with a shared database, that every replica needs them. */
export function generatedSecretsNotice(result: SecretsResult, sharedDatabase: boolean): string {
  const what = `generated ${result.generated.join(', ')} into ${result.file} (mode 0600)`;
  if (!sharedDatabase) return `${what}; set them in the environment for production`;
  return `${what}. Every other replica of this database must be given the same values, or it will refuse to start: copy them from that file (${FILE_TO_ENV}) into each replica's environment (see docker/.env.example).`;
}

/** The keys of a secret variable: the current key first, then older ones kept for reading. */
function keysOf(value: string): string[] {
  return value.split(',').filter((k) => k !== '');
}

/**
 * Secrets from env take precedence. Any secret not given is read from DATA_DIR/secrets/secrets.json, or
 * generated into it (mode 0600) — unless the database already records a key for it (options.recorded):
 * then this replica must be given the value the others use, and MissingSecretsError says so.
 */
export function loadSecrets(dataDir: string, fromEnv: Partial<Record<SharedSecret, string>>, options: LoadSecretsOptions = {}): SecretsResult {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'secrets.json');
  const stored: Partial<StoredSecrets> = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<StoredSecrets>) : {};
  const generated: SharedSecret[] = [];
  const missing: SharedSecret[] = [];
  const keyrings = {} as Record<SharedSecret, string[]>;
  let changed = false;
  for (const name of SHARED_SECRETS) {
    const given = fromEnv[name] || stored[STORED_AS[name]];
    if (given) {
      keyrings[name] = keysOf(given);
    } else if (options.recorded?.has(name)) {
      missing.push(name);
    } else {
      const fresh = GENERATE[STORED_AS[name]]();
      stored[STORED_AS[name]] = fresh;
      keyrings[name] = [fresh];
      generated.push(name);
      changed = true;
    }
  }
  if (missing.length > 0) throw new MissingSecretsError(missing);
  if (!stored.embeddedDbPassword) {
    stored.embeddedDbPassword = GENERATE.embeddedDbPassword();
    changed = true;
  }
  if (changed) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  const [fieldKey, ...olderFieldKeys] = keyrings.FIELD_ENCRYPTION_KEY;
  return {
    file,
    generated,
    secrets: {
      jwtSecret: keyrings.JWT_SECRET[0],
      fieldEncryptionKey: Buffer.from(fieldKey, 'base64'),
      fieldEncryptionKeyId: keyId(fieldKey),
      fieldEncryptionOlderKeys: Object.fromEntries(olderFieldKeys.map((k) => [keyId(k), Buffer.from(k, 'base64')])),
      hmacKey: keyrings.HMAC_KEY[0],
      auditSigningKey: keyrings.AUDIT_SIGNING_KEY[0],
      embeddedDbPassword: stored.embeddedDbPassword,
      keyrings,
    },
  };
}

/** A short, non-secret id of a key (first 8 hex chars of its SHA-256), stored beside ciphertexts. */
export function keyId(material: string): string {
  return createHash('sha256').update(material).digest('hex').slice(0, 8);
}
