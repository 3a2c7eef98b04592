import { createRequire } from 'node:module';
import murmurhash from 'murmurhash';
import { describe, expect, it } from 'vitest';
import { murmurHash3, normalizedHash, VARIANT_SEED } from './murmur.js';

const require = createRequire(import.meta.url);
// The hash inside the published Node SDK, which reads the low byte of each UTF-16 unit.
const nodeSdkHash = (require('murmurhash3js') as { x86: { hash32(key: string, seed?: number): number } }).x86.hash32;

const ascii = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'gr1:123', 'Feature.flexibleRollout.10:174', 'x'.repeat(1000)];
const nonAscii = [
  'gr1:user-ø',
  'gr1:søren',
  'gr1:你好',
  'emoji:😀',
  'mixed:é😀中x',
  'ā',
  'lone:\ud800',
  'lone-low:\udc00x',
  'Ωmega',
];

describe('murmurHash3 (x86_32 over UTF-8)', () => {
  it('matches the murmurhash package on ASCII keys, with both seeds', () => {
    for (const key of ascii) {
      expect(murmurHash3(key)).toBe(murmurhash.v3(key));
      expect(murmurHash3(key, VARIANT_SEED)).toBe(murmurhash.v3(key, VARIANT_SEED));
    }
  });

  it('matches the murmurhash package (UTF-8 bytes) on non-ASCII keys', () => {
    for (const key of nonAscii) {
      expect(murmurHash3(key)).toBe(murmurhash.v3(key));
      expect(murmurHash3(key, VARIANT_SEED)).toBe(murmurhash.v3(key, VARIANT_SEED));
    }
  });

  it('matches on random strings of every UTF-16 range', () => {
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const ranges = [0x80, 0x800, 0xd800, 0xe000, 0x10000];
    for (let n = 0; n < 500; n++) {
      let key = '';
      const length = next() % 12;
      for (let i = 0; i < length; i++) key += String.fromCharCode(next() % ranges[next() % ranges.length]!);
      expect(murmurHash3(key, n)).toBe(murmurhash.v3(key, n));
    }
  });

  it('gives the cross-SDK reference buckets', () => {
    expect(normalizedHash('123', 'gr1')).toBe(73);
    expect(normalizedHash('999', 'groupX')).toBe(25);
    expect(normalizedHash('123', 'gr1', 100, VARIANT_SEED)).toBe(96);
    expect(normalizedHash('999', 'groupX', 100, VARIANT_SEED)).toBe(60);
    // From the client specification's flexibleRollout and variant cases.
    expect(normalizedHash('174', 'Feature.flexibleRollout.10')).toBe(10);
    expect(normalizedHash('499', 'Feature.flexibleRollout.10')).toBe(32);
    expect(normalizedHash('25', 'Feature.flexibleRollout.userId.55')).toBe(55);
    expect(normalizedHash('616', 'F9.globalSegmentOn', 100, VARIANT_SEED)).toBe(67);
  });
});

describe('non-ASCII bucketing decision (docs/decisions/0006)', () => {
  it('agrees with the Node SDK on ASCII ids', () => {
    for (const key of ascii) expect(murmurHash3(key)).toBe(nodeSdkHash(key));
  });

  it('hashes UTF-8 bytes, not the low bytes of UTF-16 units as the Node SDK does', () => {
    expect(normalizedHash('user-ø', 'gr1')).toBe(91);
    expect(normalizedHash('søren', 'gr1')).toBe(65);
    expect(normalizedHash('你好', 'gr1')).toBe(70);
    expect((nodeSdkHash('gr1:user-ø') % 100) + 1).toBe(95);
    expect((nodeSdkHash('gr1:你好') % 100) + 1).toBe(20);
  });

  it('keeps ids apart that share low bytes', () => {
    expect(murmurHash3('ā')).not.toBe(murmurHash3('\u0001'));
    expect(nodeSdkHash('ā')).toBe(nodeSdkHash('\u0001'));
  });
});
