// The classifier's subtables key rules by a hash of their masked words
// (xlate/flow-words.ts, xlate/masked-key-map.ts). A hash says where to look,
// never what matches: flows whose hashes collide stay apart, and only the
// masked bits count.
import { describe, expect, it } from 'vitest';
import { M, MEMBERS, newFlow, type Flow } from '../../src/meta-flow/flow.js';
import { MaskedKeyMap } from '../../src/xlate/masked-key-map.js';
import { WordLayout, hashWords } from '../../src/xlate/flow-words.js';

const mask = newFlow();
mask[M.metadata] = (1n << 64n) - 1n;
mask[M.nw_dst] = 0xffffff00n;
const members = [M.metadata, M.nw_dst];
const layout = new WordLayout(members, MEMBERS.map((m) => m.bits));
const key = layout.maskWords(mask, members);

function flow(metadata: bigint, nwDst: bigint): Flow {
  const f = newFlow();
  f[M.metadata] = metadata;
  f[M.nw_dst] = nwDst;
  return f;
}

/** A flow as a classifier probe loads it. */
function words(f: Flow): Int32Array {
  const out = new Int32Array(layout.size);
  layout.load(f, out);
  return out;
}

const hash = (f: Flow) => hashWords(words(f), key, 0);

describe('masked key map', () => {
  it('keeps flows apart whose hashes collide', () => {
    const map = new MaskedKeyMap<string>(key);
    map.set(words(flow(1n, 0x0a000001n)), 7, 'a');
    map.set(words(flow(2n, 0x0a000001n)), 7, 'b');
    expect(map.get(words(flow(1n, 0x0a000001n)), 7)).toBe('a');
    expect(map.get(words(flow(2n, 0x0a000001n)), 7)).toBe('b');
    expect(map.get(words(flow(3n, 0x0a000001n)), 7)).toBeUndefined();
  });

  it('looks at the masked bits only: a /24 nw_dst ignores the host byte', () => {
    const map = new MaskedKeyMap<string>(key);
    const a = flow(1n, 0x0a000001n), b = flow(1n, 0x0a0000fen);
    expect(hash(a)).toBe(hash(b));
    map.set(words(a), hash(a), 'net');
    expect(map.get(words(b), hash(b))).toBe('net');
  });

  it('hashes values past 2^53 (a 64-bit metadata) by all their bits', () => {
    const hi = flow(1n << 60n, 0n), hiPlusOne = flow((1n << 60n) + 1n, 0n);
    expect(hash(hi)).not.toBe(hash(hiPlusOne));
    expect(words(flow((1n << 64n) - 1n, 0n)).slice(0, 2)).toEqual(Int32Array.from([-1, -1]));
  });

  it('keeps every key as it grows, flows sharing a hash among them', () => {
    const map = new MaskedKeyMap<number>(key);
    // 1,000 flows under 100 hashes: each hash stands for ten flows.
    for (let i = 0; i < 1000; i++) map.set(words(flow(BigInt(i), 0x0a000000n)), i % 100, i);
    for (let i = 0; i < 1000; i++) expect(map.get(words(flow(BigInt(i), 0x0a0000ffn)), i % 100)).toBe(i);
    expect(map.get(words(flow(1000n, 0x0a000000n)), 0)).toBeUndefined();
  });

  it('replaces the value of a key it holds', () => {
    const map = new MaskedKeyMap<number>(key);
    const f = words(flow(1n, 0x0a000001n));
    map.set(f, 3, 1);
    map.set(f, 3, 2);
    expect(map.get(f, 3)).toBe(2);
  });
});
