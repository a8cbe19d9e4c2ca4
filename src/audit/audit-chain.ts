import { createHash, createPrivateKey, createPublicKey, KeyObject, sign, verify } from 'node:crypto';

/** The previous hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The canonical form of a record is computed by PostgreSQL from the record's columns as they are now: the
 * JSON text of an array of its content in a fixed order (json_build_array output is deterministic; jsonb
 * members inside are in jsonb's sorted key order). Exports carry it beside each record, so an outside tool
 * can re-verify with nothing but SHA-256.
 */
export function canonicalSql(alias: string): string {
  const c = (column: string): string => `${alias}.${column}`;
  return `json_build_array(${c('seq')}, to_char(${c('occurred_at')} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), ${[
    'actor_kind',
    'actor_id',
    'actor_roles',
    'action',
    'resource_type',
    'resource_id',
    'case_id',
    'outcome',
    'request_id',
    'source_ip',
    'user_agent',
    'changes',
    'details',
  ]
    .map(c)
    .join(', ')})::text`;
}

/** hash = SHA-256(previous hash ‖ "\n" ‖ canonical record), hex. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export function checkpointMessage(position: string, headHash: string, createdAt: string): string {
  return `casefile-audit-checkpoint|v1|${position}|${headHash}|${createdAt}`;
}

/** The Ed25519 key pair that signs checkpoints, and the id (fingerprint) of its public key. */
export class CheckpointSigner {
  private readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem.replace(/\\n/g, '\n'));
    this.publicKey = createPublicKey(this.privateKey);
    this.keyId = createHash('sha256').update(this.publicKeyPem()).digest('hex').slice(0, 16);
  }

  publicKeyPem(): string {
    return this.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  }

  sign(message: string): string {
    return sign(null, Buffer.from(message, 'utf8'), this.privateKey).toString('base64');
  }

  verify(message: string, signature: string): boolean {
    try {
      return verify(null, Buffer.from(message, 'utf8'), this.publicKey, Buffer.from(signature, 'base64'));
    } catch {
      return false;
    }
  }
}
