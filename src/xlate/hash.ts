// OVS's byte hashes (lib/hash.c hash_bytes, lib/jhash.c jhash_bytes) and the
// flow hash select groups use (lib/flow.c flow_hash_symmetric_l4).  Bytes are
// read as little-endian 32-bit words, as OVS does on x86.
import { M, ETH_TYPE, IPPROTO, VLAN_VID_MASK, type Flow } from '../meta-flow/flow.js';
import { mhashAdd, mhashFinish } from './hmap-order.js';

const rot = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

function word(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** The n bytes at `b` padded with zeros to a whole number of words. */
function padded(b: Uint8Array, words: number): Uint8Array {
  const out = new Uint8Array(words * 4);
  out.set(b);
  return out;
}

/** hash_bytes */
export function hashBytes(b: Uint8Array, basis: number): number {
  const p = padded(b, Math.ceil(b.length / 4));
  let hash = basis >>> 0;
  for (let i = 0; i < p.length; i += 4) hash = mhashAdd(hash, word(p, i));
  return mhashFinish((hash ^ b.length) >>> 0);
}

/** hash_uint64 */
export function hashUint64(x: bigint): number {
  const lo = Number(x & 0xffffffffn), hi = Number((x >> 32n) & 0xffffffffn);
  return mhashFinish((mhashAdd(mhashAdd(0, lo), hi) ^ 8) >>> 0);
}

function jhashMix(s: Uint32Array): void {
  s[0] -= s[2]; s[0] ^= rot(s[2], 4); s[2] += s[1];
  s[1] -= s[0]; s[1] ^= rot(s[0], 6); s[0] += s[2];
  s[2] -= s[1]; s[2] ^= rot(s[1], 8); s[1] += s[0];
  s[0] -= s[2]; s[0] ^= rot(s[2], 16); s[2] += s[1];
  s[1] -= s[0]; s[1] ^= rot(s[0], 19); s[0] += s[2];
  s[2] -= s[1]; s[2] ^= rot(s[1], 4); s[1] += s[0];
}

function jhashFinal(s: Uint32Array): void {
  s[2] ^= s[1]; s[2] -= rot(s[1], 14);
  s[0] ^= s[2]; s[0] -= rot(s[2], 11);
  s[1] ^= s[0]; s[1] -= rot(s[0], 25);
  s[2] ^= s[1]; s[2] -= rot(s[1], 16);
  s[0] ^= s[2]; s[0] -= rot(s[2], 4);
  s[1] ^= s[0]; s[1] -= rot(s[0], 14);
  s[2] ^= s[1]; s[2] -= rot(s[1], 24);
}

/** jhash_bytes */
export function jhashBytes(b: Uint8Array, basis: number): number {
  const s = new Uint32Array(3).fill((0xdeadbeef + b.length + basis) >>> 0);
  const p = padded(b, Math.ceil(b.length / 12) * 3);
  let i = 0;
  for (let n = b.length; n >= 12; n -= 12, i += 12) {
    s[0] += word(p, i); s[1] += word(p, i + 4); s[2] += word(p, i + 8);
    jhashMix(s);
  }
  if (i < b.length) {
    s[0] += word(p, i); s[1] += word(p, i + 4); s[2] += word(p, i + 8);
    jhashFinal(s);
  }
  return s[2];
}

/** Big-endian bytes of `v` into `out` at `at`. */
function putBe(out: Uint8Array, at: number, v: bigint, bytes: number): void {
  for (let i = bytes - 1; i >= 0; i--, v >>= 8n) out[at + i] = Number(v & 0xffn);
}

/** flow_hash_symmetric_l4: the same hash for both directions of a connection. */
export function flowHashSymmetricL4(f: Flow, basis: number): number {
  // struct { union { ipv4; in6_addr } (16); eth_type; vlan_tci; tp_port; eth_addr[6]; ip_proto } padded to 32.
  const b = new Uint8Array(32);
  putBe(b, 22, f[M.dl_src] ^ f[M.dl_dst], 6);
  putBe(b, 18, (f[M.vlan_tci0] ^ f[M.vlan_tci1]) & VLAN_VID_MASK, 2);
  putBe(b, 16, f[M.dl_type], 2);
  const ip4 = f[M.dl_type] === ETH_TYPE.IP, ip6 = f[M.dl_type] === ETH_TYPE.IPV6;
  if (ip4) putBe(b, 0, f[M.nw_src] ^ f[M.nw_dst], 4);
  if (ip6) putBe(b, 0, f[M.ipv6_src] ^ f[M.ipv6_dst], 16);
  if (ip4 || ip6) {
    b[28] = Number(f[M.nw_proto]);
    if (f[M.nw_proto] === IPPROTO.TCP || f[M.nw_proto] === IPPROTO.SCTP) putBe(b, 20, f[M.tp_src] ^ f[M.tp_dst], 2);
  }
  return jhashBytes(b, basis);
}
