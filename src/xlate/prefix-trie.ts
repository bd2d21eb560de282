// OVS's prefix tries (lib/classifier.c: struct cls_trie, trie_lookup_value)
// answer, for a packet's 32-bit value (nw_dst, nw_src, the tp_src:tp_dst
// word), how many leading bits the rules' prefixes force a megaflow to keep,
// and which prefix lengths match it. A table's trie holds every rule's
// prefix, and building a binary trie of a million of them node by node is
// most of a cold lookup's time, so the same answers come from the prefixes
// of each length sorted (a radix sort): the prefix that shares the most
// leading bits with a value is next to it in sorted order. Sorting costs
// about as much as reading every prefix SCANS_BEFORE_SORT times, so the
// first few lookups (all a single trace makes) read them instead. Answers
// are not remembered: a batch's addresses rarely repeat, and a binary search
// per prefix length costs less than keeping a map of them.

export interface TrieAnswer {
  maskbits: number;
  /** The prefix lengths that match, as a set of lengths (lengthSet). */
  plens: number;
}

/**
 * Prefix lengths 0..32 as one number, length n counting 2^n: 33 bits are
 * exact in a double, and an answer allocates no Set for a batch of distinct
 * addresses to collect. `>>>` reads bits 0..31 (it takes the number modulo
 * 2^32); bit 32 is whether the number reaches 2^32.
 */
export const lengthSet = {
  NONE: 0,
  ALL: 2 ** 33 - 1,
  add: (set: number, length: number) => (lengthSet.has(set, length) ? set : set + 2 ** length),
  has: (set: number, length: number) => (length < 32 ? ((set >>> length) & 1) === 1 : set >= 2 ** 32),
};

/** Lookups answered by reading every prefix, before the prefixes are sorted. */
const SCANS_BEFORE_SORT = 8;

export class PrefixTrie {
  /** Prefixes by length (their values masked to it) until the first lookup... */
  private adding: Map<number, number[]> | undefined = new Map();
  /** ... then the lengths, ascending, and each length's prefixes: as added, sorted after SCANS_BEFORE_SORT lookups. */
  private lengths: number[] = [];
  private values: Uint32Array[] = [];
  private sorted = false;
  /** Per length, the most leading bits a prefix of that length shares with the value looked up. */
  private agree = new Int32Array(0);
  /** Lookups so far, up to SCANS_BEFORE_SORT. */
  private scans = 0;

  /** A rule's prefix: the first `plen` bits of `value`. Only before the first lookup. */
  insert(value: number, plen: number): void {
    const list = this.adding!.get(plen);
    if (list) list.push(maskTo(value, plen));
    else this.adding!.set(plen, [maskTo(value, plen)]);
  }

  /** trie_lookup_value: bits to un-wildcard, and the prefix lengths that match. */
  lookup(value: number): TrieAnswer {
    if (this.adding) this.freeze();
    const { lengths, values, agree } = this;
    if (!this.sorted && ++this.scans > SCANS_BEFORE_SORT) {
      for (let k = 0; k < values.length; k++) values[k] = radixSort(values[k]);
      this.sorted = true;
    }
    for (let k = 0; k < lengths.length; k++) {
      const list = values[k];
      let best = 0;
      if (this.sorted) {
        const i = lowerBound(list, value);
        best = Math.max(i > 0 ? leadingAgreement(list[i - 1], value) : 0, i < list.length ? leadingAgreement(list[i], value) : 0);
      } else for (let i = 0; i < list.length; i++) best = Math.max(best, leadingAgreement(list[i], value));
      agree[k] = best;
    }
    // The trie's deepest node on the value's path: as deep as some prefix
    // both agrees with the value and is long enough.
    let plens = lengthSet.NONE;
    let depth = 0;
    for (let k = 0; k < lengths.length; k++) {
      depth = Math.max(depth, Math.min(lengths[k], agree[k]));
      if (agree[k] >= lengths[k]) plens = lengthSet.add(plens, lengths[k]);
    }
    // Below it the path ends; one more bit tells the value from a child, if the node has one:
    // a longer prefix that agrees with the value down to the node.
    if (depth === 32) return { maskbits: 32, plens };
    let hasChild = false;
    for (let k = 0; k < lengths.length; k++) hasChild ||= lengths[k] > depth && agree[k] >= depth;
    return { maskbits: hasChild ? depth + 1 : depth, plens };
  }

  private freeze(): void {
    const byLength = [...this.adding!].sort(([a], [b]) => a - b);
    this.lengths = byLength.map(([length]) => length);
    this.values = byLength.map(([, list]) => Uint32Array.from(list));
    this.agree = new Int32Array(this.lengths.length);
    this.adding = undefined;
  }
}

/** How many leading bits two 32-bit values share. */
function leadingAgreement(a: number, b: number): number {
  return Math.clz32(a ^ b);
}

/** The first index whose value is `value` or more. */
function lowerBound(values: Uint32Array, value: number): number {
  let lo = 0, hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Sorts 32-bit values a byte at a time (several times faster than the built-in sort). */
function radixSort(values: Uint32Array): Uint32Array {
  let from: Uint32Array = values, to: Uint32Array = new Uint32Array(values.length);
  const at = new Int32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    at.fill(0);
    for (let i = 0; i < from.length; i++) at[(from[i] >>> shift) & 0xff]++;
    for (let d = 0, sum = 0; d < 256; d++) {
      const count = at[d];
      at[d] = sum;
      sum += count;
    }
    for (let i = 0; i < from.length; i++) to[at[(from[i] >>> shift) & 0xff]++] = from[i];
    [from, to] = [to, from];
  }
  return from;
}

/** The first `bits` bits of a 32-bit value, the rest zero. */
function maskTo(value: number, bits: number): number {
  return bits === 0 ? 0 : (value & (0xffffffff << (32 - bits))) >>> 0;
}
