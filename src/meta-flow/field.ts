// The field table (OVS's meta-flow): every matchable/settable field, its
// names, width, prerequisites and where it lives in a Flow. Parsing, matching
// and printing are all driven from here.
import { FIELD_DEFS } from './field-defs.js';
import { M, allOnes, type Flow } from './flow.js';

export interface FieldDef {
  id: string;
  name: string;
  aliases: string[];
  bytes: number;
  bits: number;
  maskable: boolean;
  /** OVS "Formatting:" — decimal, hexadecimal, Ethernet, IPv4, ... */
  format: string;
  /** OVS "Prerequisites:" — none, Ethernet, IPv4, TCP, ... */
  prereq: string;
  writable: boolean;
  nxm?: string;
  oxm?: string;
  prefixMember?: string;
}

/** Field value bits [fieldLsb, fieldLsb+n) live in member bits [memberLsb, memberLsb+n). */
export interface Segment {
  member: number;
  fieldLsb: number;
  memberLsb: number;
  n: number;
}

export interface Field extends FieldDef {
  segments: Segment[];
}

// Fields whose storage differs from "the member of the same name, whole".
// [member, fieldLsb, memberLsb, nbits]
type Place = [string, number, number, number];
const PLACEMENT: Record<string, Place[]> = {
  MFF_TUN_SRC: [['tun_ip_src', 0, 0, 32]], MFF_TUN_DST: [['tun_ip_dst', 0, 0, 32]],
  MFF_IN_PORT_OXM: [['in_port', 0, 0, 32]],
  MFF_ETH_SRC: [['dl_src', 0, 0, 48]], MFF_ETH_DST: [['dl_dst', 0, 0, 48]], MFF_ETH_TYPE: [['dl_type', 0, 0, 16]],
  MFF_VLAN_TCI: [['vlan_tci0', 0, 0, 16]], MFF_DL_VLAN: [['vlan_tci0', 0, 0, 12]],
  MFF_VLAN_VID: [['vlan_tci0', 0, 0, 13]], MFF_DL_VLAN_PCP: [['vlan_tci0', 0, 13, 3]], MFF_VLAN_PCP: [['vlan_tci0', 0, 13, 3]],
  MFF_MPLS_LABEL: [['mpls_lse0', 0, 12, 20]], MFF_MPLS_TC: [['mpls_lse0', 0, 9, 3]],
  MFF_MPLS_BOS: [['mpls_lse0', 0, 8, 1]], MFF_MPLS_TTL: [['mpls_lse0', 0, 0, 8]],
  MFF_IPV4_SRC: [['nw_src', 0, 0, 32]], MFF_IPV4_DST: [['nw_dst', 0, 0, 32]],
  MFF_IP_PROTO: [['nw_proto', 0, 0, 8]], MFF_IP_DSCP: [['nw_tos', 2, 2, 6]], MFF_IP_DSCP_SHIFTED: [['nw_tos', 0, 2, 6]],
  MFF_IP_ECN: [['nw_tos', 0, 0, 2]], MFF_IP_TTL: [['nw_ttl', 0, 0, 8]], MFF_IP_FRAG: [['nw_frag', 0, 0, 2]],
  MFF_ARP_OP: [['nw_proto', 0, 0, 8]], MFF_ARP_SPA: [['nw_src', 0, 0, 32]], MFF_ARP_TPA: [['nw_dst', 0, 0, 32]],
  MFF_ND_SLL: [['arp_sha', 0, 0, 48]], MFF_ND_TLL: [['arp_tha', 0, 0, 48]],
  MFF_TCP_SRC: [['tp_src', 0, 0, 16]], MFF_TCP_DST: [['tp_dst', 0, 0, 16]],
  MFF_UDP_SRC: [['tp_src', 0, 0, 16]], MFF_UDP_DST: [['tp_dst', 0, 0, 16]],
  MFF_SCTP_SRC: [['tp_src', 0, 0, 16]], MFF_SCTP_DST: [['tp_dst', 0, 0, 16]],
  MFF_TCP_FLAGS: [['tcp_flags', 0, 0, 12]], MFF_ND_OPTIONS_TYPE: [['tcp_flags', 0, 0, 8]],
  MFF_ICMPV4_TYPE: [['tp_src', 0, 0, 8]], MFF_ICMPV4_CODE: [['tp_dst', 0, 0, 8]],
  MFF_ICMPV6_TYPE: [['tp_src', 0, 0, 8]], MFF_ICMPV6_CODE: [['tp_dst', 0, 0, 8]],
  MFF_ND_RESERVED: [['igmp_group_ip4', 0, 0, 32]],
  MFF_NSH_SPI: [['nsh_spi', 0, 0, 24]],
  MFF_CT_STATE: [['ct_state', 0, 0, 8]],
};

function placement(def: FieldDef): Place[] {
  if (PLACEMENT[def.id]) return PLACEMENT[def.id];
  let m = /^MFF_XREG(\d+)$/.exec(def.id);
  if (m) { // xregN = reg(2N):reg(2N+1), most significant first
    const n = Number(m[1]);
    return [[`reg${2 * n + 1}`, 0, 0, 32], [`reg${2 * n}`, 32, 0, 32]];
  }
  m = /^MFF_XXREG(\d+)$/.exec(def.id);
  if (m) {
    const n = Number(m[1]);
    return [0, 1, 2, 3].map((i) => [`reg${4 * n + 3 - i}`, 32 * i, 0, 32] as Place);
  }
  const member = def.name;
  if (M[member] === undefined) throw new Error(`field ${def.name} has no flow member`);
  return [[member, 0, 0, def.bits]];
}

// OVS documents vlan_vid as 12 bits, but its values carry OFPVID_PRESENT
// (0x1000, the CFI bit), so a whole-field mask must cover 13 bits.
const WIDTH_OVERRIDES: Record<string, number> = { MFF_VLAN_VID: 13 };

export const FIELDS: readonly Field[] = FIELD_DEFS.map((def) => ({
  ...def,
  bits: WIDTH_OVERRIDES[def.id] ?? def.bits,
  segments: placement(def).map(([member, fieldLsb, memberLsb, n]) => ({ member: M[member], fieldLsb, memberLsb, n })),
}));

const BY_NAME = new Map<string, Field>();
const BY_NXM_NAME = new Map<string, Field>();
const BY_ID = new Map<string, Field>();
for (const f of FIELDS) {
  BY_ID.set(f.id, f);
  for (const n of [f.name, ...f.aliases]) if (!BY_NAME.has(n)) BY_NAME.set(n, f);
  for (const n of [f.nxm, f.oxm]) if (n && !BY_NXM_NAME.has(n)) BY_NXM_NAME.set(n, f);
}

/** A field by its name or alias (mf_from_name): how matches, trace flows and set_field name one. */
export function fieldByName(name: string): Field | undefined {
  return BY_NAME.get(name);
}

/** A field by NXM or OXM name, else as fieldByName (mf_parse_subfield): how `load`, `move` and friends name one. */
export function subfieldFieldByName(name: string): Field | undefined {
  return BY_NXM_NAME.get(name) ?? BY_NAME.get(name);
}

export function fieldById(id: string): Field {
  const f = BY_ID.get(id);
  if (!f) throw new Error(`no field ${id}`);
  return f;
}

export function getFieldValue(flow: Flow, f: Field): bigint {
  let v = 0n;
  for (const s of f.segments) {
    v |= ((flow[s.member] >> BigInt(s.memberLsb)) & allOnes(s.n)) << BigInt(s.fieldLsb);
  }
  return v;
}

/** Write `value` into the bits of `flow` selected by `mask` (both in field units). */
export function setFieldValue(flow: Flow, f: Field, value: bigint, mask: bigint = allOnes(f.bits)): void {
  for (const s of f.segments) {
    const m = ((mask >> BigInt(s.fieldLsb)) & allOnes(s.n)) << BigInt(s.memberLsb);
    const v = ((value >> BigInt(s.fieldLsb)) & allOnes(s.n)) << BigInt(s.memberLsb);
    flow[s.member] = (flow[s.member] & ~m) | (v & m);
    markPresent(flow, s.member);
  }
}

/**
 * A tun_metadataN member written to a flow (tun_metadata_write) or made
 * significant in a mask (tun_metadata_set_match): its bit of the option
 * present map goes with it, so a packet carries what was set, and a match
 * on an option's value is also one on its presence.
 */
function markPresent(flow: Flow, member: number): void {
  const option = member - M.tun_metadata0;
  if (option >= 0 && option < 64) flow[M.tun_metadata_present] |= 1n << BigInt(option);
}

/** tun_metadata_delete: the packet stops carrying the option (its bits stay, unseen). */
export function deleteTunMetadata(flow: Flow, f: Field): void {
  for (const s of f.segments) {
    const option = s.member - M.tun_metadata0;
    if (option >= 0 && option < 64) flow[M.tun_metadata_present] &= ~(1n << BigInt(option));
  }
}

/** OR `mask` (field units) into a wildcards flow: the bits become significant. */
export function unwildcardField(wc: Flow, f: Field, mask: bigint = allOnes(f.bits)): void {
  for (const s of f.segments) {
    wc[s.member] |= ((mask >> BigInt(s.fieldLsb)) & allOnes(s.n)) << BigInt(s.memberLsb);
    markPresent(wc, s.member);
  }
}
