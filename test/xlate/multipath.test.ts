// multipath's hash-to-link mapping (lib/multipath.c multipath_algorithm).
// What OVS 3.1 picks for real packets is in test/fixtures/family-bundle-multipath;
// these pin the mapping's own rules over the whole range of n_links.
import { describe, expect, it } from 'vitest';
import { multipathLink } from '../../src/xlate/multipath.js';
import { hashInt } from '../../src/xlate/hmap-order.js';

const HASHES = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xdeadbeef, 0x12345678];
const N_LINKS = [1, 2, 3, 5, 7, 8, 64, 65, 100, 1000, 65535, 65536];

describe('multipath links', () => {
  it('are always in [0, n_links)', () => {
    for (const alg of ['modulo_n', 'hash_threshold', 'hrw', 'iter_hash'] as const)
      for (const n of N_LINKS)
        for (const h of HASHES)
          for (const arg of [0, n, 2 * n + 1, 3 * n]) {
            const link = multipathLink(alg, h, n, arg);
            expect(link >= 0 && link < n, `${alg} n=${n} hash=${h} arg=${arg}: ${link}`).toBe(true);
          }
  });

  it('hash_threshold splits the hash range into equal consecutive parts', () => {
    expect(multipathLink('hash_threshold', 0xffffffff, 1, 0)).toBe(0);
    expect(multipathLink('hash_threshold', 0x3fffffff, 4, 0)).toBe(0);
    expect(multipathLink('hash_threshold', 0x40000000, 4, 0)).toBe(1);
    expect(multipathLink('hash_threshold', 0xffffffff, 4, 0)).toBe(3);
  });

  it('iter_hash uses arg as the modulo only within [n_links, 2 n_links + 1], else the next power of two', () => {
    // With modulo 7 and 5 links, the first rehash below 5 is the link.
    const firstBelow = (modulo: number, n: number, h: number) => {
      for (let i = 0; ; i++) if (hashInt(h, i) % modulo < n) return hashInt(h, i) % modulo;
    };
    for (const h of HASHES) {
      expect(multipathLink('iter_hash', h, 5, 7)).toBe(firstBelow(7, 5, h));
      expect(multipathLink('iter_hash', h, 5, 12)).toBe(firstBelow(8, 5, h));
      expect(multipathLink('iter_hash', h, 5, 4)).toBe(firstBelow(8, 5, h));
    }
  });

  it('hrw over more than 64 links is iter_hash with the power-of-two modulo', () => {
    for (const h of HASHES) expect(multipathLink('hrw', h, 100, 0)).toBe(multipathLink('iter_hash', h, 100, 0));
  });
});
