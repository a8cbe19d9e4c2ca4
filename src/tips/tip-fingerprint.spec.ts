import { BANDS, comparisonKey, narrativeBands, trigrams } from './tip-fingerprint';

describe('narrative fingerprints (MinHash bands)', () => {
  it('reads trigrams as pg_trgm does: alphanumeric words padded with two spaces in front and one behind', () => {
    // SELECT show_trgm('ab c') → {"  a","  c"," ab"," c ","ab "}
    expect([...trigrams('ab c')].sort()).toEqual(['  a', '  c', ' ab', ' c ', 'ab ']);
    expect(trigrams('!!! ...').size).toBe(0);
  });

  it('compares the first 500 characters, lower case (as lower(left(narrative, 500)))', () => {
    expect(comparisonKey(`${'Ä'.repeat(499)}😀XYZ`)).toBe(`${'ä'.repeat(499)}😀`);
  });

  it('gives the same bands to the same text, many shared bands to a near-identical one, and (almost) none to another', () => {
    const text = (n: string): string => `Tip ${n}: our remote hire writes from it.warrior${n} (at) example (dot) com and was paid to a wallet in Yanbian.`;
    const a = narrativeBands(text('1a2b3c4d'));
    expect(a).toHaveLength(BANDS);
    expect(narrativeBands(text('1a2b3c4d'))).toEqual(a);
    for (const band of a) expect(Number.isSafeInteger(band) && band >= 0).toBe(true);
    let shared = 0;
    for (let i = 0; i < 50; i++) {
      const b = narrativeBands(text(i.toString(16).padStart(8, '0')));
      shared += b.filter((band, j) => band === a[j]).length > 0 ? 1 : 0;
    }
    expect(shared).toBeGreaterThanOrEqual(48);
    const other = narrativeBands('A laptop farm in Ohio hosts company laptops for remote workers, paid monthly by a front company.');
    expect(other.filter((band, j) => band === a[j])).toHaveLength(0);
    expect(narrativeBands('!!!')).toEqual([]);
  });
});
