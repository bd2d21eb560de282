// The packet headers and metadata OVS's translation works on: the members of
// `struct flow`, in struct order (the order matters for staged lookup and for
// how megaflows are printed). A Flow is a plain array of bigints indexed by
// member; a mask (flow_wildcards) is a Flow of the same shape.

export interface MemberDef {
  name: string;
  bits: number;
}

const MEMBER_LIST: MemberDef[] = [
  // Metadata
  { name: 'tun_ip_dst', bits: 32 }, { name: 'tun_ipv6_dst', bits: 128 },
  { name: 'tun_ip_src', bits: 32 }, { name: 'tun_ipv6_src', bits: 128 },
  { name: 'tun_id', bits: 64 }, { name: 'tun_flags', bits: 16 },
  { name: 'tun_tos', bits: 8 }, { name: 'tun_ttl', bits: 8 },
  { name: 'tun_tp_src', bits: 16 }, { name: 'tun_tp_dst', bits: 16 },
  { name: 'tun_gbp_id', bits: 16 }, { name: 'tun_gbp_flags', bits: 8 },
  { name: 'tun_erspan_ver', bits: 8 }, { name: 'tun_erspan_idx', bits: 32 },
  { name: 'tun_erspan_dir', bits: 8 }, { name: 'tun_erspan_hwid', bits: 8 },
  { name: 'tun_gtpu_flags', bits: 8 }, { name: 'tun_gtpu_msgtype', bits: 8 },
  // tun_metadata.present.map: which tun_metadataN the packet carries (a Geneve option, or set by an action).
  { name: 'tun_metadata_present', bits: 64 },
  ...Array.from({ length: 64 }, (_, i) => ({ name: `tun_metadata${i}`, bits: 992 })),
  { name: 'metadata', bits: 64 },
  ...Array.from({ length: 16 }, (_, i) => ({ name: `reg${i}`, bits: 32 })),
  { name: 'skb_priority', bits: 32 }, { name: 'pkt_mark', bits: 32 },
  { name: 'dp_hash', bits: 32 }, { name: 'in_port', bits: 32 },
  { name: 'recirc_id', bits: 32 }, { name: 'ct_state', bits: 8 },
  { name: 'ct_nw_proto', bits: 8 }, { name: 'ct_zone', bits: 16 },
  { name: 'ct_mark', bits: 32 }, { name: 'packet_type', bits: 32 },
  { name: 'ct_label', bits: 128 }, { name: 'conj_id', bits: 32 },
  { name: 'actset_output', bits: 32 },
  // L2
  { name: 'dl_dst', bits: 48 }, { name: 'dl_src', bits: 48 }, { name: 'dl_type', bits: 16 },
  { name: 'vlan_tci0', bits: 16 }, { name: 'vlan_tci1', bits: 16 },
  { name: 'mpls_lse0', bits: 32 }, { name: 'mpls_lse1', bits: 32 }, { name: 'mpls_lse2', bits: 32 },
  // L3
  { name: 'nw_src', bits: 32 }, { name: 'nw_dst', bits: 32 },
  { name: 'ct_nw_src', bits: 32 }, { name: 'ct_nw_dst', bits: 32 },
  { name: 'ipv6_src', bits: 128 }, { name: 'ipv6_dst', bits: 128 },
  { name: 'ct_ipv6_src', bits: 128 }, { name: 'ct_ipv6_dst', bits: 128 },
  { name: 'ipv6_label', bits: 32 }, { name: 'nw_frag', bits: 8 },
  { name: 'nw_tos', bits: 8 }, { name: 'nw_ttl', bits: 8 }, { name: 'nw_proto', bits: 8 },
  // L4
  { name: 'nd_target', bits: 128 }, { name: 'arp_sha', bits: 48 }, { name: 'arp_tha', bits: 48 },
  { name: 'tcp_flags', bits: 16 },
  { name: 'nsh_flags', bits: 8 }, { name: 'nsh_ttl', bits: 8 }, { name: 'nsh_mdtype', bits: 8 },
  { name: 'nsh_np', bits: 8 }, { name: 'nsh_spi', bits: 24 }, { name: 'nsh_si', bits: 8 },
  { name: 'nsh_c1', bits: 32 }, { name: 'nsh_c2', bits: 32 }, { name: 'nsh_c3', bits: 32 }, { name: 'nsh_c4', bits: 32 },
  { name: 'tp_src', bits: 16 }, { name: 'tp_dst', bits: 16 },
  { name: 'ct_tp_src', bits: 16 }, { name: 'ct_tp_dst', bits: 16 },
  { name: 'igmp_group_ip4', bits: 32 },
];

export const MEMBERS: readonly MemberDef[] = MEMBER_LIST;
export const N_MEMBERS = MEMBER_LIST.length;

/** Member index by name: `M.dl_src`. */
export const M: Readonly<Record<string, number>> = Object.freeze(
  Object.assign(Object.create(null), Object.fromEntries(MEMBER_LIST.map((m, i) => [m.name, i]))),
);

export type Flow = bigint[];

/** A zero flow to copy: copying a packed array is cheaper than filling a new (holey) one, and every rule makes two. */
const ZERO_FLOW: readonly bigint[] = Array.from({ length: N_MEMBERS }, () => 0n);

export function newFlow(): Flow {
  return ZERO_FLOW.slice();
}

export function copyFlow(f: Flow): Flow {
  return f.slice();
}

/** Whether two flows (or masks) hold the same values in every member. */
export function flowsEqual(a: Flow, b: Flow): boolean {
  for (let m = 0; m < a.length; m++) if (a[m] !== b[m]) return false;
  return true;
}

const ALL_ONES = Array.from({ length: 129 }, (_, n) => (1n << BigInt(n)) - 1n);

/** A mask of `bits` low bits (cached up to 128: the widest member but tun_metadata). */
export function allOnes(bits: number): bigint {
  return ALL_ONES[bits] ?? (1n << BigInt(bits)) - 1n;
}

/** Ethernet types and IP protocols the formatting and prerequisites need. */
export const ETH_TYPE = { IP: 0x0800n, ARP: 0x0806n, RARP: 0x8035n, IPV6: 0x86ddn, MPLS: 0x8847n, MPLS_MCAST: 0x8848n, NSH: 0x894fn, VLAN: 0x8100n, VLAN_8021AD: 0x88a8n } as const;
export const IPPROTO = { ICMP: 1n, IGMP: 2n, TCP: 6n, UDP: 17n, GRE: 47n, ICMPV6: 58n, SCTP: 132n } as const;
export const VLAN_CFI = 0x1000n;
export const VLAN_VID_MASK = 0x0fffn;
export const VLAN_PCP_MASK = 0xe000n;
export const FLOW_NW_FRAG_ANY = 1n;
export const FLOW_NW_FRAG_LATER = 2n;
/** Ethertypes start here; smaller values are 802.3 lengths. */
export const ETH_TYPE_MIN = 0x600n;
/** FLOW_DL_TYPE_NONE: an 802.3 frame without a SNAP Ethertype. */
export const FLOW_DL_TYPE_NONE = 0x05ffn;
export const MPLS_BOS_MASK = 0x0100n;
/** struct flow's VLAN headers and MPLS label stack entries, outermost first. */
export const VLAN_TCI_MEMBERS: readonly number[] = [M.vlan_tci0, M.vlan_tci1];
export const MPLS_LSE_MEMBERS: readonly number[] = [M.mpls_lse0, M.mpls_lse1, M.mpls_lse2];
/** struct flow's NSH header members (struct ovs_key_nsh), by name. */
export const NSH_MEMBER_NAMES: readonly string[] = ['nsh_flags', 'nsh_ttl', 'nsh_mdtype', 'nsh_np', 'nsh_spi', 'nsh_si', 'nsh_c1', 'nsh_c2', 'nsh_c3', 'nsh_c4'];
/** FLOW_MAX_MPLS_LABELS. */
export const MAX_MPLS_LABELS = MPLS_LSE_MEMBERS.length;
/** eth_type_vlan: 802.1Q or 802.1ad. */
export const isVlanEthType = (t: bigint) => t === ETH_TYPE.VLAN || t === ETH_TYPE.VLAN_8021AD;
/** eth_type_mpls: unicast or multicast MPLS. */
export const isMplsEthType = (t: bigint) => t === ETH_TYPE.MPLS || t === ETH_TYPE.MPLS_MCAST;
/** packet_type (namespace << 16 | type): PT_ETH is Ethernet, namespace OFPHTN_ETHERTYPE an L3 packet by Ethertype. */
export const PT_ETH = 0n;
export const OFPHTN_ETHERTYPE = 1n;
/** The packet_type of an L3 packet with Ethertype `type` (PACKET_TYPE(OFPHTN_ETHERTYPE, type)). */
export const l3PacketType = (type: bigint) => (OFPHTN_ETHERTYPE << 16n) | type;
export const PT_IPV4 = l3PacketType(ETH_TYPE.IP);
export const PT_IPV6 = l3PacketType(ETH_TYPE.IPV6);
export const PT_NSH = l3PacketType(ETH_TYPE.NSH);
export const PT_MPLS = l3PacketType(ETH_TYPE.MPLS);
export const PT_MPLS_MC = l3PacketType(ETH_TYPE.MPLS_MCAST);

/**
 * get_dl_type: the Ethertype of an Ethernet packet, or the one an L3
 * packet's packet_type names (a flow given as `packet_type=(1,0x800)` keeps
 * dl_type 0); what prerequisites and is_ip_any look at.
 */
export function dlTypeOf(f: Flow): bigint {
  if (f[M.packet_type] === PT_ETH) return f[M.dl_type];
  return f[M.packet_type] >> 16n === OFPHTN_ETHERTYPE ? f[M.packet_type] & 0xffffn : FLOW_DL_TYPE_NONE;
}

/** is_ip_any */
export function isIpAny(f: Flow): boolean {
  const t = dlTypeOf(f);
  return t === ETH_TYPE.IP || t === ETH_TYPE.IPV6;
}

/** Each member's all-ones mask. */
const FULL_MASK = MEMBER_LIST.map((m) => allOnes(m.bits));

/** flow[m] & mask[m], without the bigint `&` (an allocation) where the mask is the whole member. */
export function maskedValue(flow: Flow, mask: Flow, m: number): bigint {
  return mask[m] === FULL_MASK[m] ? flow[m] : flow[m] & mask[m];
}

/** Un-wildcards the whole of each named member (a field the translation or a packet's wildcards read in full). */
export function unwildcardMembers(wc: Flow, ...names: string[]): void {
  for (const n of names) wc[M[n]] = FULL_MASK[M[n]];
}

/** wc[m] |= mask, without the bigint `|` (an allocation) where either side is the whole member or they are equal. */
export function orMember(wc: Flow, m: number, mask: bigint): void {
  const full = FULL_MASK[m];
  if (mask === full) wc[m] = full;
  else if (wc[m] !== full && wc[m] !== mask) wc[m] |= mask;
}

/** wc[m] |= mask[m] for each of `members` (orMember). */
export function foldMask(wc: Flow, mask: Flow, members: readonly number[]): void {
  for (let i = 0; i < members.length; i++) orMember(wc, members[i], mask[members[i]]);
}

/** The classifier's lookup stages (metadata, L2, L3, L4) end before struct flow's dl_dst, nw_src, nd_target. */
const STAGE_ENDS = [M.dl_dst, M.nw_src, M.nd_target];
export const N_STAGES = STAGE_ENDS.length + 1;

/** The lookup stage a member belongs to, 0..N_STAGES-1. */
export const STAGE_OF: readonly number[] = MEMBER_LIST.map((_, m) => {
  let s = 0;
  while (s < STAGE_ENDS.length && m >= STAGE_ENDS[s]) s++;
  return s;
});
