import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSecrets } from './secrets';

describe('loadSecrets', () => {
  it('generates secrets once into a 0600 file and reuses them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'casefile-secrets-'));
    const first = loadSecrets(dir, {});
    expect(first.generated).toEqual(expect.arrayContaining(['jwtSecret', 'fieldEncryptionKey', 'auditSigningKey']));
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
    expect(result.generated).not.toContain('jwtSecret');
  });
});
