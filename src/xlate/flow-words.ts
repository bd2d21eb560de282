// A flow's members as 32-bit words, the way a classifier probes them. A Flow
// holds bigints, and masking, hashing and comparing bigints allocates and
// chases pointers on every subtable a lookup visits; a classifier instead
// copies the members its subtables match on into an Int32Array once per
// lookup (WordLayout.load) and works on the words.

/** A wide member's words, least significant first; a member of 32 bits or less is one word. */
export const wordsOf = (bits: number) => Math.ceil(bits / 32);
const WORD = 2 ** 32;

export class WordLayout {
  /** Per member, the index of its first word, or -1 when the layout leaves it out. */
  readonly first: Int32Array;
  private readonly members: number[];
  private readonly widths: number[];
  /** Words in all. */
  readonly size: number;

  /** A layout of `members` (each once) of a Flow whose member m is `bits[m]` wide. */
  constructor(members: Iterable<number>, bits: readonly number[]) {
    this.first = new Int32Array(bits.length).fill(-1);
    this.members = [...members];
    this.widths = this.members.map((m) => wordsOf(bits[m]));
    let size = 0;
    this.members.forEach((m, i) => {
      this.first[m] = size;
      size += this.widths[i];
    });
    this.size = size;
  }

  /** `flow`'s members as words, into `out`. */
  load(flow: readonly bigint[], out: Int32Array): void {
    for (let i = 0; i < this.members.length; i++) {
      const v = flow[this.members[i]];
      let at = this.first[this.members[i]];
      const n = this.widths[i];
      if (n === 1) {
        out[at] = Number(v) | 0;
        continue;
      }
      if (v <= Number.MAX_SAFE_INTEGER) { // a MAC, a small metadata: no bigint arithmetic
        const x = Number(v);
        out[at] = x % WORD | 0;
        out[at + 1] = Math.floor(x / WORD) | 0;
        for (let k = 2; k < n; k++) out[at + k] = 0;
        continue;
      }
      for (let w = v, k = 0; k < n; k++, w >>= 32n) out[at++] = Number(BigInt.asIntN(32, w));
    }
  }

  /** The nonzero words of `mask` over `members`: where they are in a loaded flow, and their bits. */
  maskWords(mask: readonly bigint[], members: readonly number[]): MaskWords {
    const at: number[] = [], bits: number[] = [];
    const words = new Int32Array(this.size);
    this.load(mask, words);
    for (const m of members) {
      const first = this.first[m];
      if (first < 0) throw new Error(`member ${m} is not in the layout`);
      for (let k = first; k < first + this.widths[this.members.indexOf(m)]; k++) {
        if (words[k]) {
          at.push(k);
          bits.push(words[k]);
        }
      }
    }
    return { at: Int32Array.from(at), bits: Int32Array.from(bits) };
  }
}

/** Some words of a loaded flow and the bits of each that count. */
export interface MaskWords {
  at: Int32Array;
  bits: Int32Array;
}

/**
 * Folds the masked words into the hash `h` (start from 0): a small
 * non-negative integer, for lookups that verify their candidates exactly.
 */
export function hashWords(words: Int32Array, m: MaskWords, h: number): number {
  const { at, bits } = m;
  for (let i = 0; i < at.length; i++) {
    h = Math.imul(h ^ (words[at[i]] & bits[i]), 0xcc9e2d51);
    h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
    h = (h ^ (h >>> 13)) & 0x3fffffff;
  }
  return h;
}
