import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM for sensitive fields. Ciphertext format: `v1.<keyId>.<iv>.<tag>.<data>` (base64url parts),
 * so keys can rotate: decryption picks the key by id.
 */
export class FieldEncryption {
  private readonly keys: Map<string, Buffer>;

  constructor(
    private readonly currentKeyId: string,
    currentKey: Buffer,
    previousKeys: Record<string, Buffer> = {},
  ) {
    if (currentKey.length !== 32) throw new Error('the field encryption key must be 32 bytes');
    this.keys = new Map([[currentKeyId, currentKey], ...Object.entries(previousKeys)]);
  }

  encrypt(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.currentKeyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string, associatedData = ''): string {
    const [version, keyId, iv, tag, data] = ciphertext.split('.');
    const key = keyId ? this.keys.get(keyId) : undefined;
    if (version !== 'v1' || !key || !iv || !tag || data === undefined) throw new Error('unreadable ciphertext or unknown key id');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Keyed hash for look-ups that must not reveal their input. */
export function keyedHash(key: string, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** Injection token of the app's FieldEncryption (keys from the secrets). */
export const FIELD_ENCRYPTION = Symbol('FieldEncryption');
