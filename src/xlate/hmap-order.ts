// The iteration order of an OVS hmap (lib/hmap.c) after inserting keys in a
// given order: FLOOD/ALL walk the bridge's ports in this order, so datapath
// actions list ports in it. Hash: hash_int() on the OpenFlow port number,
// the portable murmur variant of lib/hash.h.

const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

export function mhashAdd(hash: number, data: number): number {
  if (data) {
    data = Math.imul(data, 0xcc9e2d51) >>> 0;
    data = rot(data, 15);
    data = Math.imul(data, 0x1b873593) >>> 0;
    hash = (hash ^ data) >>> 0;
  }
  hash = rot(hash, 13);
  return (Math.imul(hash, 5) + 0xe6546b64) >>> 0;
}

export function mhashFinish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/** hash_int(x, basis) = hash_2words(x, basis). */
export function hashInt(x: number, basis = 0): number {
  return mhashFinish((mhashAdd(mhashAdd(x >>> 0, 0), basis) ^ 8) >>> 0);
}

function calcMask(capacity: number): number {
  let mask = Math.floor(capacity / 2);
  mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4; mask |= mask >> 8; mask |= mask >> 16;
  mask |= (mask & 1) << 1;
  return mask;
}

/** Keys in hmap iteration order after inserting `keys` in order. */
export function hmapOrder<T>(keys: readonly T[], hash: (k: T) => number): T[] {
  let mask = 0;
  let buckets: T[][] = [[]];
  let n = 0;
  for (const k of keys) {
    buckets[hash(k) & mask].unshift(k);
    n++;
    if (Math.floor(n / 2) > mask) {
      const newMask = calcMask(n);
      const next: T[][] = Array.from({ length: newMask + 1 }, () => []);
      for (const b of buckets) for (const x of b) next[hash(x) & newMask].unshift(x);
      buckets = next;
      mask = newMask;
    }
  }
  return buckets.flat();
}
