// A map from a flow's masked words on some members (a classifier subtable's
// stage or full key; flow-words.ts) to a value. Keys are hashWords integers;
// every hit is verified against the key's masked words, so a hash collision
// never changes a lookup.
// The table is open-addressed over typed arrays, keys' words inline: a
// lookup reads a slot's hash and then its words from two flat arrays, where
// a Map of entries would chase a bucket chain and an object per key, and
// lookups are most of what a trace does.
import type { MaskWords } from './flow-words.js';

/** A slot no key has taken: hashWords values are never negative. */
const EMPTY = -1;
const FIRST_SLOTS = 8;

export class MaskedKeyMap<V> {
  /** Words per key. */
  private readonly width: number;
  /** Per slot, the hash of the key there, or EMPTY... */
  private hashes = new Int32Array(FIRST_SLOTS).fill(EMPTY);
  /** ... its masked words (`width` per slot)... */
  private keys: Int32Array;
  /** ... and its value. */
  private values: (V | undefined)[] = new Array(FIRST_SLOTS);
  private stored = 0;

  constructor(private readonly key: MaskWords) {
    this.width = key.at.length;
    this.keys = new Int32Array(FIRST_SLOTS * this.width);
  }

  /** How many keys it holds. */
  get size(): number {
    return this.stored;
  }

  /** The value stored for the masked `words`, whose hashWords is `hash`. */
  get(words: Int32Array, hash: number): V | undefined {
    const slot = this.find(words, hash);
    return this.hashes[slot] === EMPTY ? undefined : this.values[slot];
  }

  /** Stores `value` for the masked `words` (hash as for get), replacing any. */
  set(words: Int32Array, hash: number, value: V): void {
    const slot = this.find(words, hash);
    this.values[slot] = value;
    if (this.hashes[slot] !== EMPTY) return;
    this.hashes[slot] = hash;
    const { at, bits } = this.key;
    for (let i = 0, k = slot * this.width; i < at.length; i++, k++) this.keys[k] = words[at[i]] & bits[i];
    if (++this.stored * 2 > this.hashes.length) this.grow();
  }

  /** The slot holding the key of `words`, else the empty slot where it would go (linear probing). */
  private find(words: Int32Array, hash: number): number {
    const { hashes, keys, width } = this;
    const { at, bits } = this.key;
    const last = hashes.length - 1;
    for (let slot = hash & last; ; slot = (slot + 1) & last) {
      const h = hashes[slot];
      if (h === EMPTY) return slot;
      if (h !== hash) continue;
      let i = 0;
      for (let k = slot * width; i < width && (words[at[i]] & bits[i]) === keys[k]; i++, k++);
      if (i === width) return slot;
    }
  }

  private grow(): void {
    const { hashes, keys, values, width } = this;
    const n = hashes.length * 2;
    this.hashes = new Int32Array(n).fill(EMPTY);
    this.keys = new Int32Array(n * width);
    this.values = new Array(n);
    for (let i = 0; i < hashes.length; i++) {
      if (hashes[i] === EMPTY) continue;
      let slot = hashes[i] & (n - 1);
      while (this.hashes[slot] !== EMPTY) slot = (slot + 1) & (n - 1);
      this.hashes[slot] = hashes[i];
      this.keys.set(keys.subarray(i * width, (i + 1) * width), slot * width);
      this.values[slot] = values[i];
    }
  }
}
