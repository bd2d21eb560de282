// The classifier's prefix tries answer as OVS's trie_lookup_value does: walk
// the value's bits down a binary trie of the rules' prefixes; the bits to
// un-wildcard are the depth where the path ends (one more when the last node
// has a child the value turned away from), and the matching lengths are the
// prefixes ending on the path. Here that walk, on a plain trie, is the
// reference both ways of answering must equal: reading every prefix (a
// trie's first lookups) and searching them sorted (the lookups after).
import { describe, expect, it } from 'vitest';
import { lengthSet, PrefixTrie } from '../../src/xlate/prefix-trie.js';
import { prng } from '../../tools/prng.js';

interface Node { child: (Node | undefined)[]; ends: number }

function referenceLookup(prefixes: [number, number][], value: number): { maskbits: number; plens: number[] } {
  const root: Node = { child: [], ends: 0 };
  for (const [v, plen] of prefixes) {
    let node = root;
    for (let i = 0; i < plen; i++) node = node.child[(v >>> (31 - i)) & 1] ??= { child: [], ends: 0 };
    node.ends++;
  }
  const plens: number[] = [];
  if (!prefixes.length) return { maskbits: 0, plens };
  let node = root;
  if (node.ends) plens.push(0);
  for (let len = 0; ; len++) {
    if (len >= 32) return { maskbits: 32, plens };
    const next = node.child[(value >>> (31 - len)) & 1];
    if (!next) return { maskbits: node.child[0] || node.child[1] ? len + 1 : len, plens };
    node = next;
    if (node.ends) plens.push(len + 1);
  }
}

/** The lengths in a lengthSet, ascending. */
const lengths = (set: number) => Array.from({ length: 33 }, (_, n) => n).filter((n) => lengthSet.has(set, n));

describe('prefix trie', () => {
  it('equals a binary trie walk on random prefixes and values', () => {
    const rand = prng(7);
    const int = (k: number) => Math.floor(rand() * k);
    for (let round = 0; round < 200; round++) {
      // Values near each other (one /16), as a table's addresses are, and some anywhere.
      const base = int(2 ** 32) & 0xffff0000;
      const near = () => (base + int(2 ** 16)) >>> 0;
      const any = () => int(2 ** 32);
      const prefixes: [number, number][] = Array.from({ length: int(40) }, () => [rand() < 0.8 ? near() : any(), [8, 16, 24, 30, 32, int(33)][int(6)]]);
      const trie = new PrefixTrie();
      for (const [v, plen] of prefixes) trie.insert(v, plen);
      for (let i = 0; i < 30; i++) { // past SCANS_BEFORE_SORT
        const value = rand() < 0.5 ? near() : rand() < 0.5 ? prefixes[int(prefixes.length)]?.[0] ?? any() : any();
        const got = trie.lookup(value);
        const want = referenceLookup(prefixes, value);
        expect({ maskbits: got.maskbits, plens: lengths(got.plens) }, `round ${round} value ${value.toString(16)}`)
          .toEqual({ maskbits: want.maskbits, plens: want.plens.sort((a, b) => a - b) });
      }
    }
  });

  it('un-wildcards nothing when it holds no prefix', () => {
    expect(new PrefixTrie().lookup(0x0a000001)).toEqual({ maskbits: 0, plens: lengthSet.NONE });
  });
});
