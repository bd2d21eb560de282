// A map from a flow's masked values on some members (a classifier subtable's
// stage or full key) to a value. Keys are maskedHash integers, so a probe
// allocates no string; entries keep their masked values and every hit is
// verified against them, so a hash collision never changes a lookup.
import { maskedValue, type Flow } from '../meta-flow/flow.js';

interface Entry<V> {
  readonly values: bigint[];
  value: V;
}

export class MaskedKeyMap<V> {
  private readonly buckets = new Map<number, Entry<V>[]>();

  constructor(private readonly mask: Flow, private readonly members: readonly number[]) {}

  /** The value stored for `flow`'s masked values, whose maskedHash is `hash`. */
  get(flow: Flow, hash: number): V | undefined {
    return this.entry(flow, hash)?.value;
  }

  /** Stores `value` for `flow`'s masked values (hash as for get), replacing any. */
  set(flow: Flow, hash: number, value: V): void {
    const found = this.entry(flow, hash);
    if (found) {
      found.value = value;
      return;
    }
    const entry = { values: this.members.map((m) => maskedValue(flow, this.mask, m)), value };
    const bucket = this.buckets.get(hash);
    if (bucket) bucket.push(entry);
    else this.buckets.set(hash, [entry]);
  }

  private entry(flow: Flow, hash: number): Entry<V> | undefined {
    const bucket = this.buckets.get(hash);
    if (bucket) for (const e of bucket) if (this.agrees(flow, e.values)) return e;
    return undefined;
  }

  private agrees(flow: Flow, values: readonly bigint[]): boolean {
    for (let i = 0; i < values.length; i++) if (maskedValue(flow, this.mask, this.members[i]) !== values[i]) return false;
    return true;
  }
}
