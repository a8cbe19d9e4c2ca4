import { BANDS, closestNarrative, comparisonKey, narrativeBands, narrativeGrams, trigrams } from './tip-fingerprint';

/** Jaccard similarity of two trigram sets, counted here independently of the hashed sets the code compares. */
const jaccard = (a: Set<string>, b: Set<string>): number => [...a].filter((g) => b.has(g)).length / new Set([...a, ...b]).size;

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

  it('meets a light edit of a narrative in a script written without spaces: there a run of letters is a clause, taken by its trigrams', () => {
    // Punctuated Chinese, as tipsters write it: an edit of 1 to 4 characters (a fixed-seed generator) changes a clause, never all of it.
    const texts = [
      '上个月我在网上看到一个招聘广告，对方说是美国公司，需要远程开发人员，我应聘后他们要求我用别人的身份开户，工资转到一个钱包地址。',
      '去年十二月，一名男子在代顿租了一套房子，里面放了二十多台公司笔记本电脑，每天晚上有人远程登录，他每月收到两千美元。',
      '有人在代顿租房放了二十台公司电脑，每月收到两千美元。',
      '我在延边银星公司的一个远程技术岗位工作过三个月他们让我把公司笔记本电脑放在俄亥俄州的一个农场里工资打到一个加密钱包地址负责人自称宋和中',
    ];
    const pool = [...'的了在是我有他这中大来上国个到说们为子和你地出道也时年'];
    let seed = 12345;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    let pairs = 0;
    let met = 0;
    for (const text of texts) {
      for (let trial = 0; trial < 100; trial++) {
        const chars = [...text];
        for (let k = 0, n = 1 + next(4); k < n; k++) {
          const at = next(chars.length);
          if (/\p{L}/u.test(chars[at])) chars[at] = pool[next(pool.length)];
        }
        const edited = chars.join('');
        if (edited === text || jaccard(trigrams(comparisonKey(text)), trigrams(comparisonKey(edited))) < 0.7) continue;
        pairs++;
        const before = narrativeBands(text);
        if (narrativeBands(edited).some((band, j) => band === before[j])) met++;
      }
    }
    expect(pairs).toBeGreaterThan(200);
    expect(met / pairs).toBeGreaterThanOrEqual(0.98);
    const a = narrativeBands(texts[1]);
    expect(narrativeBands('完全不同的内容，关于电汇到一个支付账户的事情，以及别的公司和别的城市里的人。').filter((band, j) => band === a[j])).toHaveLength(0);
    // A wallet is one word however long: two unrelated tips naming the same one do not look alike for it.
    const wallet = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4';
    const b = narrativeBands(`Paid to ${wallet} by a courier in Dayton who drove three laptops north.`);
    expect(narrativeBands(`A recruiter on Upwork asked for wages to ${wallet} every month.`).filter((band, j) => band === b[j])).toHaveLength(0);
  });

  it('keeps the bands it gave before: they are stored with each tip and compared with those of later tips', () => {
    // Computed when the bands moved from trigrams to words (BAND_KIND 2, migration TipBandsOverWords); any change to the
    // hashing must keep them, or come with a new BAND_KIND and such a migration.
    expect(narrativeBands('Tip 1a2b3c4d: our remote hire "Alex" writes from it.warrior1a2b3c4d (at) example (dot) com, paid to a wallet in Yanbian.')).toEqual([
      144483955713951, 3967436885988549, 3765727266203896, 4179160259421852, 1795434583136196, 3360443544835881, 2690735446254697, 1859996865365115,
      3894736252968414, 1666511139293051, 82868328605980, 1508149964091843,
    ]);
    // Past the first 500 characters (a surrogate pair counts once), letters outside ASCII.
    expect(narrativeBands(`Ünïcödé 😀 ${'Song Hwa Jong '.repeat(40)}`)).toEqual([
      920965539329565, 18549767856965, 294841771423161, 4133813419403762, 2855653533228917, 2010603787258215, 522035244237654, 194359115535437,
      342867500584135, 4036561254755347, 1887410421001716, 2478241804933869,
    ]);
    // A script written without spaces (its runs by their trigrams), and a long ASCII token (one word).
    expect(narrativeBands('有人在代顿租房放了二十台公司电脑，每月收到两千美元。')).toEqual([
      3782246682466834, 1413074820094933, 2032148992037859, 2896354251808635, 2081925075845785, 1999815913347664, 4161470737706488, 2395952815869035,
      3558943721866822, 3122658682356552, 767818859034917, 3600435345251404,
    ]);
    expect(narrativeBands('Wages to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 monthly.')).toEqual([
      391933764660964, 970589500119133, 714079198106371, 4035633240621272, 3347266852002282, 3794961635259186, 3999407455869382, 1978229322392725,
      1812759678766869, 1506710165299513, 440294724401476, 57669631361163,
    ]);
  });

  it('meets a narrative of trigram similarity s in a band at the rates the README gives (0.9 and more at 0.6): the bands are the only way to a near duplicate', () => {
    // Deterministic pairs (a fixed-seed generator): a narrative of 60 words from a vocabulary, and a copy with some words replaced,
    // kept when the trigram (Jaccard) similarity of the two, as pg_trgm computes it, lies in [lo, hi).
    let seed = 0x2545f491;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const vocabulary = Array.from({ length: 3000 }, (_, i) => (i * 2654435761).toString(36).replace(/[0-9]/g, '').slice(0, 3 + (i % 6)) || `w${i}`);
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

  it('still finds an older near duplicate after thousands of unrelated narratives: a band value is shared by few of them, so the 4 rows read a band reach it', () => {
    // English-like prose (a fixed-seed generator): common words at their Zipf frequencies, and content words made of two
    // of them, so the trigrams are those of English (unrelated narratives at trigram similarity about 0.24, as prose
    // is) and the vocabulary is large, as a stream of real tips has. Bands over trigrams failed here: after these
    // 10,000 unrelated narratives a narrative read the 4-row cap on nearly every band (42 rows, against 1.7 now), and
    // an earlier one at similarity ≥ 0.7 was within reach for 51% of the pairs (100% now).
    const words = `the of and to a in is it you that he was for on are with as his they be at one have this from or had by not word but
      what some we can out other were all there when up use your how said an each she which do their time if will way about many then
      them write would like so these her long make thing see him two has look more day could go come did number sound no most people my
      over know water than call first who may down side been now find any new work part take get place made live where after back
      little only round man year came show every good me give our under name very through just form great think say help low line turn
      cause much mean before move right boy old too same tell does set three want air well also play small end put home read hand port
      large spell add even land here must big high such follow act why ask men change went light kind off need house picture try again
      animal point mother world near build self earth father head stand own page should country found answer school grow study still
      learn plant cover food sun four between state keep eye never last let thought city tree cross farm hard start might story saw far
      sea draw left late run while press close night real life few north open seem together next white children begin got walk`.split(/\s+/);
    let seed = 0x9e3779b9;
    const next = (n: number): number => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed % n;
    };
    const zipf: number[] = [];
    words.slice(0, 60).reduce((sum, _, rank) => (zipf.push(sum + 1 / (rank + 1)), sum + 1 / (rank + 1)), 0);
    const common = (): string => {
      const x = (next(1e9) / 1e9) * zipf[zipf.length - 1];
      return words[zipf.findIndex((c) => c >= x)];
    };
    const content = (): string => words[60 + next(words.length - 60)] + (next(2) ? words[60 + next(words.length - 60)] : '');
    const story = (): string[] => Array.from({ length: 80 }, () => (next(10) < 4 ? common() : content()));
    const seen = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) for (const band of narrativeBands(story().join(' '))) seen.set(band, (seen.get(band) ?? 0) + 1);
    // The rows a narrative with no near duplicate reads: well under the 4-a-band cap.
    let read = 0;
    for (let i = 0; i < 100; i++) for (const band of narrativeBands(story().join(' '))) read += Math.min(4, seen.get(band) ?? 0);
    expect(read / 100).toBeLessThan(4);
    // An edit of an early narrative at trigram similarity ≥ 0.7 shares with it a band that fewer than 4 later narratives hold.
    let pairs = 0;
    let reached = 0;
    while (pairs < 100) {
      const a = story();
      const b = [...a];
      for (let k = 0, n = 2 + next(10); k < n; k++) b[next(b.length)] = content();
      if (jaccard(trigrams(comparisonKey(a.join(' '))), trigrams(comparisonKey(b.join(' ')))) < 0.7) continue;
      pairs++;
      const before = narrativeBands(a.join(' '));
      if (narrativeBands(b.join(' ')).some((band, j) => band === before[j] && (seen.get(band) ?? 0) < 4)) reached++;
    }
    expect(reached / pairs).toBeGreaterThanOrEqual(0.98);
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
