import { createHash, createPrivateKey, createPublicKey, hash, KeyObject, sign, verify } from 'node:crypto';

/** The previous hash of the first record. */
export const GENESIS_HASH = '0'.repeat(64);

/** The record's content fields, in canonical order. */
export const CANONICAL_FIELDS = ['seq', 'occurredAt', 'actorKind', 'actorId', 'actorRoles', 'action', 'resourceType', 'resourceId', 'caseId', 'outcome', 'requestId', 'sourceIp', 'userAgent', 'changes', 'details'] as const;

/**
 * SQL selecting those fields of the record aliased `alias`, in canonical order. The canonical form of a
 * record is the line PostgreSQL's COPY … TO STDOUT (text format) writes for them: tab-separated, `\N` for
 * NULL, backslash escapes for tab, newline and the like; time as ISO text in UTC with microseconds (the
 * session settings CANONICAL_SESSION_SQL fixes), arrays and jsonb in their normalised text. COPY is fast and its escaping is unambiguous, so a record cannot be changed into
 * another with the same canonical line. Exports carry the line beside each record, so an outside tool can
 * re-verify with nothing but SHA-256.
 */
export function canonicalFieldsSql(alias: string): string {
  const c = (column: string): string => `${alias}.${column}`;
  return [
    c('seq'),
    c('occurred_at'),
    ...['actor_kind', 'actor_id', 'actor_roles', 'action', 'resource_type', 'resource_id', 'case_id', 'outcome', 'request_id', 'source_ip', 'user_agent', 'changes', 'details'].map(c),
  ].join(', ');
}

/** Session settings the canonical text depends on (time zone and date style of timestamptz output). */
export const CANONICAL_SESSION_SQL = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'";

const COPY_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };

/** The fields of a COPY text-format line (`\N` → null, escapes undone). */
export function parseCopyLine(line: string): (string | null)[] {
  return line.split('\t').map((field) => (field === '\\N' ? null : field.replace(/\\([bfnrtv\\])/g, (_, ch: string) => COPY_ESCAPES[ch] ?? ch)));
}

/** hash = SHA-256(previous hash ‖ "\n" ‖ canonical record), hex (UTF-8 bytes). */
export function chainHash(prevHash: string, canonical: string): string {
  return hash('sha256', `${prevHash}\n${canonical}`, 'hex');
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
