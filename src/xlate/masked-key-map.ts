// A map from a flow's masked values on some members (a classifier subtable's
// stage or full key) to a value. Keys are maskedHash integers, so a probe
// allocates no string; entries keep their masked values and every hit is
// verified against them, so a hash collision never changes a lookup.
// The table is open-addressed over typed arrays: a lookup touches one or two
// slots of an Int32Array where a Map would chase a bucket chain, and lookups
// are most of what a trace does.
import { maskedValue, type Flow } from '../meta-flow/flow.js';

interface Entry<V> {
  readonly values: bigint[];
  value: V;
}

/** A slot no key has taken: maskedHash values are never negative. */
const EMPTY = -1;

export class MaskedKeyMap<V> {
  /** Per slot, the hash of the key there, or EMPTY... */
  private hashes = new Int32Array(8).fill(EMPTY);
  /** ... and its entry. */
  private entries: (Entry<V> | undefined)[] = new Array(8);
  private size = 0;

  constructor(private readonly mask: Flow, private readonly members: readonly number[]) {}

  /** The value stored for `flow`'s masked values, whose maskedHash is `hash`. */
  get(flow: Flow, hash: number): V | undefined {
    const slot = this.find(flow, hash);
    return this.hashes[slot] === EMPTY ? undefined : this.entries[slot]!.value;
  }

  /** Stores `value` for `flow`'s masked values (hash as for get), replacing any. */
  set(flow: Flow, hash: number, value: V): void {
    const slot = this.find(flow, hash);
    if (this.hashes[slot] !== EMPTY) {
      this.entries[slot]!.value = value;
      return;
    }
    this.hashes[slot] = hash;
    this.entries[slot] = { values: this.members.map((m) => maskedValue(flow, this.mask, m)), value };
    if (++this.size * 2 > this.hashes.length) this.grow();
  }

  /** The slot holding `flow`'s key, else the empty slot where it would go (linear probing). */
  private find(flow: Flow, hash: number): number {
    const { hashes } = this;
    const last = hashes.length - 1;
    for (let slot = hash & last; ; slot = (slot + 1) & last) {
      const h = hashes[slot];
      if (h === EMPTY || (h === hash && this.agrees(flow, this.entries[slot]!.values))) return slot;
    }
  }

  private grow(): void {
    const { hashes, entries } = this;
    this.hashes = new Int32Array(hashes.length * 2).fill(EMPTY);
    this.entries = new Array(hashes.length * 2);
    const last = this.hashes.length - 1;
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === EMPTY) continue;
      let slot = hashes[i] & last;
      while (this.hashes[slot] !== EMPTY) slot = (slot + 1) & last;
      this.hashes[slot] = hashes[i];
      this.entries[slot] = entries[i];
    }
  }

  private agrees(flow: Flow, values: readonly bigint[]): boolean {
    for (let i = 0; i < values.length; i++) if (maskedValue(flow, this.mask, this.members[i]) !== values[i]) return false;
    return true;
  }
}
