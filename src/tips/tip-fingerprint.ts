/**
 * MinHash bands of a narrative, for finding near duplicates without comparing with every earlier tip
 * (locality-sensitive hashing). The narrative's comparison key is the one the database compares (its first 500
 * characters, lower case); its trigrams are taken as pg_trgm takes them (each run of letters and digits, padded
 * with two spaces in front and one behind), so two narratives that share most trigrams — a high pg_trgm
 * `similarity`, which is what decides in the end — share a band with high probability:
 * P(share a band) = 1 − (1 − s^ROWS)^BANDS for Jaccard similarity s of their trigram sets (12 bands of 3: 0.95 at
 * s = 0.6, 0.996 at 0.7, 0.99997 at 0.8; 0.012 at 0.1). Pure functions, no I/O.
 */

export const BANDS = 12;
export const ROWS = 3;

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

/**
 * Each trigram of a text as pg_trgm reads it (each run of letters and digits, padded "  w "), as its three code
 * points: what `trigrams` collects and `trigramHashes` hashes.
 */
function eachTrigram(text: string, visit: (a: string, b: string, c: string) => void): void {
  for (const m of text.matchAll(/[\p{L}\p{N}]+/gu)) {
    const padded = Array.from(`  ${m[0]} `);
    for (let i = 0; i + 3 <= padded.length; i++) visit(padded[i], padded[i + 1], padded[i + 2]);
  }
}

/** The trigram set of a text, as pg_trgm reads it (alphanumeric words, padded "  w "). */
export function trigrams(text: string): Set<string> {
  const out = new Set<string>();
  eachTrigram(text, (a, b, c) => out.add(a + b + c));
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

/** FNV-1a continued over a string's UTF-16 code units. */
function fnv(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * The FNV-1a hashes of the trigrams of `key`, each distinct hash once. Hashing the three code points in turn,
 * without building the trigram strings, gives the same minima as hashing the set of strings: a minimum is the
 * same over a set and over any list of its members, and two trigrams with one hash give one value anyway.
 */
function trigramHashes(key: string): Int32Array {
  const seen = new Set<number>();
  eachTrigram(key, (a, b, c) => seen.add(fnv(fnv(fnv(0x811c9dc5, a), b), c) >>> 0));
  return Int32Array.from(seen);
}

/**
 * The narrative's BANDS band hashes (non-negative integers below 2^52, each naming its band too), or none when
 * the narrative has no letters or digits. Stored with each tip and compared with those of later tips: the
 * values must never change (a test pins some).
 */
export function narrativeBands(narrative: string): number[] {
  const grams = trigramHashes(comparisonKey(narrative));
  if (grams.length === 0) return [];
  const mins = new Array<number>(SEEDS.length);
  for (let s = 0; s < SEEDS.length; s++) {
    const seed = SEEDS[s];
    let min = 0xffffffff;
    for (let i = 0; i < grams.length; i++) {
      // mix(gram ^ seed), inlined: this loop is most of the work (BANDS × ROWS × trigrams).
      let h = grams[i] ^ seed;
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
    let hi = mix(b + 1);
    let lo = mix(0x7f4a7c15 ^ (b + 1));
    for (let r = 0; r < ROWS; r++) {
      const m = mins[b * ROWS + r];
      hi = mix(hi ^ m);
      lo = mix(Math.imul(lo, 31) ^ m ^ 0x5bd1e995);
    }
    bands.push((hi & 0xfffff) * 0x100000000 + lo);
  }
  return bands;
}
