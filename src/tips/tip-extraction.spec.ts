import { extract, refang } from './tip-extraction';

const kinds = (narrative: string): string[] => extract(narrative).selectors.map((s) => `${s.kind}:${s.normalizedValue}`);

describe('tip extraction', () => {
  it('refangs the defanged forms security-minded tipsters write', () => {
    expect(refang('hxxp://evil[.]example[.]com/login')).toBe('http://evil.example.com/login');
    expect(refang('hxxps[:]//evil[.]example[.]com')).toBe('https://evil.example.com');
    expect(refang('jdoe (at) example (dot) org')).toBe('jdoe@example.org');
    expect(refang('jdoe[@]example{.}org')).toBe('jdoe@example.org');
    expect(refang('meet me at the dot')).toBe('meet me at the dot');
  });

  it('finds e-mails, URLs and their domains, including defanged ones, normalised like selectors', () => {
    expect(kinds('Write to JDoe@Example.COM or jdoe (at) example (dot) org; the site is hxxp://evil[.]example[.]com/pay.')).toEqual([
      'url:http://evil.example.com/pay',
      'domain:evil.example.com',
      'email:jdoe@example.com',
      'email:jdoe@example.org',
    ]);
  });

  it('finds phones in any format, IPs, wallets and platform user names', () => {
    const found = kinds(
      'Call +1 (202) 555-0142 or 202.555.0142. He logs in from 203.0.113.7 and 2001:db8::1. Paid to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 and ' +
        '0x52908400098527886e0f7030069857d2e4169ee7. Telegram: @it_warrior, see https://github.com/octo-dev.',
    );
    expect(found).toEqual(
      expect.arrayContaining([
        'phone:+12025550142',
        'ip_address:203.0.113.7',
        'ip_address:2001:db8::1',
        'crypto_wallet:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4',
        'crypto_wallet:0x52908400098527886E0F7030069857D2E4169EE7',
        'username:telegram:it_warrior',
        'username:github:octo-dev',
        'url:https://github.com/octo-dev',
        'domain:github.com',
      ]),
    );
    expect(found.filter((f) => f.startsWith('phone:'))).toEqual(['phone:+12025550142']);
  });

  it('does not read dates, versions, file names or an e-mail’s domain as identifiers', () => {
    expect(kinds('On 2024-12-05 at 10:30 he sent report.pdf (version 2.0.1), from a@b-corp.com.')).toEqual(['email:a@b-corp.com']);
  });

  it('leaves out what the caller excludes (the tipster’s own contact details)', () => {
    expect(
      extract('Reach me at me@example.net; the worker is it.warrior@example.com', { exclude: [{ kind: 'email', normalizedValue: 'me@example.net' }] })
        .selectors,
    ).toEqual([{ kind: 'email', normalizedValue: 'it.warrior@example.com' }]);
  });

  it('collects runs of capitalised words as name phrases', () => {
    expect(extract('I think Song Hwa Jong works for Yanbian Silverstar in China.').phrases).toEqual(['Song Hwa Jong', 'Yanbian Silverstar']);
  });

  it('caps what one narrative can produce', () => {
    const many = Array.from({ length: 500 }, (_, i) => `user${i}@example.com`).join(' ');
    expect(extract(many).selectors).toHaveLength(100);
  });
});
