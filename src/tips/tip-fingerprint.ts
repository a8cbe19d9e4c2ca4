/**
 * MinHash bands of a narrative, for finding near duplicates without comparing with every earlier tip
 * (locality-sensitive hashing), and the trigram similarity that decides among the tips they find. The narrative's
 * comparison key is its first 500 characters, lower case; its words are the runs of letters and digits, and its
 * trigrams are taken from them as pg_trgm takes them (each word padded with two spaces in front and one behind).
 *
 * The bands are MinHash over the key's set of distinct words (a run of letters of a script written without spaces
 * by its trigrams; see narrativeWords), and the similarity that decides is over its trigrams
 * (`similarity`, computed as pg_trgm computes it). Two narratives share a band with probability
 * 1 − (1 − w³)¹² for Jaccard similarity w of their word sets. Bands over trigrams were tried first and dropped:
 * unrelated prose shares its common trigrams (" th", "the", "ing"…, similarity 0.17–0.21), so a trigram band value
 * was held by a few percent of all earlier tips; each band is read newest first, 4 rows at most, so an older near
 * duplicate was pushed out of reach by the unrelated tips received since (in a simulated stream of English-like
 * text, an earlier narrative at similarity ≥ 0.7 was found 85% of the time after 10,000 unrelated tips and 46% after
 * 100,000). Unrelated prose shares far fewer words, and an edit of a few words keeps most of them: 100% and 97%, with
 * half the rows read or fewer (see the README). Pure functions, no I/O.
 */

export const BANDS = 12;
export const ROWS = 3;
/**
 * What the bands are computed from, mixed into every band value: 2 is words (the trigram bands before it mixed in
 * nothing, as a kind 0 would; the next kind is 3). Bands of two kinds never meet, so bands of an earlier kind can
 * stay in `tip_narrative_band` (they expire with their 30 days) while the migration that introduces a kind adds the
 * new ones beside them: no table lock, and a replica of the previous release still finds what it stored.
 */
const BAND_KIND = 2;

/** The comparison key of a narrative, as `lower(left(narrative, 500))` in SQL. */
export function comparisonKey(narrative: string): string {
  if (narrative.length <= 500) return narrative.toLowerCase();
  // The first 500 code points (a surrogate pair is one), without splitting the whole narrative.
  let end = 0;
  for (let n = 0; n < 500 && end < narrative.length; n++) {
    const c = narrative.charCodeAt(end);
    end += c >= 0xd800 && c <= 0xdbff && end + 1 < narrative.length && (narrative.charCodeAt(end + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
  }
  return narrative.slice(0, end).toLowerCase();
}

const SPACE = 0x20;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const isLetterOrDigit = (cp: number): boolean =>
  cp < 0x80 ? (cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) : LETTER_OR_DIGIT.test(String.fromCodePoint(cp));

/**
 * The words of a text as pg_trgm reads them (runs of letters and digits), one code point at a time: `letter` for
 * each code point of a word (`first` at its first), `end` after each word. One pass, no strings built.
 */
function eachWordOf(text: string, letter: (cp: number, first: boolean) => void, end: () => void): void {
  let inWord = false;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    i += cp > 0xffff ? 2 : 1;
    if (isLetterOrDigit(cp)) {
      letter(cp, !inWord);
      inWord = true;
    } else if (inWord) {
      end();
      inWord = false;
    }
  }
  if (inWord) end();
}

/** Each trigram of a text as pg_trgm reads it (each word padded "  w "), as its three code points. */
function eachTrigram(text: string, visit: (a: number, b: number, c: number) => void): void {
  let a = SPACE;
  let b = SPACE;
  eachWordOf(
    text,
    (cp, first) => {
      if (first) a = b = SPACE;
      visit(a, b, cp);
      a = b;
      b = cp;
    },
    () => visit(a, b, SPACE),
  );
}

/** The trigram set of a text, as pg_trgm reads it (alphanumeric words, padded "  w "). */
export function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  eachTrigram(text, (a, b, c) => out.add(String.fromCodePoint(a, b, c)));
  return out;
}

/** murmur3's 32-bit finaliser: a fast, well-mixed permutation of 32-bit integers. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** One seed per hash function (fixed: bands must compare across processes and releases). */
const SEEDS = Array.from({ length: BANDS * ROWS }, (_, i) => mix(0x9e3779b9 ^ Math.imul(i + 1, 0x632be5ab)));

/** FNV-1a continued over a code point's UTF-16 code units. */
function fnv(h: number, cp: number): number {
  if (cp <= 0xffff) return Math.imul(h ^ cp, 0x01000193);
  const hi = 0xd800 + ((cp - 0x10000) >> 10);
  const lo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
  return Math.imul(Math.imul(h ^ hi, 0x01000193) ^ lo, 0x01000193);
}

/**
 * The FNV-1a hashes of the trigrams of the narrative's comparison key, each distinct hash once: its trigram set, as
 * numbers (the three code points hashed in turn, no trigram strings built), for `gramSimilarity`.
 */
export function narrativeGrams(narrative: string): Int32Array {
  const seen = new Set<number>();
  eachTrigram(comparisonKey(narrative), (a, b, c) => seen.add(trigramHash(0x811c9dc5, a, b, c)));
  return Int32Array.from(seen);
}

/** FNV-1a of a trigram's three code points, continued from `basis`. */
function trigramHash(basis: number, a: number, b: number, c: number): number {
  return fnv(fnv(fnv(basis, a), b), c) >>> 0;
}

/** The basis of the trigrams that enter the bands: FNV-1a after a NUL, so that such a trigram is never a word's hash. */
const BAND_TRIGRAM_BASIS = fnv(0x811c9dc5, 0);

/** Scripts written without spaces between words (Chinese, Japanese, Thai and their neighbours). */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Tibetan}]/u;
const isUnspaced = (cp: number): boolean => cp >= 0x0e00 && UNSPACED.test(String.fromCodePoint(cp));

/**
 * The FNV-1a hashes of what the narrative's bands are computed from: the distinct words of its comparison key, and the
 * trigrams (padded as pg_trgm pads them; see BAND_TRIGRAM_BASIS) of each run of
 * letters in a script written without spaces — there a run is a clause, not a word, and an edit of one character
 * would change it whole. A wallet, a hash or a token is one word however long: one thing, whole or not at all.
 */
function narrativeWords(narrative: string): Int32Array {
  const seen = new Set<number>();
  const run: number[] = [];
  let h = 0x811c9dc5;
  let unspaced = false;
  eachWordOf(
    comparisonKey(narrative),
    (cp, first) => {
      if (first) {
        h = 0x811c9dc5;
        run.length = 0;
        unspaced = false;
      }
      h = fnv(h, cp);
      run.push(cp);
      if (!unspaced && isUnspaced(cp)) unspaced = true;
    },
    () => {
      if (!unspaced) {
        seen.add(h >>> 0);
        return;
      }
      eachTrigram(String.fromCodePoint(...run), (a, b, c) => seen.add(trigramHash(BAND_TRIGRAM_BASIS, a, b, c)));
    },
  );
  return Int32Array.from(seen);
}

/**
 * The trigram similarity of two narratives from their `narrativeGrams`: shared trigrams over all trigrams (Jaccard),
 * what pg_trgm's `similarity` computes; 0 when neither has a trigram. (Two distinct trigrams share a 32-bit hash with
 * probability 2⁻³², so for a narrative's few hundred trigrams the figures agree.)
 */
export function gramSimilarity(a: Int32Array, b: Int32Array): number {
  return similarityTo(new Set(a), b);
}

/** `gramSimilarity` with the first set built once, for comparing one narrative with several. */
function similarityTo(mine: ReadonlySet<number>, other: Int32Array): number {
  if (mine.size === 0 && other.length === 0) return 0;
  let shared = 0;
  for (let i = 0; i < other.length; i++) if (mine.has(other[i])) shared++;
  return shared / (mine.size + other.length - shared);
}

/**
 * The narrative's BANDS band hashes (non-negative integers below 2^52, each naming its band too), or none when
 * the narrative has no letters or digits. Stored with each tip and compared with those of later tips: the
 * values must never change without a migration that computes the stored ones anew (a test pins some).
 */
export function narrativeBands(narrative: string): number[] {
  return bandsOf(narrativeWords(narrative));
}

/** The bands of a narrative from its `narrativeWords`. */
function bandsOf(words: Int32Array): number[] {
  if (words.length === 0) return [];
  const mins = new Array<number>(SEEDS.length);
  for (let s = 0; s < SEEDS.length; s++) {
    const seed = SEEDS[s];
    let min = 0xffffffff;
    for (let i = 0; i < words.length; i++) {
      // mix(word ^ seed), inlined: this loop is most of the work (BANDS × ROWS × words).
      let h = words[i] ^ seed;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h = (h ^ (h >>> 16)) >>> 0;
      if (h < min) min = h;
    }
    mins[s] = min;
  }
  const bands: number[] = [];
  for (let b = 0; b < BANDS; b++) {
    let hi = mix((b + 1) ^ (BAND_KIND << 8));
    let lo = mix(0x7f4a7c15 ^ (b + 1) ^ (BAND_KIND << 8));
    for (let r = 0; r < ROWS; r++) {
      const m = mins[b * ROWS + r];
      hi = mix(hi ^ m);
      lo = mix(Math.imul(lo, 31) ^ m ^ 0x5bd1e995);
    }
    bands.push((hi & 0xfffff) * 0x100000000 + lo);
  }
  return bands;
}

/**
 * The earlier narrative a tip most likely repeats, among those that share its bands (`rank` 1 = the most bands
 * shared, then the newest): the first when it is at least `threshold` similar; else the most similar of the next
 * ones that is (ties: the newest, then the lowest id); else none. `gramsOf` gives a candidate's `narrativeGrams`
 * (a batch passes one that remembers them: the same earlier tips are candidates of many).
 */
export function closestNarrative<C extends { id: string; rank: number; receivedAt: Date; narrativeStart: string | null }>(
  grams: Int32Array,
  candidates: readonly C[],
  threshold: number,
  gramsOf: (candidate: C) => Int32Array = (candidate) => narrativeGrams(candidate.narrativeStart ?? ''),
): { candidate: C; score: number } | undefined {
  if (candidates.length === 0) return undefined;
  const ranked = [...candidates].sort((a, b) => a.rank - b.rank);
  const mine = new Set(grams);
  const scored = (candidate: C): { candidate: C; score: number } => ({ candidate, score: similarityTo(mine, gramsOf(candidate)) });
  const first = scored(ranked[0]);
  if (first.score >= threshold) return first;
  return ranked
    .slice(1)
    .map(scored)
    .filter((s) => s.score >= threshold)
    .sort((a, b) => b.score - a.score || b.candidate.receivedAt.getTime() - a.candidate.receivedAt.getTime() || a.candidate.id.localeCompare(b.candidate.id))[0];
}
