import { randomBytes } from 'node:crypto';
import { FieldEncryption } from './field-encryption';

describe('FieldEncryption', () => {
  const key = randomBytes(32);
  const enc = new FieldEncryption('k1', key);

  it('round-trips and never repeats a ciphertext', () => {
    const a = enc.encrypt('JBSWY3DPEHPK3PXP', 'user:1');
    const b = enc.encrypt('JBSWY3DPEHPK3PXP', 'user:1');
    expect(a).not.toBe(b);
    expect(a.startsWith('v1.k1.')).toBe(true);
    expect(enc.decrypt(a, 'user:1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses tampered data, another context, or an unknown key', () => {
    const c = enc.encrypt('secret', 'user:1');
    expect(() => enc.decrypt(c, 'user:2')).toThrow();
    const parts = c.split('.');
    parts[4] = Buffer.from('other').toString('base64url');
    expect(() => enc.decrypt(parts.join('.'), 'user:1')).toThrow();
    expect(() => new FieldEncryption('k2', randomBytes(32)).decrypt(c, 'user:1')).toThrow(/key id/);
  });

  it('decrypts with a previous key after rotation', () => {
    const old = enc.encrypt('kept', 'x');
    const rotated = new FieldEncryption('k2', randomBytes(32), { k1: key });
    expect(rotated.decrypt(old, 'x')).toBe('kept');
  });
});
