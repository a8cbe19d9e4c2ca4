import { createHash, createHmac, createPrivateKey, createPublicKey } from 'node:crypto';
import { ConfigurationError } from './configuration-error';
import { SHARED_SECRETS, SharedSecret } from './environment';
import { keyId, Secrets } from './secrets';

/**
 * Key check values: replicas of one database must share their secrets, or they split the system silently
 * (tokens refused by the other replica, ciphertexts it cannot read, audit checkpoints signed by two keys).
 * The first start records, for each shared secret, a key check value — HMAC-SHA256 of a fixed label under
 * the key — with the key's id; never the key. Every later start compares its own keys against them.
 */
const LABEL = 'casefile key check v1';

export interface KeyCheck {
  secret: SharedSecret;
  keyId: string;
  /** hex HMAC-SHA256(key, `casefile key check v1|<secret>`): proves the key without revealing it. */
  checkValue: string;
}

export interface RecordedKeyCheck extends KeyCheck {
  recordedAt: Date;
}

/** One shared secret of this replica: the key it writes with, and older keys it keeps for reading. */
export interface ReplicaKeys {
  secret: SharedSecret;
  current: KeyCheck;
  older: KeyCheck[];
}

export function keyCheckValue(secret: SharedSecret, key: Buffer): string {
  return createHmac('sha256', key).update(`${LABEL}|${secret}`, 'utf8').digest('hex');
}

/** The key bytes as the service uses them, and the id it knows the key by. */
function keyOf(secret: SharedSecret, material: string): { keyId: string; key: Buffer } {
  switch (secret) {
    case 'FIELD_ENCRYPTION_KEY':
      // The id stored beside every ciphertext (FieldEncryption).
      return { keyId: keyId(material), key: Buffer.from(material, 'base64') };
    case 'AUDIT_SIGNING_KEY': {
      // PEM with real or escaped newlines is the same key; the id is audit_checkpoint.key_id (CheckpointSigner).
      const privateKey = createPrivateKey(material.replace(/\\n/g, '\n'));
      const publicPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
      return { keyId: createHash('sha256').update(publicPem).digest('hex').slice(0, 16), key: privateKey.export({ format: 'der', type: 'pkcs8' }) };
    }
    case 'JWT_SECRET':
    case 'HMAC_KEY':
      return { keyId: keyId(material), key: Buffer.from(material, 'utf8') };
  }
}

export function keyCheckOf(secret: SharedSecret, material: string): KeyCheck {
  const { keyId: id, key } = keyOf(secret, material);
  return { secret, keyId: id, checkValue: keyCheckValue(secret, key) };
}

/** This replica's key checks, for every shared secret. */
export function keyChecksOf(secrets: Secrets): ReplicaKeys[] {
  return SHARED_SECRETS.map((secret) => {
    const [current, ...older] = secrets.keyrings[secret];
    return { secret, current: keyCheckOf(secret, current), older: older.map((k) => keyCheckOf(secret, k)) };
  });
}

const sameKey = (a: KeyCheck, b: KeyCheck): boolean => a.keyId === b.keyId && a.checkValue === b.checkValue;

export interface KeyCheckComparison {
  /** What to record: every secret on a first start, a rotated secret's new key. Empty when anything differs. */
  record: (KeyCheck & { replaces: string | null })[];
  /** One line per secret that differs, naming it and how to fix it (key ids only, never a key). */
  problems: string[];
}

/**
 * Compares this replica's keys with the recorded ones. Per secret, the latest recorded key is the current
 * one: a replica must hold it as its current key, or rotate — a new current key, with the recorded one
 * kept among its older keys (then the new key is recorded beside the old). A replica whose key was
 * replaced, or that holds another key, is refused.
 */
export function compareKeyChecks(own: ReplicaKeys[], recorded: RecordedKeyCheck[]): KeyCheckComparison {
  const record: KeyCheckComparison['record'] = [];
  const problems: string[] = [];
  for (const { secret, current, older } of own) {
    const rows = recorded.filter((r) => r.secret === secret).sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
    const latest = rows.at(-1);
    if (!latest) {
      record.push({ ...current, replaces: null });
    } else if (sameKey(current, latest)) {
      continue;
    } else if (rows.some((r) => sameKey(current, r))) {
      problems.push(
        `${secret}: this replica has key ${current.keyId}, which key ${latest.keyId} replaced on ${latest.recordedAt.toISOString()}. ` +
          `Give it the current ${secret}, as the other replicas have it.`,
      );
    } else if (older.some((k) => sameKey(k, latest))) {
      record.push({ ...current, replaces: latest.keyId });
    } else {
      problems.push(
        `${secret}: this replica has key ${current.keyId}, but this database uses key ${latest.keyId} (recorded ${latest.recordedAt.toISOString()}). ` +
          `Give this replica the same ${secret} as the others; to rotate it instead, set ${secret}=<new key>,<current key>.`,
      );
    }
  }
  return { record: problems.length > 0 ? [] : record, problems };
}

/** This replica's secrets are not the ones the database's other replicas use: it must not start. */
export class KeyMismatchError extends ConfigurationError {
  constructor(problems: string[]) {
    super(
      "its secrets are not the ones this database's other replicas use (compared with the key check values in table key_check)",
      problems,
      `Every replica of one database must be given the same ${SHARED_SECRETS.join(', ')} (README, "Production"). ` +
        'A replica that generated its own keeps them in its DATA_DIR/secrets/secrets.json. Nothing was recorded.',
    );
    this.name = 'KeyMismatchError';
  }
}
