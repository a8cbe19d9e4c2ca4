import { BANDS, closestNarrative, comparisonKey, narrativeBands, narrativeGrams, trigrams } from './tip-fingerprint';

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

  it('keeps the bands it gave before: they are stored with each tip and compared with those of later tips', () => {
    // Computed by the first implementation (strings of trigrams, then FNV-1a, then MinHash); any change to the
    // hashing must keep them, or tips received before it would no longer be found as duplicates.
    expect(narrativeBands('Tip 1a2b3c4d: our remote hire "Alex" writes from it.warrior1a2b3c4d (at) example (dot) com, paid to a wallet in Yanbian.')).toEqual([
      48285300202275, 4185980892675060, 594690355383941, 1096249124145374, 933997963538238, 901908621758016, 3593420730040310, 2490923014334279,
      3420959780019922, 3989537965257918, 3725180282108731, 3460742480338230,
    ]);
    // Past the first 500 characters (a surrogate pair counts once), letters outside ASCII.
    expect(narrativeBands(`Ünïcödé 😀 ${'Song Hwa Jong '.repeat(40)}`)).toEqual([
      2252082420309241, 3435690697548378, 3944480010791053, 1155376914908103, 2035396285729654, 3994825635003119, 4050821394415181, 673414859909131,
      210993381845655, 937689976187396, 2042883489314264, 1615045491175145,
    ]);
  });

  it('meets a narrative of similarity s with the probability the README gives, 1 − (1 − s³)¹² (0.95 at 0.6): the bands are the only way to a near duplicate', () => {
    // Deterministic pairs (a fixed-seed generator): a narrative of 60 words from a vocabulary, and a copy with some words replaced,
    // kept when the trigram (Jaccard) similarity of the two, as pg_trgm computes it, lies in [lo, hi).
    let seed = 0x2545f491;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const vocabulary = Array.from({ length: 3000 }, (_, i) => (i * 2654435761).toString(36).replace(/[0-9]/g, '').slice(0, 3 + (i % 6)) || `w${i}`);
    const jaccard = (a: Set<string>, b: Set<string>): number => [...a].filter((g) => b.has(g)).length / new Set([...a, ...b]).size;
    const shareRate = (lo: number, hi: number): number => {
      let pairs = 0;
      let met = 0;
      while (pairs < 200) {
        const words = Array.from({ length: 60 }, () => vocabulary[next(vocabulary.length)]);
        const edited = [...words];
        for (let k = 0, n = 5 + next(20); k < n; k++) edited[next(60)] = vocabulary[next(vocabulary.length)];
        const [a, b] = [words.join(' '), edited.join(' ')];
        const s = jaccard(trigrams(comparisonKey(a)), trigrams(comparisonKey(b)));
        if (s < lo || s >= hi) continue;
        pairs++;
        const bandsOfB = narrativeBands(b);
        if (narrativeBands(a).some((band, j) => band === bandsOfB[j])) met++;
      }
      return met / pairs;
    };
    expect(shareRate(0.6, 0.65)).toBeGreaterThanOrEqual(0.9);
    expect(shareRate(0.7, 0.75)).toBeGreaterThanOrEqual(0.98);
    expect(shareRate(0.8, 1)).toBe(1);
  });

  it('takes the first candidate when it is close enough, else the most similar of the next ones, else none', () => {
    const tip = 'Laptop farm in Ohio hosting company laptops for remote workers paid by a front company.';
    const at = (ms: number): Date => new Date(ms);
    const candidate = (id: string, rank: number, narrativeStart: string, ms = 0) => ({ id, rank, receivedAt: at(ms), narrativeStart });
    const near = 'Laptop farm in Ohio hosting company laptops for remote staff paid by a front company.';
    const nearer = tip;
    const unrelated = 'Something else entirely about wire transfers to a Payoneer account.';
    const grams = narrativeGrams(tip);
    // The first (most bands shared) wins when it is close enough, even if a later one is closer.
    expect(closestNarrative(grams, [candidate('b', 2, nearer), candidate('a', 1, near)], 0.6)?.candidate.id).toBe('a');
    // Else the closest of the others; equal scores: the newest, then the lowest id.
    expect(closestNarrative(grams, [candidate('a', 1, unrelated), candidate('b', 2, near), candidate('c', 3, nearer)], 0.6)?.candidate.id).toBe('c');
    expect(closestNarrative(grams, [candidate('a', 1, unrelated), candidate('c', 2, near, 1), candidate('b', 3, near, 2)], 0.6)?.candidate.id).toBe('b');
    expect(closestNarrative(grams, [candidate('a', 1, unrelated), candidate('c', 2, near, 5), candidate('b', 3, near, 5)], 0.6)?.candidate.id).toBe('b');
    expect(closestNarrative(grams, [candidate('a', 1, unrelated)], 0.6)).toBeUndefined();
    expect(closestNarrative(grams, [], 0.6)).toBeUndefined();
    expect(closestNarrative(grams, [candidate('a', 1, nearer)], 0.6)?.score).toBe(1);
  });
});
