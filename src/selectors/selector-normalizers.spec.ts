import { interpretSelector, normalizeCountry, normalizeSelector, SELECTOR_KINDS, SelectorKind, toChecksumAddress } from './selector-normalizers';

const good = (kind: SelectorKind, value: string, expected: string, qualifier?: string): void => {
  expect(normalizeSelector(kind, value, { qualifier })).toEqual(expect.objectContaining({ ok: true, kind, normalizedValue: expected }));
};
const refused = (kind: SelectorKind, value: string, reason: RegExp, qualifier?: string): void => {
  const result = normalizeSelector(kind, value, { qualifier });
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.reason).toMatch(reason);
};

describe('selector normalisers', () => {
  describe('email', () => {
    it('lower-cases, keeps dots and +tags, and turns an IDN domain into punycode', () => {
      good('email', '  John.Doe+jobs@Example.COM ', 'john.doe+jobs@example.com');
      good('email', 'mailto:worker@bücher.de', 'worker@xn--bcher-kva.de');
    });
    it('refuses an e-mail without a domain, without an @, or on a host without a public suffix', () => {
      refused('email', 'john.doe@', /no domain/);
      refused('email', 'john.doe', /local part and a domain/);
      refused('email', 'root@localhost', /not a valid e-mail|public suffix/);
      refused('email', 'a b@example.com', /not a valid/);
    });
  });

  describe('phone', () => {
    it('writes E.164, reading numbers without a country code in the default region (US unless set)', () => {
      good('phone', '+1 (202) 456-1111', '+12024561111');
      good('phone', '202.456.1111', '+12024561111');
      good('phone', 'tel:+44 20 7031 3000', '+442070313000');
      expect(normalizeSelector('phone', '020 7031 3000', { defaultPhoneRegion: 'GB' })).toMatchObject({ ok: true, normalizedValue: '+442070313000' });
    });
    it('refuses a number that cannot exist, and what is not a number', () => {
      refused('phone', '+1 202 000 0000', /cannot exist|can exist/);
      refused('phone', '+1 555 0100', /exist/);
      refused('phone', 'call me maybe', /must be a phone number/);
      refused('phone', '12', /must be a phone number/);
    });
  });

  describe('domain and url', () => {
    it('keeps the bare lower-case host of a domain, public-suffix aware, IDN to punycode', () => {
      good('domain', 'WWW.Example.COM.', 'example.com');
      good('domain', 'https://Bücher.de/path?q=1', 'xn--bcher-kva.de');
      good('domain', 'mail.example.co.uk', 'mail.example.co.uk');
    });
    it('refuses a bare public suffix, a single label and an unknown suffix', () => {
      refused('domain', 'co.uk', /public suffix/);
      refused('domain', 'localhost', /public suffix/);
      refused('domain', 'silverstar.notatld', /public suffix/);
      refused('domain', 'bad_host!.com', /public suffix/);
    });
    it('canonicalises a URL: scheme and host lower case, default port and fragment dropped', () => {
      good('url', 'HTTPS://Example.COM:443/Jobs?id=7#apply', 'https://example.com/Jobs?id=7');
      good('url', 'example.com', 'http://example.com/');
      good('url', 'http://[2001:0db8::0001]:8080/x', 'http://[2001:db8::1]:8080/x');
    });
    it('refuses other schemes, credentials in the URL and hosts without a public suffix', () => {
      refused('url', 'ftp://example.com/file', /http or https/);
      refused('url', 'https://user:pw@example.com/', /user name or password/);
      refused('url', 'http://intranet/', /public suffix/);
    });
  });

  describe('ip_address', () => {
    it('writes IPv4 dotted decimal and IPv6 per RFC 5952; an IPv4-mapped IPv6 address is the IPv4 one', () => {
      good('ip_address', ' 192.0.2.10 ', '192.0.2.10');
      good('ip_address', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1');
      good('ip_address', '::ffff:198.51.100.7', '198.51.100.7');
    });
    it('refuses octal-looking parts, short forms and garbage', () => {
      refused('ip_address', '010.1.1.1', /four decimal parts/);
      refused('ip_address', '1.2.3', /four decimal parts/);
      refused('ip_address', '256.1.1.1', /four decimal parts/);
      refused('ip_address', '2001:db8::zz', /IPv6/);
    });
  });

  describe('username', () => {
    it('keeps the platform with the lower-cased name', () => {
      good('username', 'GitHub:Jane_Dev', 'github:jane_dev');
      good('username', '@Jane.Dev', 'upwork:jane.dev', 'upwork');
    });
    it('refuses a username without a platform, an unknown platform, or a contradiction', () => {
      refused('username', 'jane_dev', /needs its platform/);
      refused('username', 'jane_dev', /platform must be one of/, 'myspace');
      refused('username', 'github:jane', /but platform is/, 'upwork');
      refused('username', 'github:jane dev', /letters, digits/);
    });
  });

  describe('crypto_wallet', () => {
    it('accepts Bitcoin base58check (P2PKH, P2SH) and bech32/bech32m, lower-casing bech32', () => {
      good('crypto_wallet', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa');
      good('crypto_wallet', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy');
      good('crypto_wallet', 'BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4');
      good('crypto_wallet', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0', 'bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0');
    });
    it('refuses a Bitcoin address with one wrong character (base58check and bech32)', () => {
      refused('crypto_wallet', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb', /checksum failed/);
      refused('crypto_wallet', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5', /checksum failed/);
      // bech32m checksum on a witness v0 program is not valid (BIP 350)
      refused('crypto_wallet', 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh', /checksum failed/);
      refused('crypto_wallet', 'bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4', /checksum failed/);
    });
    it('writes Ethereum addresses with their EIP-55 checksum, and accepts all-lower or all-upper hex', () => {
      good('crypto_wallet', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed');
      good('crypto_wallet', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed', 'ethereum');
      good('crypto_wallet', '0xFB6916095CA1DF60BB79CE92CE3EA74C37C5D359', '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359');
      expect(toChecksumAddress('dbf03b407c01e7cd3cbea99509d93f8dddc8c6fb')).toBe('0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB');
    });
    it('refuses an Ethereum address with a wrong EIP-55 checksum, and a wrong length', () => {
      refused('crypto_wallet', '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD', /EIP-55 checksum/);
      refused('crypto_wallet', '0x5aaeb6053f3e94c9b9a09f33669435e7ef1bea', /40 hex digits/);
      refused('crypto_wallet', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', /40 hex digits/, 'ethereum');
      refused('crypto_wallet', '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', /chain must be one of/, 'dogecoin');
    });
  });

  describe('bank accounts, devices, documents, stolen identities', () => {
    it('checks IBAN check digits and compacts other account numbers', () => {
      good('bank_account', 'gb82 west 1234 5698 7654 32', 'GB82WEST12345698765432');
      refused('bank_account', 'GB82 WEST 1234 5698 7654 33', /check digits/);
      good('bank_account', '021000021:1234-5678-9', '021000021/123456789');
      refused('bank_account', 'not an account!', /IBAN, or a bank identifier/);
    });
    it('upper-cases device serials without spaces', () => {
      good('device_serial', 'c02x 1234 abcd', 'C02X1234ABCD');
      refused('device_serial', '#', /3–128/);
    });
    it('prefixes identity documents with a real issuing country', () => {
      good('identity_document', 'kp: 12-3456 789', 'KP:123456789');
      good('identity_document', '123456789', 'US:123456789', 'us');
      refused('identity_document', '123456789', /not an ISO 3166-1/, 'ZZ');
      refused('identity_document', '123456789', /needs its issuing country/);
    });
    it('folds a stolen identity to one spelling', () => {
      good('stolen_identity', '  Jane   DOE ', 'jane doe');
      refused('stolen_identity', 'x', /3–256/);
    });
  });

  it('refuses empty, over-long and control-character-only values for every kind', () => {
    for (const kind of SELECTOR_KINDS) {
      expect(normalizeSelector(kind, '').ok).toBe(false);
      expect(normalizeSelector(kind, 'a'.repeat(600)).ok).toBe(false);
      expect(normalizeSelector(kind, '\u0000\u200b').ok).toBe(false);
    }
  });

  it('interprets a value by every strict kind it could be (lookup by any spelling)', () => {
    expect(interpretSelector('(202) 456-1111')).toEqual([expect.objectContaining({ kind: 'phone', normalizedValue: '+12024561111' })]);
    expect(interpretSelector('JOHN.DOE@EXAMPLE.COM')).toEqual([expect.objectContaining({ kind: 'email', normalizedValue: 'john.doe@example.com' })]);
    expect(interpretSelector('Example.com').map((r) => r.kind).sort()).toEqual(['domain', 'url']);
    expect(interpretSelector("%' OR 1=1 --")).toEqual([]);
  });

  it('checks countries against the real ISO 3166-1 list', () => {
    expect(normalizeCountry('kp')).toBe('KP');
    expect(normalizeCountry('ZZ')).toBeUndefined();
    expect(normalizeCountry('USA')).toBeUndefined();
  });
});
