// Field prerequisites (mf_are_prereqs_ok), by the field table's
// "Prerequisites:" text. With a wildcards flow, the fields a check reads are
// un-wildcarded, as OVS does when translating set_field.
import type { Field } from './field.js';
import { M, ETH_TYPE, IPPROTO, VLAN_CFI, FLOW_NW_FRAG_LATER, dlTypeOf, isIpAny, type Flow } from './flow.js';

type Check = (f: Flow, wc?: Flow) => boolean;

const proto = (dlTypes: bigint[], p: bigint, noLater = false): Check => (f, wc) => {
  if (!dlTypes.includes(dlTypeOf(f))) return false;
  if (wc) wc[M.nw_proto] = 0xffn;
  return f[M.nw_proto] === p && !(noLater && f[M.nw_frag] & FLOW_NW_FRAG_LATER);
};
const IP_ANY = [ETH_TYPE.IP, ETH_TYPE.IPV6];
const nd = (...types: bigint[]): Check => (f, wc) => {
  if (!proto([ETH_TYPE.IPV6], IPPROTO.ICMPV6)(f, wc)) return false;
  if (wc) { wc[M.tp_src] = 0xffffn; wc[M.tp_dst] = 0xffffn; }
  return types.includes(f[M.tp_src]) && f[M.tp_dst] === 0n;
};

/** CS_NEW | CS_ESTABLISHED | CS_REPLY_DIR. */
const CS_VALID_MASK = 0x1n | 0x2n | 0x8n;

const PREREQS: Record<string, Check> = {
  none: () => true,
  Ethernet: (f) => f[M.packet_type] === 0n,
  ARP: (f) => dlTypeOf(f) === ETH_TYPE.ARP || dlTypeOf(f) === ETH_TYPE.RARP,
  IPv4: (f) => dlTypeOf(f) === ETH_TYPE.IP,
  IPv6: (f) => dlTypeOf(f) === ETH_TYPE.IPV6,
  'IPv4/IPv6': isIpAny,
  'VLAN VID': (f, wc) => {
    if (wc) wc[M.vlan_tci0] |= VLAN_CFI;
    return (f[M.vlan_tci0] & VLAN_CFI) !== 0n;
  },
  MPLS: (f) => dlTypeOf(f) === ETH_TYPE.MPLS || dlTypeOf(f) === ETH_TYPE.MPLS_MCAST,
  TCP: proto(IP_ANY, IPPROTO.TCP, true),
  UDP: proto(IP_ANY, IPPROTO.UDP, true),
  SCTP: proto(IP_ANY, IPPROTO.SCTP, true),
  ICMPv4: proto([ETH_TYPE.IP], IPPROTO.ICMP),
  ICMPv6: proto([ETH_TYPE.IPV6], IPPROTO.ICMPV6),
  ND: nd(135n, 136n),
  'ND solicit': nd(135n),
  'ND advert': nd(136n),
  // is_ct_valid on a packet's flow: a valid conntrack entry is new, established or a reply.
  CT: (f, wc) => {
    if (wc) wc[M.ct_state] |= CS_VALID_MASK;
    return (f[M.ct_state] & CS_VALID_MASK) !== 0n;
  },
  NSH: (f) => dlTypeOf(f) === ETH_TYPE.NSH,
};

export function prereqsOk(field: Field, flow: Flow, wc?: Flow): boolean {
  return (PREREQS[field.prereq] ?? (() => true))(flow, wc);
}
