// A packet given in hex after the trace flow (`ofproto/trace BRIDGE FLOW
// PACKET`): eth_from_hex() reads the bytes, and OVS traces the flow that
// flow_extract() finds in them, keeping only the metadata of FLOW
// (pkt_metadata_from_flow: in_port, marks, tunnel, conntrack state).
import {
  M, MEMBERS, newFlow, ETH_TYPE, IPPROTO, VLAN_CFI, FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_LATER, ETH_TYPE_MIN, FLOW_DL_TYPE_NONE,
  MAX_MPLS_LABELS, MPLS_BOS_MASK, MPLS_LSE_MEMBERS, VLAN_TCI_MEMBERS, isMplsEthType, isVlanEthType, type Flow,
} from '../meta-flow/flow.js';

const ETH_HEADER_LEN = 14;
/** ovs-vswitchd's default other_config:vlan-limit (LEGACY_MAX_VLAN_HEADERS). */
const VLAN_LIMIT = 1;

/** eth_from_hex: hex digit pairs, optionally separated by white space. */
export function parseHexPacket(hex: string): Uint8Array | string {
  const bytes: number[] = [];
  let i = 0;
  for (;;) {
    while (i < hex.length && ' \t\r\n'.includes(hex[i])) i++;
    const pair = hex.slice(i, i + 2);
    if (!/^[0-9a-fA-F]{2}$/.test(pair)) break;
    bytes.push(parseInt(pair, 16));
    i += 2;
  }
  if (i < hex.length) return 'Trailing garbage in packet data';
  if (bytes.length < ETH_HEADER_LEN) return 'Packet data too short for Ethernet';
  return Uint8Array.from(bytes);
}

/** The part of the packet not parsed yet (OVS's data/size pair). */
class Bytes {
  constructor(private readonly b: Uint8Array, public off = 0, public end = b.length) {}

  get size(): number {
    return this.end - this.off;
  }

  /** `n` bytes at offset `at`, big-endian. */
  be(at: number, n: number): bigint {
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(this.b[this.off + at + i]);
    return v;
  }

  /** data_try_pull: false (and nothing pulled) when fewer than `n` bytes are left. */
  pull(n: number): boolean {
    if (this.size < n) return false;
    this.off += n;
    return true;
  }
}

/** is_ct_valid() on a flow without wildcards. */
const CS_VALID_MASK = 0x0bn;
const TUNNEL_MEMBERS = MEMBERS.flatMap((m, i) => (m.name.startsWith('tun_') ? [i] : []));
const CT_ADDRS = new Map<bigint, number[]>([[ETH_TYPE.IP, [M.ct_nw_src, M.ct_nw_dst]], [ETH_TYPE.IPV6, [M.ct_ipv6_src, M.ct_ipv6_dst]]]);

/** pkt_metadata_from_flow, then the metadata half of miniflow_extract. */
function metadata(md: Flow): Flow {
  const f = newFlow();
  if (md[M.tun_ip_dst] || md[M.tun_ipv6_dst]) for (const i of TUNNEL_MEMBERS) f[i] = md[i];
  for (const n of ['skb_priority', 'pkt_mark', 'dp_hash', 'in_port', 'recirc_id']) f[M[n]] = md[M[n]];
  // Conntrack fields survive only with a conntrack state.
  if (md[M.ct_state]) for (const n of ['ct_state', 'ct_zone', 'ct_mark', 'ct_label']) f[M[n]] = md[M[n]];
  return f;
}

/**
 * Whether the packet keeps the flow's conntrack original tuple: the flow has
 * a valid conntrack state, a tuple, and the packet's IP version.
 */
function keepsCtTuple(md: Flow, dlType: bigint): boolean {
  return (md[M.ct_state] & CS_VALID_MASK) !== 0n && md[M.dl_type] === dlType && md[M.ct_nw_proto] !== 0n;
}

/**
 * Layer-4 headers by IP protocol: the bytes a header needs and what it
 * fills in. `extract` returns false when it leaves the conntrack ports out.
 */
const L4_HEADERS = new Map<bigint, { min: number; extract: (d: Bytes, f: Flow) => boolean }>([
  [IPPROTO.TCP, { min: 20, extract: tcp }],
  [IPPROTO.UDP, { min: 8, extract: ports }],
  [IPPROTO.SCTP, { min: 12, extract: ports }],
  [IPPROTO.ICMP, { min: 8, extract: typeAndCode }],
  [IPPROTO.IGMP, { min: 8, extract: igmp }],
  [IPPROTO.ICMPV6, { min: 8, extract: icmpv6 }],
]);

function ports(d: Bytes, f: Flow): boolean {
  f[M.tp_src] = d.be(0, 2);
  f[M.tp_dst] = d.be(2, 2);
  return true;
}

function typeAndCode(d: Bytes, f: Flow): boolean {
  f[M.tp_src] = d.be(0, 1);
  f[M.tp_dst] = d.be(1, 1);
  return true;
}

function igmp(d: Bytes, f: Flow): boolean {
  f[M.igmp_group_ip4] = d.be(4, 4);
  return typeAndCode(d, f);
}

function tcp(d: Bytes, f: Flow): boolean {
  const ctl = d.be(12, 2);
  const headerLen = Number(ctl >> 12n) * 4;
  if (headerLen < 20 || d.size < headerLen) return false;
  f[M.tcp_flags] = ctl & 0x0fffn;
  return ports(d, f);
}

const ND_NEIGHBOR_SOLICIT = 135n, ND_NEIGHBOR_ADVERT = 136n;
const ND_OPT_SOURCE_LINKADDR = 1n, ND_OPT_TARGET_LINKADDR = 2n;

/** ICMPv6, with parse_icmpv6() for neighbor discovery. Only non-ND messages carry conntrack ports. */
function icmpv6(d: Bytes, f: Flow): boolean {
  typeAndCode(d, f);
  const type = f[M.tp_src];
  if (f[M.tp_dst] !== 0n || (type !== ND_NEIGHBOR_SOLICIT && type !== ND_NEIGHBOR_ADVERT)) return true;
  f[M.igmp_group_ip4] = d.be(4, 4); // the RSO flags (nd_reserved)
  d.pull(8);
  if (d.size < 16) return false;
  const target = d.be(0, 16);
  d.pull(16);
  const lla = [0n, 0n]; // source, target link-layer addresses
  let optType = 0n;
  while (d.size >= 8) {
    const type = d.be(0, 1);
    const len = Number(d.be(1, 1)) * 8;
    if (!len || len > d.size) break;
    const slot = len === 8 ? [ND_OPT_SOURCE_LINKADDR, ND_OPT_TARGET_LINKADDR].indexOf(type) : -1;
    if (slot >= 0) {
      // The same option twice makes the message invalid: no target, no addresses.
      if (lla[slot]) {
        f[M.tcp_flags] = optType;
        return false;
      }
      lla[slot] = d.be(2, 6);
      if (!optType) optType = type;
    }
    d.pull(len);
  }
  f[M.nd_target] = target;
  [f[M.arp_sha], f[M.arp_tha]] = lla;
  f[M.tcp_flags] = optType;
  return false;
}

/** parse_ethertype: Ethernet II, 802.3 with a SNAP Ethertype, else FLOW_DL_TYPE_NONE. */
function ethertype(d: Bytes): bigint {
  const proto = d.be(0, 2);
  d.pull(2);
  if (proto >= ETH_TYPE_MIN) return proto;
  const LLC_SNAP_LEN = 8;
  if (d.size < LLC_SNAP_LEN || d.be(0, 6) !== 0xaaaa03000000n) return FLOW_DL_TYPE_NONE;
  const snapType = d.be(6, 2);
  d.pull(LLC_SNAP_LEN);
  return snapType >= ETH_TYPE_MIN ? snapType : FLOW_DL_TYPE_NONE;
}


/** How far the network header was parsed: not at all, only the addresses, or up to layer 4. */
type L3 = 'none' | 'addresses' | 'full';

/** IPv4 header, unless ipv4_sanity_check() fails. */
function ipv4(d: Bytes, f: Flow): L3 {
  if (d.size < 20) return 'none';
  const headerLen = Number(d.be(0, 1) & 0x0fn) * 4;
  const totalLen = Number(d.be(2, 2));
  if (headerLen < 20 || d.size < headerLen || totalLen > d.size || headerLen > totalLen) return 'none';
  d.end = d.off + totalLen; // never parse the Ethernet padding
  f[M.nw_src] = d.be(12, 4);
  f[M.nw_dst] = d.be(16, 4);
  f[M.nw_tos] = d.be(1, 1);
  f[M.nw_ttl] = d.be(8, 1);
  f[M.nw_proto] = d.be(9, 1);
  const fragOff = d.be(6, 2);
  if (fragOff & 0x3fffn) f[M.nw_frag] = fragOff & 0x1fffn ? FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER : FLOW_NW_FRAG_ANY;
  d.pull(headerLen);
  return 'full';
}

const IPPROTO_HOPOPTS = 0n, IPPROTO_ROUTING = 43n, IPPROTO_FRAGMENT = 44n, IPPROTO_AH = 51n, IPPROTO_DSTOPTS = 60n;

/** IPv6 header and extension headers; a cut-short extension header leaves only the addresses. */
function ipv6(d: Bytes, f: Flow): L3 {
  if (d.size < 40 || Number(d.be(4, 2)) + 40 > d.size) return 'none';
  const payloadLen = Number(d.be(4, 2));
  const tcFlow = d.be(0, 4);
  f[M.ipv6_src] = d.be(8, 16);
  f[M.ipv6_dst] = d.be(24, 16);
  let proto = d.be(6, 1);
  const ttl = d.be(7, 1);
  d.pull(40);
  d.end = d.off + payloadLen;
  let frag = 0n;
  // parse_ipv6_ext_hdrs__
  while ([IPPROTO_HOPOPTS, IPPROTO_ROUTING, IPPROTO_DSTOPTS, IPPROTO_AH, IPPROTO_FRAGMENT].includes(proto)) {
    if (d.size < 8) return 'addresses';
    const next = d.be(0, 1);
    if (proto === IPPROTO_FRAGMENT) {
      const offFlags = d.be(2, 2);
      d.pull(8);
      proto = next;
      if (offFlags) frag = FLOW_NW_FRAG_ANY;
      if (offFlags & 0xfff8n) {
        frag |= FLOW_NW_FRAG_LATER;
        proto = IPPROTO_FRAGMENT;
        break;
      }
    } else {
      const len = proto === IPPROTO_AH ? (Number(d.be(1, 1)) + 2) * 4 : (Number(d.be(1, 1)) + 1) * 8;
      proto = next;
      if (!d.pull(len)) return 'addresses';
    }
  }
  f[M.ipv6_label] = tcFlow & 0xfffffn;
  f[M.nw_tos] = (tcFlow >> 20n) & 0xffn;
  f[M.nw_ttl] = ttl;
  f[M.nw_proto] = proto;
  f[M.nw_frag] = frag;
  return 'full';
}

/** ARP and RARP for Ethernet/IPv4 only; the opcode only when it fits nw_proto. */
function arp(d: Bytes, f: Flow): void {
  if (d.size < 28 || d.be(0, 2) !== 1n || d.be(2, 2) !== ETH_TYPE.IP || d.be(4, 1) !== 6n || d.be(5, 1) !== 4n) return;
  f[M.nw_src] = d.be(14, 4);
  f[M.nw_dst] = d.be(24, 4);
  const op = d.be(6, 2);
  if (op <= 0xffn) f[M.nw_proto] = op;
  f[M.arp_sha] = d.be(8, 6);
  f[M.arp_tha] = d.be(18, 6);
}

/** parse_nsh: the base and service path headers, and MD1's context; what follows is opaque. */
function nsh(d: Bytes, f: Flow): void {
  const NSH_BASE_HDR_LEN = 8, NSH_M_TYPE1_LEN = 24;
  if (d.size < NSH_BASE_HDR_LEN) return;
  const word = d.be(0, 2);
  const length = Number(word & 0x3fn) * 4;
  if (length > d.size || word >> 14n !== 0n) return;
  const mdtype = d.be(2, 1);
  if (mdtype === 1n && length !== NSH_M_TYPE1_LEN) return;
  f[M.nsh_flags] = (word >> 12n) & 3n;
  f[M.nsh_ttl] = (word >> 6n) & 0x3fn;
  f[M.nsh_mdtype] = mdtype;
  f[M.nsh_np] = d.be(3, 1);
  f[M.nsh_spi] = d.be(4, 3);
  f[M.nsh_si] = d.be(7, 1);
  if (mdtype === 1n) [M.nsh_c1, M.nsh_c2, M.nsh_c3, M.nsh_c4].forEach((m, i) => { f[m] = d.be(8 + 4 * i, 4); });
}

/**
 * flow_extract(): the flow of `packet` received with the metadata of `md`.
 * Everything else in `md` (registers, metadata, header fields) is dropped.
 */
export function flowExtract(packet: Uint8Array, md: Flow): Flow {
  const f = metadata(md);
  const d = new Bytes(packet);
  f[M.dl_dst] = d.be(0, 6);
  f[M.dl_src] = d.be(6, 6);
  d.pull(12);
  for (let n = 0; n < VLAN_LIMIT && isVlanEthType(d.be(0, 2)) && d.size >= 6; n++) {
    f[VLAN_TCI_MEMBERS[n]] = d.be(2, 2) | VLAN_CFI;
    d.pull(4);
  }
  const dlType = ethertype(d);
  f[M.dl_type] = dlType;
  if (isMplsEthType(dlType)) {
    for (let n = 0; d.size >= 4; n++) {
      const lse = d.be(0, 4);
      d.pull(4);
      if (n < MAX_MPLS_LABELS) f[MPLS_LSE_MEMBERS[n]] = lse;
      if (lse & MPLS_BOS_MASK) break;
    }
    return f;
  }
  if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    arp(d, f);
    return f;
  }
  if (dlType === ETH_TYPE.NSH) {
    nsh(d, f);
    return f;
  }
  if (dlType !== ETH_TYPE.IP && dlType !== ETH_TYPE.IPV6) return f;
  const l3 = (dlType === ETH_TYPE.IP ? ipv4 : ipv6)(d, f);
  if (l3 === 'none') return f;
  const ctTuple = keepsCtTuple(md, dlType);
  if (ctTuple) for (const i of [M.ct_nw_proto, ...CT_ADDRS.get(dlType)!]) f[i] = md[i];
  const l4 = L4_HEADERS.get(f[M.nw_proto]);
  if (l3 === 'addresses' || f[M.nw_frag] & FLOW_NW_FRAG_LATER || !l4 || d.size < l4.min) return f;
  // Headers that were cut short, and neighbor discovery, carry no conntrack ports.
  if (l4.extract(d, f) && ctTuple) for (const i of [M.ct_tp_src, M.ct_tp_dst]) f[i] = md[i];
  return f;
}
