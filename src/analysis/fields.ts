// One flow member as a person reads it in a note (`metadata 0x2`,
// `dl_dst fa:16:3e:5c:bd:e0`, `arp_tpa 172.24.4.200`): the name OVS would use
// for this packet's protocol and the value in that field's usual notation.
import { M, MEMBERS, ETH_TYPE, IPPROTO, allOnes, type Flow } from '../meta-flow/flow.js';
import { CT_STATE_NAMES, formatFlags } from '../meta-flow/match.js';
import { formatHex, formatIpv4, formatIpv6, formatMac } from '../meta-flow/values.js';
import { formatPort } from '../ofp/ports.js';
import type { XBridge } from '../xlate/world.js';

const MAC = new Set(['dl_src', 'dl_dst', 'arp_sha', 'arp_tha']);
const IPV4 = new Set(['nw_src', 'nw_dst', 'ct_nw_src', 'ct_nw_dst', 'tun_ip_src', 'tun_ip_dst', 'igmp_group_ip4']);
const IPV6 = new Set(['ipv6_src', 'ipv6_dst', 'ct_ipv6_src', 'ct_ipv6_dst', 'nd_target', 'tun_ipv6_src', 'tun_ipv6_dst']);
const DECIMAL = new Set(['nw_ttl', 'nw_proto', 'nw_tos', 'nw_frag', 'tp_src', 'tp_dst', 'ct_tp_src', 'ct_tp_dst', 'ct_nw_proto', 'ct_zone', 'tun_tp_src', 'tun_tp_dst', 'tun_ttl', 'tun_tos']);

/** The field name for `member` given the packet's protocol (ARP reuses nw_*, ICMP reuses tp_*). */
export function memberName(member: number, flow: Flow): string {
  const name = MEMBERS[member].name;
  const arp = flow[M.dl_type] === ETH_TYPE.ARP || flow[M.dl_type] === ETH_TYPE.RARP;
  const icmp = flow[M.nw_proto] === IPPROTO.ICMP || flow[M.nw_proto] === IPPROTO.ICMPV6;
  if (arp) return ({ nw_src: 'arp_spa', nw_dst: 'arp_tpa', nw_proto: 'arp_op' } as Record<string, string>)[name] ?? name;
  if (icmp && (name === 'tp_src' || name === 'tp_dst')) return name === 'tp_src' ? 'icmp_type' : 'icmp_code';
  if (name === 'vlan_tci0') return 'vlan_tci';
  return name;
}

/** `value` of `member`; with `mask` narrower than the member, `value/mask`. */
export function memberValue(member: number, value: bigint, mask?: bigint, bridge?: XBridge): string {
  const name = MEMBERS[member].name;
  const one = (v: bigint): string => {
    if (MAC.has(name)) return formatMac(v);
    if (IPV4.has(name)) return formatIpv4(v);
    if (IPV6.has(name)) return formatIpv6(v);
    if (DECIMAL.has(name)) return v.toString();
    return `0x${v.toString(16)}`;
  };
  if (name === 'in_port' && (mask === undefined || mask === allOnes(32))) {
    const port = bridge?.ports.get(Number(value));
    return port ? `${formatPort(Number(value))}(${port.name})` : formatPort(Number(value));
  }
  if (name === 'ct_state') {
    return mask === undefined || mask === 0xffn ? formatFlags(CT_STATE_NAMES, Number(value), '|') || '0'
      : `${formatHex(value)}/${formatHex(mask)}`;
  }
  if (mask === undefined || mask === allOnes(MEMBERS[member].bits)) return one(value);
  return `${one(value & mask)}/${MAC.has(name) || IPV4.has(name) || IPV6.has(name) ? one(mask) : formatHex(mask)}`;
}
