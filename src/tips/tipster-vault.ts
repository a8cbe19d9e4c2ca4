import { Inject, Injectable } from '@nestjs/common';
import { randomInt } from 'node:crypto';
import { FIELD_ENCRYPTION, FieldEncryption, keyedHash } from '../common/crypto/field-encryption';
import { AppConfig } from '../config/app-config';
import { normalizeEmail, normalizePhone } from '../selectors/selector-normalizers';
import type { TipsterDto } from './dto/intake.dto';
import type { ExtractedSelector } from './tip-extraction';
import { InvalidTipsterError } from './tips.errors';

/** The identity a tipster gave, as it is encrypted (and revealed). */
export interface TipsterIdentity {
  name: string | null;
  email: string | null;
  phone: string | null;
  contactPreference: string | null;
}

/** What the tip row keeps of a tipster: the identity sealed, two keyed hashes and a pseudonym. */
export interface PreparedTipster {
  anonymous: boolean;
  identity: TipsterIdentity | null;
  emailHmac: string | null;
  phoneHmac: string | null;
  pseudonym: string | null;
  /** The tipster's own identifiers: never extracted from the narrative as a lead. */
  own: ExtractedSelector[];
}

/** Unambiguous characters (no 0/O, 1/I/L): references and pseudonyms are read aloud on the phone. */
export const UNAMBIGUOUS = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export function newTipReference(): string {
  let out = 'TIP-';
  for (let i = 0; i < 8; i++) out += UNAMBIGUOUS[randomInt(UNAMBIGUOUS.length)];
  return out;
}

export const TIP_REFERENCE = /^TIP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;

/** `Tipster 7F3K`: four characters of the unambiguous alphabet drawn from a keyed hash (hex). */
export function pseudonymOf(hmacHex: string): string {
  const bytes = Buffer.from(hmacHex.slice(0, 16), 'hex');
  let out = '';
  for (let i = 0; i < 4; i++) out += UNAMBIGUOUS[bytes[i] % UNAMBIGUOUS.length];
  return `Tipster ${out}`;
}

const aad = (tipId: string): string => `tip:${tipId}:tipster`;

/**
 * Tipster protection in one place: checks and normalises what an integration sends about the tipster,
 * seals the identity (AES-256-GCM, the key id in the ciphertext and in its own column, bound to the tip id),
 * and derives the keyed hashes (HMAC_KEY) and the pseudonym. Nothing here logs or returns a value it read:
 * errors name the field and the rule only.
 */
@Injectable()
export class TipsterVault {
  constructor(
    @Inject(FIELD_ENCRYPTION) private readonly encryption: FieldEncryption,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  prepare(dto: TipsterDto): PreparedTipster {
    const given = (['name', 'email', 'phone', 'contactPreference'] as const).filter((f) => dto[f] !== undefined && dto[f] !== null);
    if (dto.anonymous === true) {
      if (given.length > 0)
        throw new InvalidTipsterError(
          given.map((f) => ({ field: `tipster.${f}`, message: 'must be absent when anonymous is true: an anonymous tipster gives no identity' })),
        );
      return { anonymous: true, identity: null, emailHmac: null, phoneHmac: null, pseudonym: null, own: [] };
    }
    if (!dto.name && !dto.email && !dto.phone) {
      throw new InvalidTipsterError([{ field: 'tipster', message: 'needs a name, email or phone, or anonymous: true' }]);
    }
    const errors: { field: string; message: string }[] = [];
    let email: string | null = null;
    let phone: string | null = null;
    if (dto.email !== undefined) {
      const result = normalizeEmail(dto.email);
      if (result.ok) email = result.normalizedValue;
      else errors.push({ field: 'tipster.email', message: 'is not a valid e-mail address' });
    }
    if (dto.phone !== undefined) {
      const result = normalizePhone(dto.phone, this.config.defaultPhoneRegion);
      if (result.ok) phone = result.normalizedValue;
      else errors.push({ field: 'tipster.phone', message: 'is not a phone number that can exist' });
    }
    if (dto.contactPreference === 'email' && dto.email === undefined)
      errors.push({ field: 'tipster.contactPreference', message: 'is email, but no email is given' });
    if (dto.contactPreference === 'phone' && dto.phone === undefined)
      errors.push({ field: 'tipster.contactPreference', message: 'is phone, but no phone is given' });
    if (errors.length > 0) throw new InvalidTipsterError(errors);
    const emailHmac = email ? this.hash('email', email) : null;
    const phoneHmac = phone ? this.hash('phone', phone) : null;
    const anchor = emailHmac ?? phoneHmac;
    return {
      anonymous: false,
      identity: { name: dto.name ?? null, email, phone, contactPreference: dto.contactPreference ?? null },
      emailHmac,
      phoneHmac,
      // A tipster who gave only a name cannot be recognised again: a pseudonym of their own, per tip.
      pseudonym: pseudonymOf(anchor ?? this.hash('name-only', `${Date.now()}:${randomInt(2 ** 47)}`)),
      own: [...(email ? [{ kind: 'email' as const, normalizedValue: email }] : []), ...(phone ? [{ kind: 'phone' as const, normalizedValue: phone }] : [])],
    };
  }

  /** The sealed identity and the id of the key that sealed it. */
  seal(tipId: string, identity: TipsterIdentity): { ciphertext: string; keyId: string } {
    const ciphertext = this.encryption.encrypt(JSON.stringify(identity), aad(tipId));
    return { ciphertext, keyId: keyIdOf(ciphertext) };
  }

  open(tipId: string, ciphertext: string): TipsterIdentity {
    return JSON.parse(this.encryption.decrypt(ciphertext, aad(tipId))) as TipsterIdentity;
  }

  /** The key new ciphertexts are sealed with. */
  get currentKeyId(): string {
    return this.config.secrets.fieldEncryptionKeyId;
  }

  private hash(kind: string, value: string): string {
    return keyedHash(this.config.secrets.hmacKey, `casefile-tipster-${kind}|${value}`);
  }
}

/** The key id a `v1.<keyId>.…` ciphertext names. */
export function keyIdOf(ciphertext: string): string {
  return ciphertext.split('.')[1] ?? '';
}
