// OVS's prefix tries (lib/classifier.c: struct cls_trie, trie_lookup_value)
// answer, for a packet's 32-bit value (nw_dst, nw_src, the tp_src:tp_dst
// word), how many leading bits the rules' prefixes force a megaflow to keep,
// and which prefix lengths match it. A table's trie holds every rule's
// prefix, and building a binary trie of a million of them node by node is
// most of a cold lookup's time, so the same answers come from the prefixes
// of each length sorted (a radix sort): the prefix that shares the most
// leading bits with a value is next to it in sorted order. Sorting costs
// about as much as reading every prefix SCANS_BEFORE_SORT times, so the
// first few lookups (all a single trace makes) read them instead.

export interface TrieAnswer {
  maskbits: number;
  /** Shared by every lookup of the value: read it, do not change it. */
  plens: ReadonlySet<number>;
}

const MAX_ANSWERS = 1 << 15;
/** Lookups answered by reading every prefix, before the prefixes are sorted. */
const SCANS_BEFORE_SORT = 8;

export class PrefixTrie {
  /** Prefixes by length (their values masked to it) until the first lookup... */
  private adding: Map<number, number[]> | undefined = new Map();
  /** ... then sorted, longest length last. */
  private byLength: { length: number; values: Uint32Array }[] = [];
  /** Answers given, by value: a batch of traces asks about the same addresses again and again. */
  private answers = new Map<number, TrieAnswer>();
  /** Lookups answered by reading every prefix, up to SCANS_BEFORE_SORT. */
  private scans = 0;

  /** A rule's prefix: the first `plen` bits of `value`. Only before the first lookup. */
  insert(value: number, plen: number): void {
    const list = this.adding!.get(plen);
    if (list) list.push(maskTo(value, plen));
    else this.adding!.set(plen, [maskTo(value, plen)]);
  }

  /** trie_lookup_value: bits to un-wildcard, and the prefix lengths that match. */
  lookup(value: number): TrieAnswer {
    // Keyed as a signed 32-bit integer, which a Map hashes as a small integer (an address from 128.0.0.0 is not one).
    const key = value | 0;
    let answer = this.answers.get(key);
    if (!answer) {
      // A batch of distinct addresses would grow the map without end: past MAX_ANSWERS, start again.
      if (this.answers.size >= MAX_ANSWERS) this.answers = new Map();
      this.answers.set(key, (answer = this.answer(value)));
    }
    return answer;
  }

  private answer(value: number): TrieAnswer {
    // Per prefix length, the most leading bits a prefix of that length shares with the value.
    const agreements: [number, number][] = [];
    if (this.adding && ++this.scans <= SCANS_BEFORE_SORT) {
      for (const [length, list] of this.adding) {
        let agree = 0;
        for (let i = 0; i < list.length; i++) agree = Math.max(agree, leadingAgreement(list[i], value));
        agreements.push([length, agree]);
      }
    } else {
      if (this.adding) this.freeze();
      for (const { length, values } of this.byLength) {
        const i = lowerBound(values, value);
        agreements.push([length, Math.max(i > 0 ? leadingAgreement(values[i - 1], value) : 0, i < values.length ? leadingAgreement(values[i], value) : 0)]);
      }
    }
    // The trie's deepest node on the value's path: as deep as some prefix
    // both agrees with the value and is long enough.
    const plens = new Set<number>();
    let depth = 0;
    for (const [length, agree] of agreements) {
      depth = Math.max(depth, Math.min(length, agree));
      if (agree >= length) plens.add(length);
    }
    // Below it the path ends; one more bit tells the value from a child, if the node has one:
    // a longer prefix that agrees with the value down to the node.
    if (depth === 32) return { maskbits: 32, plens };
    const hasChild = agreements.some(([length, agree]) => length > depth && agree >= depth);
    return { maskbits: hasChild ? depth + 1 : depth, plens };
  }

  private freeze(): void {
    this.byLength = [...this.adding!].sort(([a], [b]) => a - b).map(([length, list]) => ({ length, values: radixSort(new Uint32Array(list)) }));
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
