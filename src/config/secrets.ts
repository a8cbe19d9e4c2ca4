import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The keys the service needs. Provided by env in production; generated once for a local data dir. */
export interface Secrets {
  jwtSecret: string;
  /** 32-byte AES-256-GCM key for field encryption, with the key id stored beside each ciphertext. */
  fieldEncryptionKey: Buffer;
  fieldEncryptionKeyId: string;
  /** Keyed hash for look-ups that must not reveal their input (repeat tipsters, API key prefixes). */
  hmacKey: string;
  /** Ed25519 private key (PEM, PKCS#8) that signs audit checkpoints. */
  auditSigningKey: string;
  /** Password of the embedded PostgreSQL superuser (unused with DATABASE_URL). */
  embeddedDbPassword: string;
}

interface StoredSecrets {
  jwtSecret: string;
  fieldEncryptionKey: string;
  hmacKey: string;
  auditSigningKey: string;
  embeddedDbPassword: string;
}

export interface SecretsResult {
  secrets: Secrets;
  /** Names of the secrets that were generated in this call (to be logged, never their values). */
  generated: string[];
  file: string;
}

function generate(): StoredSecrets {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    jwtSecret: randomBytes(48).toString('base64url'),
    fieldEncryptionKey: randomBytes(32).toString('base64'),
    hmacKey: randomBytes(48).toString('base64url'),
    auditSigningKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    embeddedDbPassword: randomBytes(24).toString('base64url'),
  };
}

/**
 * Secrets from env take precedence. Any secret not given is read from DATA_DIR/secrets/secrets.json,
 * which is created (mode 0600) with fresh random values the first time.
 */
export function loadSecrets(
  dataDir: string,
  fromEnv: { JWT_SECRET?: string; FIELD_ENCRYPTION_KEY?: string; HMAC_KEY?: string; AUDIT_SIGNING_KEY?: string },
): SecretsResult {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'secrets.json');
  let stored: StoredSecrets;
  const generated: string[] = [];
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
    const fresh = generate();
    for (const k of Object.keys(fresh) as (keyof StoredSecrets)[]) {
      if (!stored[k]) {
        stored[k] = fresh[k];
        generated.push(k);
      }
    }
    if (generated.length > 0) writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  } else {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    stored = generate();
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    generated.push(...Object.keys(stored));
  }
  chmodSync(file, 0o600);
  const fieldKey = fromEnv.FIELD_ENCRYPTION_KEY ?? stored.fieldEncryptionKey;
  return {
    file,
    generated: generated.filter((k) => {
      const envName = { jwtSecret: 'JWT_SECRET', fieldEncryptionKey: 'FIELD_ENCRYPTION_KEY', hmacKey: 'HMAC_KEY', auditSigningKey: 'AUDIT_SIGNING_KEY' }[k];
      return !(envName && fromEnv[envName as keyof typeof fromEnv]);
    }),
    secrets: {
      jwtSecret: fromEnv.JWT_SECRET ?? stored.jwtSecret,
      fieldEncryptionKey: Buffer.from(fieldKey, 'base64'),
      fieldEncryptionKeyId: keyId(fieldKey),
      hmacKey: fromEnv.HMAC_KEY ?? stored.hmacKey,
      auditSigningKey: fromEnv.AUDIT_SIGNING_KEY ?? stored.auditSigningKey,
      embeddedDbPassword: stored.embeddedDbPassword,
    },
  };
}

/** A short, non-secret id of a key (first 8 hex chars of its SHA-256), stored beside ciphertexts. */
function keyId(material: string): string {
  return createHash('sha256').update(material).digest('hex').slice(0, 8);
}
