// The multipath action (lib/multipath.c multipath_execute): hash the packet's
// fields, map the hash to a link number in [0, n_links) and load it into a
// subfield, like any other register load.
import type { OfpactOf } from '../ofp/ofpact.js';
import type { Ctx } from './context.js';
import { flowHashFields, flowMaskHashFields } from './hash.js';
import { hashInt as hash2Words } from './hmap-order.js';
import { regLoad } from './subfield-ops.js';

type Algorithm = OfpactOf<'multipath'>['algorithm'];

/** HRW looks at every link up to this many; beyond, iter_hash is cheaper. */
const HRW_MAX_LINKS = 64;

/** Highest random weight: the link whose hash with the flow hash is largest (the first on ties). */
function hrw(hash: number, nLinks: number): number {
  let best = 0, bestWeight = hash2Words(hash, 0);
  for (let link = 1; link < nLinks; link++) {
    const weight = hash2Words(hash, link);
    if (weight > bestWeight) {
      best = link;
      bestWeight = weight;
    }
  }
  return best;
}

/** round_up_pow2, for 1 <= x <= 65536. */
function roundUpPow2(x: number): number {
  x--;
  x |= x >> 1; x |= x >> 2; x |= x >> 4; x |= x >> 8;
  return x + 1;
}

/** Rehash until the hash modulo `modulo` is a link; a modulo outside [n_links, 2 n_links + 1] becomes the next power of two. */
function iterHash(hash: number, nLinks: number, modulo: number): number {
  if (modulo < nLinks || Math.floor(modulo / 2) > nLinks) modulo = roundUpPow2(nLinks);
  let link: number;
  // OVS keeps the link in a uint16_t.
  for (let i = 0; (link = (hash2Words(hash, i) % modulo) & 0xffff) >= nLinks; i++);
  return link;
}

const ALGORITHMS: Record<Algorithm, (hash: number, nLinks: number, arg: number) => number> = {
  modulo_n: (hash, nLinks) => hash % nLinks,
  // OVS special-cases one link, where its 32-bit divisor would wrap to 0.
  hash_threshold: (hash, nLinks) => Math.floor(hash / (Math.floor(0xffffffff / nLinks) + 1)),
  hrw: (hash, nLinks) => (nLinks <= HRW_MAX_LINKS ? hrw(hash, nLinks) : iterHash(hash, nLinks, 0)),
  iter_hash: iterHash,
};

/** multipath_algorithm: the link in [0, n_links) for a flow hash. */
export function multipathLink(algorithm: Algorithm, hash: number, nLinks: number, arg: number): number {
  return ALGORITHMS[algorithm](hash, nLinks, arg);
}

/** multipath_execute: the dst subfield gets the link; the caller reports it. */
export function xlateMultipath(ctx: Ctx, mp: OfpactOf<'multipath'>): void {
  const hash = flowHashFields(ctx.flow, mp.fields, mp.basis);
  const link = multipathLink(mp.algorithm, hash, mp.maxLink + 1, mp.arg);
  flowMaskHashFields(ctx.flow, ctx.wc, mp.fields);
  regLoad(ctx.flow, ctx.wc, mp.dst, BigInt(link));
}
