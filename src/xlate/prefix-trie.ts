// OVS's prefix tries (lib/classifier.c: struct cls_trie, trie_lookup_value)
// answer, for a packet's 32-bit value (nw_dst, nw_src, the tp_src:tp_dst
// word), how many leading bits the rules' prefixes force a megaflow to keep,
// and which prefix lengths match it. A table's trie holds every rule's
// prefix, and building a binary trie of a million of them is most of a cold
// lookup's time, so the same answers come from the prefixes sorted (one
// native sort) and a range-maximum table of their lengths: the prefixes that
// agree with the value on its first d bits are one run of the sorted array.

export interface TrieAnswer {
  maskbits: number;
  /** Shared by every lookup of the value: read it, do not change it. */
  plens: ReadonlySet<number>;
}

/** Values below 2^32 and lengths up to 32 sort as value * 64 + length. */
const LENGTHS = 64;

export class PrefixTrie {
  private adding: number[] | undefined = [];
  /** Masked values and lengths, in (value, length) order. */
  private values = new Float64Array(0);
  private lengths = new Uint8Array(0);
  /** maxLength[k][i]: the longest length among entries i .. i + 2^k - 1. */
  private maxLength: Uint8Array[] = [];
  /** The distinct lengths, for the matching ones. */
  private distinct: number[] = [];
  /** Answers given, by value: a batch of traces asks about the same addresses again and again. */
  private readonly answers = new Map<number, TrieAnswer>();

  /** A rule's prefix: the first `plen` bits of `value`. Only before the first lookup. */
  insert(value: number, plen: number): void {
    this.adding!.push(maskTo(value, plen) * LENGTHS + plen);
  }

  /** trie_lookup_value: bits to un-wildcard, and the prefix lengths that match. */
  lookup(value: number): TrieAnswer {
    let answer = this.answers.get(value);
    if (!answer) this.answers.set(value, (answer = this.answer(value)));
    return answer;
  }

  private answer(value: number): TrieAnswer {
    if (this.adding) this.freeze();
    const plens = new Set<number>();
    const n = this.values.length;
    if (n === 0) return { maskbits: 0, plens };
    for (const len of this.distinct) if (this.find(maskTo(value, len), len)) plens.add(len);
    // The trie's deepest node on the value's path, at depth `depth`: some
    // prefix agrees with the value on that many bits and is that long.
    let depth = 0;
    for (let lo = 1, hi = 32; lo <= hi;) {
      const d = (lo + hi) >> 1;
      if (this.longestAgreeing(value, d) >= d) [depth, lo] = [d, d + 1];
      else hi = d - 1;
    }
    // Below it, the path ends: one more bit tells the value from a child, if the node has one.
    return { maskbits: depth === 32 || this.longestAgreeing(value, depth) === depth ? depth : depth + 1, plens };
  }

  private freeze(): void {
    const keys = Float64Array.from(this.adding!).sort();
    this.adding = undefined;
    const n = keys.length;
    this.values = new Float64Array(n);
    this.lengths = new Uint8Array(n);
    const seen = new Set<number>();
    for (let i = 0; i < n; i++) {
      this.lengths[i] = keys[i] % LENGTHS;
      this.values[i] = (keys[i] - this.lengths[i]) / LENGTHS;
      seen.add(this.lengths[i]);
    }
    this.distinct = [...seen];
    this.maxLength = [this.lengths];
    for (let k = 1; 1 << k <= n; k++) {
      const prev = this.maxLength[k - 1], half = 1 << (k - 1), row = new Uint8Array(n - (1 << k) + 1);
      for (let i = 0; i < row.length; i++) row[i] = Math.max(prev[i], prev[i + half]);
      this.maxLength.push(row);
    }
  }

  /** The longest prefix agreeing with `value` on its first d bits (-1: none). */
  private longestAgreeing(value: number, d: number): number {
    const first = maskTo(value, d);
    const lo = this.lowerBound(first, 0), hi = this.lowerBound(first + 2 ** (32 - d), 0);
    if (lo >= hi) return -1;
    const k = 31 - Math.clz32(hi - lo);
    return Math.max(this.maxLength[k][lo], this.maxLength[k][hi - (1 << k)]);
  }

  private find(value: number, len: number): boolean {
    const i = this.lowerBound(value, len);
    return i < this.values.length && this.values[i] === value && this.lengths[i] === len;
  }

  /** The first entry at or after (value, len). */
  private lowerBound(value: number, len: number): number {
    let lo = 0, hi = this.values.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.values[mid] < value || (this.values[mid] === value && this.lengths[mid] < len)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The first `bits` bits of a 32-bit value, the rest zero. */
function maskTo(value: number, bits: number): number {
  return bits === 0 ? 0 : (value & (0xffffffff << (32 - bits))) >>> 0;
}
