import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keyId, loadSecrets, MissingSecretsError } from './secrets';

describe('loadSecrets', () => {
  it('generates secrets once into a 0600 file and reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-secrets-'));
    const first = loadSecrets(dir, {});
    expect(first.generated).toEqual(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY']);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const second = loadSecrets(dir, {});
    expect(second.generated).toEqual([]);
    expect(second.secrets.jwtSecret).toBe(first.secrets.jwtSecret);
    expect(second.secrets.fieldEncryptionKey.length).toBe(32);
  });

  it('prefers secrets given in the environment and does not report them as generated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-secrets-'));
    const result = loadSecrets(dir, { JWT_SECRET: 'j'.repeat(40) });
    expect(result.secrets.jwtSecret).toBe('j'.repeat(40));
    expect(result.generated).not.toContain('JWT_SECRET');
    expect(JSON.parse(readFileSync(result.file, 'utf8'))).not.toHaveProperty('jwtSecret');
  });

  it('never generates a secret the database records a key for, and says which to give and where to copy it from', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-secrets-'));
    let error: unknown;
    try {
      loadSecrets(dir, { HMAC_KEY: 'h'.repeat(40) }, { recorded: new Set(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY']) });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(MissingSecretsError);
    const refused = error as MissingSecretsError;
    expect(refused.problems.map((p) => p.split(' ')[0])).toEqual(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'AUDIT_SIGNING_KEY']);
    expect(refused.hint).toContain('copy them from its DATA_DIR/secrets/secrets.json (jwtSecret → JWT_SECRET, fieldEncryptionKey → FIELD_ENCRYPTION_KEY');
    expect(existsSync(join(dir, 'secrets', 'secrets.json'))).toBe(false);
    // A secret the database records no key for yet (one added by a later version) is still generated.
    const partly = loadSecrets(dir, { HMAC_KEY: 'h'.repeat(40) }, { recorded: new Set(['HMAC_KEY']) });
    expect(partly.generated).toEqual(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'AUDIT_SIGNING_KEY']);
  });

  it('reuses what this replica generated before, even once the database records it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-secrets-'));
    const first = loadSecrets(dir, {});
    const again = loadSecrets(dir, {}, { recorded: new Set(['JWT_SECRET', 'FIELD_ENCRYPTION_KEY', 'HMAC_KEY', 'AUDIT_SIGNING_KEY']) });
    expect(again.generated).toEqual([]);
    expect(again.secrets.keyrings).toEqual(first.secrets.keyrings);
  });

  it('takes the current key first and keeps the older ones for reading', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-secrets-'));
    const [current, older] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
    const { secrets } = loadSecrets(dir, { FIELD_ENCRYPTION_KEY: `${current},${older}`, JWT_SECRET: `${'n'.repeat(40)},${'o'.repeat(40)}` });
    expect(secrets.fieldEncryptionKey).toEqual(Buffer.from(current, 'base64'));
    expect(secrets.fieldEncryptionKeyId).toBe(keyId(current));
    expect(secrets.fieldEncryptionOlderKeys).toEqual({ [keyId(older)]: Buffer.from(older, 'base64') });
    expect(secrets.jwtSecret).toBe('n'.repeat(40));
    expect(secrets.keyrings.JWT_SECRET).toEqual(['n'.repeat(40), 'o'.repeat(40)]);
  });
});
