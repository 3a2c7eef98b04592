/**
 * MurmurHash3 x86_32 over the UTF-8 bytes of a string, and Unleash's bucketing on top of it.
 *
 * Written here rather than taken from a package: the one on npm that hashes UTF-8 correctly
 * encodes every key with TextEncoder first, which costs more than the rest of an evaluation.
 * This version reads char codes directly; ASCII (the common case for ids) takes the first
 * branch, anything else is encoded to UTF-8 bytes on the fly, so there is no allocation.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Seed of strategy bucketing (`flexibleRollout`, `gradualRollout*`). */
export const STRATEGY_SEED = 0;
/** Seed of variant bucketing. */
export const VARIANT_SEED = 86028157;

// Running state of one hash. Module-level so that feeding bytes allocates nothing;
// JavaScript runs one hash at a time, so sharing it is safe.
let h1 = 0;
let block = 0;
let length = 0;

function begin(seed: number): void {
  h1 = seed | 0;
  block = 0;
  length = 0;
}

function feed(byte: number): void {
  block |= byte << ((length & 3) << 3);
  length++;
  if ((length & 3) === 0) {
    let k = Math.imul(block, C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, C2);
    h1 = (h1 << 13) | (h1 >>> 19);
    h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    block = 0;
  }
}

function feedString(text: string): void {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      feed(c);
    } else if (c < 0x800) {
      feed(0xc0 | (c >> 6));
      feed(0x80 | (c & 0x3f));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
        feed(0xf0 | (cp >> 18));
        feed(0x80 | ((cp >> 12) & 0x3f));
        feed(0x80 | ((cp >> 6) & 0x3f));
        feed(0x80 | (cp & 0x3f));
      } else {
        // A lone surrogate has no UTF-8 form; like TextEncoder, hash U+FFFD in its place.
        feed(0xef);
        feed(0xbf);
        feed(0xbd);
      }
    } else {
      feed(0xe0 | (c >> 12));
      feed(0x80 | ((c >> 6) & 0x3f));
      feed(0x80 | (c & 0x3f));
    }
  }
}

function finish(): number {
  if ((length & 3) !== 0) {
    let k = Math.imul(block, C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, C2);
  }
  let h = h1 ^ length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * MurmurHash3 x86_32 of the UTF-8 bytes of `key`, as an unsigned 32-bit integer.
 *
 * @example
 * murmurHash3('gr1:123'); // same as murmurhash.v3('gr1:123')
 * murmurHash3('gr1:123', 86028157);
 */
export function murmurHash3(key: string, seed = 0): number {
  begin(seed);
  feedString(key);
  return finish();
}

/**
 * Hash of `${prefix}${key}` without building the concatenated string.
 * Evaluation uses it with the precomputed `groupId:` prefix.
 */
export function murmurHash3Pair(prefix: string, key: string, seed: number): number {
  begin(seed);
  feedString(prefix);
  feedString(key);
  return finish();
}

/**
 * Unleash's bucket of an id in a group: `murmurHash3("groupId:id", seed) % normalizer + 1`,
 * a number from 1 to `normalizer`. Strategies use normalizer 100 and seed 0; variants use the
 * total weight and seed 86028157.
 *
 * @example
 * normalizedHash('123', 'gr1'); // 73
 * normalizedHash('123', 'gr1', 100, 86028157); // 96
 */
export function normalizedHash(id: string, groupId: string, normalizer = 100, seed = STRATEGY_SEED): number {
  return (murmurHash3Pair(`${groupId}:`, id, seed) % normalizer) + 1;
}
