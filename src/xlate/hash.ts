// OVS's byte hashes (lib/hash.c hash_bytes, lib/jhash.c jhash_bytes) and the
// flow hashes of lib/flow.c: the one select groups use (flow_hash_symmetric_l4)
// and the field sets `bundle` and `multipath` name (flow_hash_fields), with the
// megaflow bits each one reads (flow_mask_hash_fields).  Bytes are read as
// little-endian 32-bit words, as OVS does on x86.
import {
  M, ETH_TYPE, IPPROTO, VLAN_VID_MASK, VLAN_CFI, PT_ETH, FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_LATER, isIpAny, unwildcardMembers, type Flow,
} from '../meta-flow/flow.js';
import type { HashFields } from '../ofp/ofpact.js';
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

/** The `bytes` big-endian bytes of `v`. */
function be(v: bigint, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  putBe(out, 0, v, bytes);
  return out;
}

/** hash_add of each little-endian word of `b` (a whole number of words). */
function hashAddWords(hash: number, b: Uint8Array): number {
  for (let i = 0; i < b.length; i += 4) hash = mhashAdd(hash, word(b, i));
  return hash;
}

/** flow_hash_symmetric_l2: what symmetric_l3l4 falls back to off IP. */
function flowHashSymmetricL2(f: Flow, basis: number): number {
  if (f[M.packet_type] !== PT_ETH) return 0;
  // { eth_type; vlan_tci; eth_addr[6]; pad } as three words.
  const b = new Uint8Array(12);
  putBe(b, 0, f[M.dl_type], 2);
  putBe(b, 2, (f[M.vlan_tci0] ^ f[M.vlan_tci1]) & VLAN_VID_MASK, 2);
  putBe(b, 4, f[M.dl_src] ^ f[M.dl_dst], 6);
  return mhashFinish((hashAddWords(basis, b) ^ basis) >>> 0);
}

/** Whether symmetric_l3l4 hashes the L4 ports: TCP and SCTP (with udp, also UDP) when not a fragment. */
function hashesPorts(f: Flow, udp: boolean): boolean {
  const proto = f[M.nw_proto];
  return !(f[M.nw_frag] & (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER))
    && (proto === IPPROTO.TCP || proto === IPPROTO.SCTP || (udp && proto === IPPROTO.UDP));
}

/** flow_hash_symmetric_l3l4: addresses, protocol and (TCP, SCTP, with udp also UDP) ports, each XORed. */
function flowHashSymmetricL3L4(f: Flow, basis: number, udp: boolean): number {
  let hash: number;
  if (f[M.dl_type] === ETH_TYPE.IP) hash = hashAddWords(basis, be(f[M.nw_src] ^ f[M.nw_dst], 4));
  else if (f[M.dl_type] === ETH_TYPE.IPV6) hash = hashAddWords(basis, be(f[M.ipv6_src] ^ f[M.ipv6_dst], 16));
  else return flowHashSymmetricL2(f, basis);
  hash = mhashAdd(hash, Number(f[M.nw_proto]));
  if (hashesPorts(f, udp)) {
    // The XOR of two big-endian ports, read as a host-order integer.
    const ports = be(f[M.tp_src] ^ f[M.tp_dst], 2);
    hash = mhashAdd(hash, ports[0] | (ports[1] << 8));
  }
  return mhashFinish((hash ^ basis) >>> 0);
}

/** flow_hash_symmetric_l3: { ip address XOR (16 bytes); eth_type } padded to 20. */
function flowHashSymmetricL3(f: Flow, basis: number): number {
  const b = new Uint8Array(20);
  putBe(b, 16, f[M.dl_type], 2);
  if (f[M.dl_type] === ETH_TYPE.IP) putBe(b, 0, f[M.nw_src] ^ f[M.nw_dst], 4);
  if (f[M.dl_type] === ETH_TYPE.IPV6) putBe(b, 0, f[M.ipv6_src] ^ f[M.ipv6_dst], 16);
  return jhashBytes(b, basis);
}

/** The IPv4 or IPv6 address `side` of the packet hashed alone (nw_src, nw_dst); off IP, the basis. */
function hashAddress(f: Flow, basis: number, side: 'src' | 'dst'): number {
  if (f[M.dl_type] === ETH_TYPE.IP) return jhashBytes(be(f[M[`nw_${side}`]], 4), basis);
  if (f[M.dl_type] === ETH_TYPE.IPV6) return jhashBytes(be(f[M[`ipv6_${side}`]], 16), basis);
  return basis;
}

/** The source and/or destination address members of an IPv4 or IPv6 packet. */
function addressMembers(f: Flow, sides: ('src' | 'dst')[]): string[] {
  if (f[M.dl_type] === ETH_TYPE.IP) return sides.map((s) => `nw_${s}`);
  if (f[M.dl_type] === ETH_TYPE.IPV6) return sides.map((s) => `ipv6_${s}`);
  return [];
}

/** flow_mask_hash_fields for symmetric_l3l4, with or without UDP ports. */
function maskSymmetricL3L4(f: Flow, wc: Flow, udp: boolean): void {
  const addresses = addressMembers(f, ['src', 'dst']);
  if (!addresses.length) return;
  unwildcardMembers(wc, ...addresses, 'nw_proto', ...(hashesPorts(f, udp) ? ['tp_src', 'tp_dst'] : []));
}

/** flow_hash_fields and flow_mask_hash_fields, by field set. */
const HASH_FIELDS: Record<HashFields, { hash: (f: Flow, basis: number) => number; mask: (f: Flow, wc: Flow) => void }> = {
  eth_src: {
    hash: (f, basis) => jhashBytes(be(f[M.dl_src], 6), basis),
    mask: (_f, wc) => unwildcardMembers(wc, 'dl_src'),
  },
  symmetric_l4: {
    hash: flowHashSymmetricL4,
    mask: (f, wc) => {
      unwildcardMembers(wc, 'dl_src', 'dl_dst', ...addressMembers(f, ['src', 'dst']));
      if (isIpAny(f)) {
        unwildcardMembers(wc, 'nw_proto');
        // UDP ports are not hashed; ICMP type and code are 8 bits (flow_unwildcard_tp_ports).
        if (f[M.nw_proto] !== IPPROTO.UDP) {
          const ports = f[M.nw_proto] === IPPROTO.ICMP ? 0xffn : 0xffffn;
          wc[M.tp_src] |= ports;
          wc[M.tp_dst] |= ports;
        }
      }
      wc[M.vlan_tci0] |= VLAN_VID_MASK | VLAN_CFI;
      wc[M.vlan_tci1] |= VLAN_VID_MASK | VLAN_CFI;
    },
  },
  symmetric_l3l4: {
    hash: (f, basis) => flowHashSymmetricL3L4(f, basis, false),
    mask: (f, wc) => maskSymmetricL3L4(f, wc, false),
  },
  'symmetric_l3l4+udp': {
    hash: (f, basis) => flowHashSymmetricL3L4(f, basis, true),
    mask: (f, wc) => maskSymmetricL3L4(f, wc, true),
  },
  nw_src: {
    hash: (f, basis) => hashAddress(f, basis, 'src'),
    mask: (f, wc) => unwildcardMembers(wc, ...addressMembers(f, ['src'])),
  },
  nw_dst: {
    hash: (f, basis) => hashAddress(f, basis, 'dst'),
    mask: (f, wc) => unwildcardMembers(wc, ...addressMembers(f, ['dst'])),
  },
  symmetric_l3: {
    hash: flowHashSymmetricL3,
    mask: (f, wc) => unwildcardMembers(wc, ...addressMembers(f, ['src', 'dst'])),
  },
};

/** flow_hash_fields */
export function flowHashFields(f: Flow, fields: HashFields, basis: number): number {
  return HASH_FIELDS[fields].hash(f, basis);
}

/** flow_mask_hash_fields: un-wildcard what flowHashFields reads. */
export function flowMaskHashFields(f: Flow, wc: Flow, fields: HashFields): void {
  HASH_FIELDS[fields].mask(f, wc);
}
