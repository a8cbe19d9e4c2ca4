import {
  normalizeDomain,
  normalizeEmail,
  normalizeIp,
  normalizePhone,
  normalizeUrl,
  normalizeUsername,
  normalizeWallet,
  type SelectorKind,
} from '../selectors/selector-normalizers';

/**
 * What a narrative names: identifiers (normalised with the registry's own normalisers, so they compare with
 * `selector.normalized_value`) and name-like phrases (for the fuzzy name match). Pure functions, no I/O.
 */
export interface ExtractedSelector {
  kind: SelectorKind;
  normalizedValue: string;
}

export interface Extraction {
  selectors: ExtractedSelector[];
  /** Runs of 2–4 capitalised words ("Song Hwa Jong", "Yanbian Silverstar"): looked up by trigram word similarity. */
  phrases: string[];
}

/** At most this many identifiers and phrases per narrative: a narrative stuffed with thousands costs no more. */
export const MAX_EXTRACTED = 100;
export const MAX_PHRASES = 20;

/**
 * Undoes the defanging security-minded writers apply: `hxxp://`, `evil[.]example[.]com`, `jdoe (at) example
 * (dot) org`, `[:]//`, `[@]`. Only bracketed forms are rewritten (a bare " at " or " dot " is an English word).
 */
export function refang(text: string): string {
  return text
    .replace(/\bh(?:xx|\*\*|XX)p(s?)(\[?:\]?)\/\//g, (_m, s: string) => `http${s}://`)
    .replace(/\bfxp:\/\//gi, 'ftp://')
    .replace(/\[:\]\/\//g, '://')
    .replace(/\s*[[({]\s*(?:at|@)\s*[\])}]\s*/gi, '@')
    .replace(/\s*[[({]\s*(?:dot|\.)\s*[\])}]\s*/gi, '.');
}

const EMAIL = /[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}-]+\.)+[\p{L}]{2,}/gu;
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const DOMAIN = /(?<![@\p{L}\p{N}._-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24}(?![\p{L}\p{N}_-]|\.[a-z0-9])/giu;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;
const IPV6 = /(?<![\p{L}\p{N}:])(?=[0-9a-f:]*::|(?:[0-9a-f]{1,4}:){7})[0-9a-f:]{3,39}(?![\p{L}\p{N}:])/giu;
const PHONE = /(?<![\p{L}\p{N}.])\+?\(?\d[\d\s().-]{5,20}\d(?![\p{L}\p{N}])/gu;
const BTC_BECH32 = /\b(?:bc1|tb1)[a-z0-9]{11,71}\b/gi;
const BTC_BASE58 = /\b[123mn][a-km-zA-HJ-NP-Z1-9]{25,34}\b/g;
const ETH = /\b0x[0-9a-fA-F]{40}\b/g;
const PLATFORMS = 'github|gitlab|upwork|freelancer|fiverr|toptal|linkedin|indeed|telegram|skype|discord|slack|facebook|instagram|wechat|qq|payoneer|paypal';
/** `telegram: @jdoe`, `GitHub user: jdoe`, `skype id = jdoe`, `github:jdoe`. A colon, `=` or `@` is required. */
const USERNAME = new RegExp(`\\b(${PLATFORMS})(?:\\s+(?:user(?:name)?|handle|account|id|profile))?\\s*(?:[:=]\\s*@?|\\s+@)([\\p{L}\\p{N}._~-]{2,64})`, 'giu');
/** Profile URLs on platforms whose path is the user name. */
const PROFILE_HOSTS: Record<string, { platform: string; path: RegExp }> = {
  'github.com': { platform: 'github', path: /^\/([A-Za-z0-9-]{1,39})\/?$/ },
  'gitlab.com': { platform: 'gitlab', path: /^\/([A-Za-z0-9._-]{2,64})\/?$/ },
  't.me': { platform: 'telegram', path: /^\/([A-Za-z0-9_]{4,64})\/?$/ },
  'linkedin.com': { platform: 'linkedin', path: /^\/in\/([A-Za-z0-9-]{2,100})\/?$/ },
  'x.com': { platform: 'x', path: /^\/([A-Za-z0-9_]{1,15})\/?$/ },
  'twitter.com': { platform: 'x', path: /^\/([A-Za-z0-9_]{1,15})\/?$/ },
};

const PHRASE = /\p{Lu}[\p{L}'’-]+(?:[ \t]+\p{Lu}[\p{L}'’-]+){1,3}/gu;

/** Trailing punctuation that closes a sentence, not an identifier. */
const trimTail = (s: string): string => s.replace(/[.,;:!?)\]}>'"]+$/, '');

/** The identifiers and name-like phrases of `narrative`, each identifier once, in order of appearance. */
export function extract(narrative: string, options: { defaultPhoneRegion?: string; exclude?: readonly ExtractedSelector[] } = {}): Extraction {
  const text = refang(narrative.normalize('NFKC'));
  const found = new Map<string, ExtractedSelector>();
  const excluded = new Set((options.exclude ?? []).map((e) => `${e.kind}|${e.normalizedValue}`));
  const add = (kind: SelectorKind, normalizedValue: string): void => {
    const key = `${kind}|${normalizedValue}`;
    if (found.size < MAX_EXTRACTED && !excluded.has(key) && !found.has(key)) found.set(key, { kind, normalizedValue });
  };
  /** Spans already read as something more specific (an e-mail's domain is not a domain of its own). */
  const taken: [number, number][] = [];
  const isTaken = (start: number, end: number): boolean => taken.some(([s, e]) => start < e && end > s);
  const scan = (re: RegExp, fn: (match: string, start: number) => boolean): void => {
    for (const m of text.matchAll(re)) {
      const value = trimTail(m[0]);
      const start = m.index;
      if (isTaken(start, start + value.length)) continue;
      if (fn(value, start)) taken.push([start, start + value.length]);
    }
  };

  scan(URL_RE, (value) => {
    const url = normalizeUrl(value);
    if (!url.ok) return false;
    add('url', url.normalizedValue);
    const parsed = new URL(url.normalizedValue);
    const domain = normalizeDomain(parsed.hostname);
    if (domain.ok) add('domain', domain.normalizedValue);
    const profile = PROFILE_HOSTS[parsed.hostname.replace(/^www\./, '')];
    const name = profile?.path.exec(parsed.pathname)?.[1];
    if (profile && name) {
      const user = normalizeUsername(name, profile.platform);
      if (user.ok) add('username', user.normalizedValue);
    }
    return true;
  });
  scan(EMAIL, (value) => {
    const email = normalizeEmail(value);
    if (email.ok) add('email', email.normalizedValue);
    return email.ok;
  });
  scan(ETH, (value) => {
    const wallet = normalizeWallet(value, 'ethereum');
    if (wallet.ok) add('crypto_wallet', wallet.normalizedValue);
    return wallet.ok;
  });
  for (const re of [BTC_BECH32, BTC_BASE58]) {
    scan(re, (value) => {
      const wallet = normalizeWallet(value, 'bitcoin');
      if (wallet.ok) add('crypto_wallet', wallet.normalizedValue);
      return wallet.ok;
    });
  }
  scan(USERNAME, (value) => {
    const m = new RegExp(USERNAME.source, 'iu').exec(value);
    if (!m) return false;
    const user = normalizeUsername(trimTail(m[2]), m[1].toLowerCase());
    if (user.ok) add('username', user.normalizedValue);
    return user.ok;
  });
  for (const re of [IPV4, IPV6]) {
    scan(re, (value) => {
      const ip = normalizeIp(value);
      if (ip.ok) add('ip_address', ip.normalizedValue);
      return ip.ok;
    });
  }
  scan(DOMAIN, (value) => {
    const domain = normalizeDomain(value);
    if (domain.ok) add('domain', domain.normalizedValue);
    return domain.ok;
  });
  scan(PHONE, (value) => {
    if (value.replace(/\D/g, '').length < 7) return false;
    const phone = normalizePhone(value, options.defaultPhoneRegion);
    if (phone.ok) add('phone', phone.normalizedValue);
    return phone.ok;
  });

  const phrases = new Set<string>();
  for (const m of text.matchAll(PHRASE)) {
    if (phrases.size >= MAX_PHRASES) break;
    if (!isTaken(m.index, m.index + m[0].length)) phrases.add(m[0].replace(/\s+/g, ' '));
  }
  return { selectors: [...found.values()], phrases: [...phrases] };
}
