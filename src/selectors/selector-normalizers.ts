import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bech32, bech32m, createBase58check } from '@scure/base';
import * as countries from 'i18n-iso-countries';
import ipaddr from 'ipaddr.js';
import { isValidPhoneNumber, parsePhoneNumberWithError, type CountryCode } from 'libphonenumber-js/max';
import { domainToASCII } from 'node:url';
import { parse as parseDomain } from 'tldts';
import isEmail from 'validator/lib/isEmail';
import isIBAN from 'validator/lib/isIBAN';

/**
 * The selector normalisers and validators, one per kind: pure functions that tip intake reuses to match a
 * narrative's identifiers against the registry. Each turns one spelling of an identifier into its one
 * canonical form (`normalizedValue`), or refuses it with the reason. Nothing here touches the database.
 */

export const SELECTOR_KINDS = [
  'email',
  'phone',
  'domain',
  'url',
  'username',
  'crypto_wallet',
  'bank_account',
  'ip_address',
  'device_serial',
  'identity_document',
  'stolen_identity',
] as const;
export type SelectorKind = (typeof SELECTOR_KINDS)[number];

/** Platforms a `username` selector may name (the part before the colon of its normalised value). */
export const USERNAME_PLATFORMS = [
  'github',
  'gitlab',
  'upwork',
  'freelancer',
  'fiverr',
  'toptal',
  'linkedin',
  'indeed',
  'telegram',
  'skype',
  'discord',
  'slack',
  'x',
  'facebook',
  'instagram',
  'wechat',
  'qq',
  'payoneer',
  'paypal',
  'other',
] as const;
export type UsernamePlatform = (typeof USERNAME_PLATFORMS)[number];

export const WALLET_CHAINS = ['bitcoin', 'ethereum'] as const;
export type WalletChain = (typeof WALLET_CHAINS)[number];

export interface NormalizeOptions {
  /** Region for phone numbers written without a country code (ISO 3166-1 alpha-2). Default US. */
  defaultPhoneRegion?: string;
  /** username: the platform; crypto_wallet: the chain; identity_document: the issuing country. */
  qualifier?: string;
}

/** A canonical selector, or why the value is not one. */
export type NormalizeResult =
  | { ok: true; kind: SelectorKind; normalizedValue: string; qualifier: string | null }
  | { ok: false; kind: SelectorKind; reason: string };

const MAX_VALUE_LENGTH = 512;

const ok = (kind: SelectorKind, normalizedValue: string, qualifier: string | null = null): NormalizeResult => ({ ok: true, kind, normalizedValue, qualifier });
const bad = (kind: SelectorKind, reason: string): NormalizeResult => ({ ok: false, kind, reason });

/** NFKC, trimmed, without control or zero-width characters. */
function clean(value: string): string {
   
  return value.normalize('NFKC').replace(/[\u0000-\u001f\u007f\u200b-\u200d\u2060\ufeff]/g, '').trim();
}

/** ISO 3166-1 alpha-2 against the real list (upper case), or undefined. */
export function normalizeCountry(code: string): string | undefined {
  const upper = code.trim().toUpperCase();
  return /^[A-Z]{2}$/.test(upper) && countries.isValid(upper) ? upper : undefined;
}

// ---------------------------------------------------------------- e-mail

export function normalizeEmail(raw: string): NormalizeResult {
  const value = clean(raw).replace(/^mailto:/i, '');
  const at = value.lastIndexOf('@');
  if (at <= 0) return bad('email', 'must be an e-mail address with a local part and a domain, such as name@example.com');
  const local = value.slice(0, at);
  const domainPart = value.slice(at + 1).replace(/\.$/, '');
  if (domainPart === '') return bad('email', 'has no domain after the @');
  const domain = domainToASCII(domainPart.toLowerCase());
  if (domain === '') return bad('email', 'has a domain that is not a valid host name');
  // Lower-cased, but dots and +tags are kept: they are part of the identifier (validator's normalizeEmail strips them).
  const address = `${local.toLowerCase()}@${domain}`;
  if (!isEmail(address, { allow_utf8_local_part: true, require_tld: true, allow_ip_domain: false })) return bad('email', 'is not a valid e-mail address');
  const host = parseDomain(domain);
  if (!host.domain || !(host.isIcann || host.isPrivate)) return bad('email', 'has a domain without a known public suffix');
  return ok('email', address);
}

// ---------------------------------------------------------------- phone

export function normalizePhone(raw: string, defaultRegion = 'US'): NormalizeResult {
  const value = clean(raw).replace(/^tel:/i, '');
  if (!/^[+\d\s().\-/]{3,40}(?:\s*(?:ext\.?|x|#)\s*\d{1,6})?$/i.test(value)) return bad('phone', 'must be a phone number: digits, spaces, dashes, dots, brackets and an optional leading +');
  const region = defaultRegion.toUpperCase() as CountryCode;
  try {
    const parsed = parsePhoneNumberWithError(value, { defaultCountry: region });
    if (!parsed.isValid() || !isValidPhoneNumber(parsed.number)) return bad('phone', `is not a number that can exist (checked against the numbering plan of ${parsed.country ?? `+${parsed.countryCallingCode}`})`);
    return ok('phone', parsed.number);
  } catch {
    return bad('phone', 'is not a phone number that can exist');
  }
}

// ---------------------------------------------------------------- domain and URL

/** A host name: lower case, IDN to punycode, no trailing dot, with a registrable domain under a known public suffix. */
function canonicalHost(raw: string): string | undefined {
  const trimmed = raw.trim().replace(/\.$/, '').toLowerCase();
  if (trimmed === '' || trimmed.length > 253) return undefined;
  const ascii = domainToASCII(trimmed);
  if (ascii === '' || !/^[a-z0-9.-]+$/.test(ascii) || ascii.split('.').some((label) => label === '' || label.length > 63 || label.startsWith('-') || label.endsWith('-'))) return undefined;
  const parsed = parseDomain(ascii);
  if (parsed.isIp || !parsed.domain || !(parsed.isIcann || parsed.isPrivate)) return undefined;
  return ascii;
}

export function normalizeDomain(raw: string): NormalizeResult {
  let value = clean(raw);
  // A URL or user@host given as a domain: keep its host.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      value = new URL(value).hostname;
    } catch {
      return bad('domain', 'is not a domain name');
    }
  }
  value = value.replace(/[/?#].*$/, '').replace(/:\d+$/, '');
  const host = canonicalHost(value);
  if (!host) return bad('domain', 'must be a domain name under a known public suffix, such as example.com');
  // The bare host: `www.` is the same site.
  return ok('domain', host.startsWith('www.') && parseDomain(host).subdomain === 'www' ? host.slice(4) : host);
}

export function normalizeUrl(raw: string): NormalizeResult {
  const value = clean(raw);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return bad('url', 'is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return bad('url', 'must be an http or https URL');
  if (url.username || url.password) return bad('url', 'must not carry a user name or password');
  const host = canonicalHost(url.hostname);
  let hostPart: string;
  if (host) hostPart = host;
  else {
    const ip = normalizeIp(url.hostname.replace(/^\[|\]$/g, ''));
    if (!ip.ok) return bad('url', 'must have a host under a known public suffix, or an IP address');
    hostPart = ip.normalizedValue.includes(':') ? `[${ip.normalizedValue}]` : ip.normalizedValue;
  }
  // Scheme and host lower case (URL does it), default port dropped (URL does it), no fragment.
  const port = url.port ? `:${url.port}` : '';
  return ok('url', `${url.protocol}//${hostPart}${port}${url.pathname || '/'}${url.search}`);
}

// ---------------------------------------------------------------- IP address

export function normalizeIp(raw: string): NormalizeResult {
  const value = clean(raw);
  if (/^[\d.]+$/.test(value)) {
    // ipaddr.js reads 010.1.1.1 as octal: only plain four-part decimals are addresses here.
    if (!ipaddr.IPv4.isValidFourPartDecimal(value) || value.split('.').some((part) => part.length > 1 && part.startsWith('0'))) return bad('ip_address', 'must be an IPv4 address in four decimal parts (no leading zeros) or an IPv6 address');
    return ok('ip_address', ipaddr.IPv4.parse(value).toString());
  }
  if (!value.includes(':') || !ipaddr.IPv6.isValid(value.replace(/%.*$/, ''))) return bad('ip_address', 'must be an IPv4 address in four decimal parts or an IPv6 address');
  const v6 = ipaddr.IPv6.parse(value.replace(/%.*$/, ''));
  // An IPv4-mapped IPv6 address is the IPv4 address.
  if (v6.isIPv4MappedAddress()) return ok('ip_address', v6.toIPv4Address().toString());
  return ok('ip_address', v6.toRFC5952String());
}

// ---------------------------------------------------------------- usernames

export function normalizeUsername(raw: string, platform?: string): NormalizeResult {
  let value = clean(raw);
  let named = platform?.trim().toLowerCase();
  const prefixed = /^([a-z]+):(.+)$/i.exec(value);
  if (prefixed && (USERNAME_PLATFORMS as readonly string[]).includes(prefixed[1].toLowerCase())) {
    if (named && named !== prefixed[1].toLowerCase()) return bad('username', `names platform "${prefixed[1].toLowerCase()}" but platform is "${named}"`);
    named = prefixed[1].toLowerCase();
    value = prefixed[2];
  }
  if (!named) return bad('username', `needs its platform: give platform, or write the value as platform:name (${USERNAME_PLATFORMS.join(', ')})`);
  if (!(USERNAME_PLATFORMS as readonly string[]).includes(named)) return bad('username', `platform must be one of ${USERNAME_PLATFORMS.join(', ')}`);
  const name = value.trim().replace(/^@/, '').toLowerCase();
  if (!/^[\p{L}\p{N}._\-~]{1,128}$/u.test(name)) return bad('username', 'must be 1–128 letters, digits, dots, dashes, underscores or tildes (with an optional leading @)');
  return ok('username', `${named}:${name}`, named);
}

// ---------------------------------------------------------------- crypto wallets

const base58check = createBase58check(sha256);

function bitcoinAddress(value: string): string | undefined {
  const lower = value.toLowerCase();
  if (/^(bc|tb)1/.test(lower)) {
    // bech32 (witness v0) or bech32m (v1+), one case only (BIP 173).
    if (value !== lower && value !== value.toUpperCase()) return undefined;
    for (const codec of [bech32, bech32m]) {
      try {
        const { prefix, words } = codec.decode(lower as `${string}1${string}`);
        if (prefix !== 'bc' && prefix !== 'tb') return undefined;
        const version = words[0];
        const program = codec.fromWords(words.slice(1));
        if (version > 16 || program.length < 2 || program.length > 40) return undefined;
        if (version === 0 && codec !== bech32) continue;
        if (version !== 0 && codec !== bech32m) continue;
        if (version === 0 && program.length !== 20 && program.length !== 32) return undefined;
        return lower;
      } catch {
        /* try the other codec */
      }
    }
    return undefined;
  }
  try {
    const payload = base58check.decode(value);
    // P2PKH 0x00, P2SH 0x05 (mainnet); 0x6f, 0xc4 (testnet); a 20-byte hash after the version byte.
    if (payload.length === 21 && [0x00, 0x05, 0x6f, 0xc4].includes(payload[0])) return value;
  } catch {
    /* not base58check, or a bad checksum */
  }
  return undefined;
}

/** The EIP-55 mixed-case checksum form of a 20-byte hex address. */
export function toChecksumAddress(hex40: string): string {
  const lower = hex40.toLowerCase();
  const hash = keccak_256(new TextEncoder().encode(lower));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const nibble = (hash[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 0x0f;
    out += nibble >= 8 ? lower[i].toUpperCase() : lower[i];
  }
  return out;
}

function ethereumAddress(value: string): string | { error: string } | undefined {
  const m = /^0x([0-9a-fA-F]{40})$/.exec(value);
  if (!m) return undefined;
  const checksummed = toChecksumAddress(m[1]);
  const mixed = m[1] !== m[1].toLowerCase() && m[1] !== m[1].toUpperCase();
  // All one case carries no checksum; mixed case is an EIP-55 checksum and must be right.
  if (mixed && value !== checksummed) return { error: 'has a wrong EIP-55 checksum (its mixed case does not match the address): check every character' };
  return checksummed;
}

export function normalizeWallet(raw: string, chain?: string): NormalizeResult {
  const value = clean(raw).replace(/^(bitcoin|ethereum):/i, '');
  const named = chain?.trim().toLowerCase() ?? (/^0x/i.test(value) ? 'ethereum' : 'bitcoin');
  if (!(WALLET_CHAINS as readonly string[]).includes(named)) return bad('crypto_wallet', `chain must be one of ${WALLET_CHAINS.join(', ')}`);
  if (named === 'ethereum') {
    const eth = ethereumAddress(value);
    if (eth === undefined) return bad('crypto_wallet', 'must be an Ethereum address: 0x and 40 hex digits');
    if (typeof eth === 'object') return bad('crypto_wallet', eth.error);
    return ok('crypto_wallet', eth, 'ethereum');
  }
  const btc = bitcoinAddress(value);
  if (!btc) return bad('crypto_wallet', 'is not a valid Bitcoin address (base58check or bech32/bech32m checksum failed)');
  return ok('crypto_wallet', btc, 'bitcoin');
}

// ---------------------------------------------------------------- bank accounts, devices, documents, identities

export function normalizeBankAccount(raw: string): NormalizeResult {
  const compact = clean(raw).replace(/[\s-]/g, '').toUpperCase();
  if (/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(compact)) {
    if (!isIBAN(compact)) return bad('bank_account', 'looks like an IBAN but its check digits are wrong');
    return ok('bank_account', compact);
  }
  // Otherwise a domestic account, written as bank identifier and account (`021000021/123456789`, `SWIFT:account`).
  if (!/^[A-Z0-9]{2,34}(?:[/:][A-Z0-9]{2,34})?$/.test(compact)) return bad('bank_account', 'must be an IBAN, or a bank identifier and account number (letters and digits, separated by / or :)');
  return ok('bank_account', compact.replace(':', '/'));
}

export function normalizeDeviceSerial(raw: string): NormalizeResult {
  const compact = clean(raw).replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9._:/-]{2,127}$/.test(compact)) return bad('device_serial', 'must be 3–128 letters, digits, dots, dashes, colons or slashes');
  return ok('device_serial', compact);
}

export function normalizeIdentityDocument(raw: string, country?: string): NormalizeResult {
  let value = clean(raw);
  let issuer = country;
  const prefixed = /^([A-Za-z]{2}):(.+)$/.exec(value);
  if (prefixed) {
    if (issuer && issuer.toUpperCase() !== prefixed[1].toUpperCase()) return bad('identity_document', 'names two different issuing countries');
    issuer = prefixed[1];
    value = prefixed[2];
  }
  if (!issuer) return bad('identity_document', 'needs its issuing country: give country (ISO 3166-1 alpha-2), or write the value as CC:number');
  const code = normalizeCountry(issuer);
  if (!code) return bad('identity_document', `issuing country "${issuer}" is not an ISO 3166-1 alpha-2 code`);
  const number = value.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z0-9]{4,32}$/.test(number)) return bad('identity_document', 'document number must be 4–32 letters and digits');
  return ok('identity_document', `${code}:${number}`, code);
}

export function normalizeStolenIdentity(raw: string): NormalizeResult {
  const text = clean(raw).replace(/\s+/g, ' ').toLowerCase();
  if (text.length < 3 || text.length > 256) return bad('stolen_identity', 'must be 3–256 characters');
  return ok('stolen_identity', text);
}

// ---------------------------------------------------------------- dispatch

/** The canonical form of `value` as a selector of `kind`, or why it is not one. */
export function normalizeSelector(kind: SelectorKind, value: string, options: NormalizeOptions = {}): NormalizeResult {
  if (typeof value !== 'string' || value.length === 0) return bad(kind, 'must not be empty');
  if (value.length > MAX_VALUE_LENGTH) return bad(kind, `must be at most ${MAX_VALUE_LENGTH} characters`);
  switch (kind) {
    case 'email':
      return normalizeEmail(value);
    case 'phone':
      return normalizePhone(value, options.defaultPhoneRegion);
    case 'domain':
      return normalizeDomain(value);
    case 'url':
      return normalizeUrl(value);
    case 'username':
      return normalizeUsername(value, options.qualifier);
    case 'crypto_wallet':
      return normalizeWallet(value, options.qualifier);
    case 'bank_account':
      return normalizeBankAccount(value);
    case 'ip_address':
      return normalizeIp(value);
    case 'device_serial':
      return normalizeDeviceSerial(value);
    case 'identity_document':
      return normalizeIdentityDocument(value, options.qualifier);
    case 'stolen_identity':
      return normalizeStolenIdentity(value);
  }
}

/**
 * Every kind `value` is a valid spelling of, with its canonical form: what a lookup "by any spelling" or a
 * search term may mean. Free-text kinds (device serials, stolen identities, bank accounts in domestic form)
 * are left out unless named, since nearly any word would pass them.
 */
export function interpretSelector(value: string, options: Omit<NormalizeOptions, 'qualifier'> = {}, kinds: readonly SelectorKind[] = INTERPRETED_KINDS): Extract<NormalizeResult, { ok: true }>[] {
  const found: Extract<NormalizeResult, { ok: true }>[] = [];
  for (const kind of kinds) {
    const result = normalizeSelector(kind, value, options);
    if (result.ok && !found.some((f) => f.kind === result.kind && f.normalizedValue === result.normalizedValue)) found.push(result);
  }
  return found;
}

/** The kinds whose validators are strict enough to tell an identifier from a word. */
export const INTERPRETED_KINDS: readonly SelectorKind[] = ['email', 'phone', 'crypto_wallet', 'ip_address', 'url', 'domain', 'username', 'identity_document'];
