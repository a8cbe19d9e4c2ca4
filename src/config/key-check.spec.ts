import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { CheckpointSigner } from '../audit/audit-chain';
import { compareKeyChecks, keyCheckOf, keyChecksOf, keyCheckValue, RecordedKeyCheck, ReplicaKeys } from './key-check';
import { keyId, Secrets } from './secrets';

const SEVENS = Buffer.alloc(32, 7).toString('base64');
const pem = (): string => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const aSecret = (): string => randomBytes(48).toString('base64url');

function replicaKeys(keyrings: Secrets['keyrings']): ReplicaKeys[] {
  return keyChecksOf({ keyrings } as Secrets);
}

function keyrings(): Secrets['keyrings'] {
  return { JWT_SECRET: [aSecret()], FIELD_ENCRYPTION_KEY: [randomBytes(32).toString('base64')], HMAC_KEY: [aSecret()], AUDIT_SIGNING_KEY: [pem()] };
}

/** What a first start with these keys records, as the database returns it. */
function recordedBy(keys: ReplicaKeys[], at = new Date('2026-01-01T00:00:00Z')): RecordedKeyCheck[] {
  return compareKeyChecks(keys, []).record.map(({ secret, keyId: id, checkValue }) => ({ secret, keyId: id, checkValue, recordedAt: at }));
}

describe('key check values', () => {
  it('are HMAC-SHA256 of a fixed label under the key (a change would refuse every deployment)', () => {
    expect(keyCheckValue('FIELD_ENCRYPTION_KEY', Buffer.alloc(32, 7))).toBe('acba5562cafd15de42cdfc32dd2534c2d78e6f3ea09f8c4a6240c430b071f82a');
    expect(keyCheckOf('FIELD_ENCRYPTION_KEY', SEVENS)).toEqual({
      secret: 'FIELD_ENCRYPTION_KEY',
      keyId: keyId(SEVENS),
      checkValue: 'acba5562cafd15de42cdfc32dd2534c2d78e6f3ea09f8c4a6240c430b071f82a',
    });
  });

  it('differ per secret for the same key, and never contain the key', () => {
    const secret = aSecret();
    const jwt = keyCheckOf('JWT_SECRET', secret);
    const hmac = keyCheckOf('HMAC_KEY', secret);
    expect(jwt.checkValue).not.toBe(hmac.checkValue);
    expect(JSON.stringify([jwt, hmac])).not.toContain(secret);
    expect(keyCheckOf('JWT_SECRET', aSecret()).checkValue).not.toBe(jwt.checkValue);
  });

  it('identify the audit signing key by its checkpoint key id, with real or escaped newlines alike', () => {
    const key = pem();
    const check = keyCheckOf('AUDIT_SIGNING_KEY', key);
    expect(check.keyId).toBe(new CheckpointSigner(key).keyId);
    expect(keyCheckOf('AUDIT_SIGNING_KEY', key.replace(/\n/g, '\\n'))).toEqual(check);
    expect(keyCheckOf('AUDIT_SIGNING_KEY', pem()).checkValue).not.toBe(check.checkValue);
  });

  it('cover the current key and the older ones of every shared secret', () => {
    const rings = keyrings();
    rings.FIELD_ENCRYPTION_KEY.push(SEVENS);
    const keys = replicaKeys(rings);
    expect(keys.map((k) => k.secret)).toEqual(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY']);
    expect(keys[1].older).toEqual([keyCheckOf('FIELD_ENCRYPTION_KEY', SEVENS)]);
    expect(keys[0].older).toEqual([]);
  });
});

describe('compareKeyChecks', () => {
  it('records every shared secret on the first start against a database', () => {
    const keys = replicaKeys(keyrings());
    const { record, problems } = compareKeyChecks(keys, []);
    expect(problems).toEqual([]);
    expect(record).toEqual(keys.map((k) => ({ ...k.current, replaces: null })));
  });

  it('accepts a replica with the recorded keys, and records nothing more', () => {
    const rings = keyrings();
    expect(compareKeyChecks(replicaKeys(rings), recordedBy(replicaKeys(rings)))).toEqual({ record: [], problems: [] });
  });

  it('refuses a replica whose key differs, naming the secret and the key ids, never a key', () => {
    const rings = keyrings();
    const recorded = recordedBy(replicaKeys(rings));
    const other = { ...rings, JWT_SECRET: [aSecret()] };
    const { record, problems } = compareKeyChecks(replicaKeys(other), recorded);
    expect(record).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^JWT_SECRET: this replica has key [0-9a-f]{8}, but this database uses key [0-9a-f]{8} /);
    expect(problems[0]).toContain(keyId(other.JWT_SECRET[0]));
    expect(problems[0]).toContain(keyId(rings.JWT_SECRET[0]));
    expect(problems[0]).toMatch(/Give this replica the same JWT_SECRET as the others/);
    expect(problems[0]).not.toContain(rings.JWT_SECRET[0]);
    expect(problems[0]).not.toContain(other.JWT_SECRET[0]);
  });

  it('names every secret that differs, and records nothing when one does', () => {
    const rings = keyrings();
    const recorded = recordedBy(replicaKeys(rings)).filter((r) => r.secret !== 'HMAC_KEY'); // a secret added later
    const other = { ...rings, FIELD_ENCRYPTION_KEY: [randomBytes(32).toString('base64')], AUDIT_SIGNING_KEY: [pem()] };
    const { record, problems } = compareKeyChecks(replicaKeys(other), recorded);
    expect(problems.map((p) => p.split(':')[0])).toEqual(['FIELD_ENCRYPTION_KEY', 'AUDIT_SIGNING_KEY']);
    expect(record).toEqual([]);
  });

  it('accepts a rotation: a new current key with the recorded one kept for reading', () => {
    const rings = keyrings();
    const recorded = recordedBy(replicaKeys(rings));
    const newKey = randomBytes(32).toString('base64');
    const rotated = { ...rings, FIELD_ENCRYPTION_KEY: [newKey, rings.FIELD_ENCRYPTION_KEY[0]] };
    const { record, problems } = compareKeyChecks(replicaKeys(rotated), recorded);
    expect(problems).toEqual([]);
    expect(record).toEqual([{ ...keyCheckOf('FIELD_ENCRYPTION_KEY', newKey), replaces: keyId(rings.FIELD_ENCRYPTION_KEY[0]) }]);

    // Once recorded, the new key is current: the rotated replica passes, one still on the old key is refused.
    const after = [...recorded, { ...keyCheckOf('FIELD_ENCRYPTION_KEY', newKey), recordedAt: new Date('2026-02-01T00:00:00Z') }];
    expect(compareKeyChecks(replicaKeys(rotated), after)).toEqual({ record: [], problems: [] });
    const stale = compareKeyChecks(replicaKeys(rings), after).problems;
    expect(stale).toEqual([
      `FIELD_ENCRYPTION_KEY: this replica has key ${keyId(rings.FIELD_ENCRYPTION_KEY[0])}, which key ${keyId(newKey)} replaced on 2026-02-01T00:00:00.000Z. Give it the current FIELD_ENCRYPTION_KEY, as the other replicas have it.`,
    ]);
  });

  it('refuses a new key that does not keep the recorded one for reading', () => {
    const rings = keyrings();
    const recorded = recordedBy(replicaKeys(rings));
    const unrelated = { ...rings, HMAC_KEY: [aSecret(), aSecret()] };
    expect(compareKeyChecks(replicaKeys(unrelated), recorded).problems.map((p) => p.split(':')[0])).toEqual(['HMAC_KEY']);
  });
});
