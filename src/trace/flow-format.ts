// The `Flow:` / `Final flow:` text (flow_format): the packet as a match whose
// mask is "every field the packet has", minus zero-valued metadata.
import { M, newFlow, allOnes, dlTypeOf, unwildcardMembers, NSH_MEMBER_NAMES, ETH_TYPE, IPPROTO, FLOW_NW_FRAG_LATER, type Flow } from '../meta-flow/flow.js';
import { formatMatch } from '../meta-flow/match.js';
import type { PortNames } from '../ofp/ports.js';


function isNd(f: Flow): boolean {
  return dlTypeOf(f) === ETH_TYPE.IPV6 && f[M.nw_proto] === IPPROTO.ICMPV6 &&
    (f[M.tp_src] === 135n || f[M.tp_src] === 136n) && f[M.tp_dst] === 0n;
}

/** flow_wildcards_init_for_packet: the fields this packet actually has. */
export function wildcardsForPacket(f: Flow): Flow {
  const wc = newFlow();
  if (f[M.tun_ip_dst] || f[M.tun_ipv6_dst]) {
    if (f[M.tun_flags] & 8n) unwildcardMembers(wc, 'tun_id'); // FLOW_TNL_F_KEY
    unwildcardMembers(wc, 'tun_ip_src', 'tun_ip_dst', 'tun_ipv6_src', 'tun_ipv6_dst', 'tun_flags', 'tun_tos', 'tun_ttl', 'tun_tp_src', 'tun_tp_dst',
      'tun_gbp_id', 'tun_gbp_flags', 'tun_erspan_ver', 'tun_erspan_idx', 'tun_erspan_dir', 'tun_erspan_hwid', 'tun_gtpu_flags', 'tun_gtpu_msgtype');
    wc[M.tun_metadata_present] = f[M.tun_metadata_present];
    for (let i = 0; f[M.tun_metadata_present] && i < 64; i++) if ((f[M.tun_metadata_present] >> BigInt(i)) & 1n) unwildcardMembers(wc, `tun_metadata${i}`);
  } else if (f[M.tun_id]) unwildcardMembers(wc, 'tun_id');
  unwildcardMembers(wc, 'skb_priority', 'pkt_mark', 'ct_state', 'ct_zone', 'ct_mark', 'ct_label', 'recirc_id', 'dp_hash', 'in_port', 'packet_type');
  let dlType = f[M.dl_type];
  if (f[M.packet_type] === 0n) {
    unwildcardMembers(wc, 'dl_dst', 'dl_src', 'dl_type', 'vlan_tci0');
    if (f[M.vlan_tci0] !== 0n) unwildcardMembers(wc, 'vlan_tci1');
  } else dlType = f[M.packet_type] & 0xffffn;

  if (dlType === ETH_TYPE.IP) {
    unwildcardMembers(wc, 'nw_src', 'nw_dst', 'ct_nw_src', 'ct_nw_dst');
  } else if (dlType === ETH_TYPE.IPV6) {
    unwildcardMembers(wc, 'ipv6_src', 'ipv6_dst', 'ipv6_label');
    if (isNd(f)) unwildcardMembers(wc, 'arp_sha', 'arp_tha', 'nd_target');
    else unwildcardMembers(wc, 'ct_ipv6_src', 'ct_ipv6_dst');
  } else if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    unwildcardMembers(wc, 'nw_src', 'nw_dst', 'nw_proto', 'arp_sha', 'arp_tha');
    return wc;
  } else if (dlType === ETH_TYPE.MPLS || dlType === ETH_TYPE.MPLS_MCAST) {
    for (let i = 0; i < 3; i++) {
      unwildcardMembers(wc, `mpls_lse${i}`);
      if (f[M.mpls_lse0 + i] & 0x100n) break;
    }
    return wc;
  } else if (f[M.dl_type] === ETH_TYPE.NSH) {
    // OVS looks at the member here, which a flow given as packet_type=(1,0x894f) leaves 0.
    unwildcardMembers(wc, ...NSH_MEMBER_NAMES);
  } else {
    return wc;
  }
  wc[M.nw_frag] = 3n;
  unwildcardMembers(wc, 'nw_tos', 'nw_ttl', 'nw_proto', 'ct_nw_proto', 'ct_tp_src', 'ct_tp_dst');
  const p = f[M.nw_proto];
  if (!(f[M.nw_frag] & FLOW_NW_FRAG_LATER) && ([IPPROTO.ICMP, IPPROTO.ICMPV6, IPPROTO.TCP, IPPROTO.UDP, IPPROTO.SCTP, IPPROTO.IGMP] as bigint[]).includes(p)) {
    unwildcardMembers(wc, 'tp_src', 'tp_dst');
    if (p === IPPROTO.TCP) unwildcardMembers(wc, 'tcp_flags');
    else if (p === IPPROTO.IGMP) unwildcardMembers(wc, 'igmp_group_ip4');
  }
  return wc;
}

/** is_ct_valid for a packet: some state bit implies a conntrack entry. */
function ctValid(f: Flow): boolean {
  return (f[M.ct_state] & 0xcfn) !== 0n;
}

export function formatFlow(f: Flow, ports?: PortNames): string {
  return formatMatch({ flow: f, wc: flowFormatMask(f) }, undefined, ports);
}

/** flow_format's mask: the fields the packet has, minus metadata that is zero. */
export function flowFormatMask(f: Flow): Flow {
  const wc = wildcardsForPacket(f);
  for (let i = 0; i < 16; i++) wc[M.reg0 + i] = f[M.reg0 + i] ? allOnes(32) : 0n;
  wc[M.metadata] = f[M.metadata] ? allOnes(64) : 0n;
  for (const n of ['in_port', 'skb_priority', 'pkt_mark', 'recirc_id', 'dp_hash', 'ct_state', 'ct_zone', 'ct_mark', 'ct_label']) {
    if (!f[M[n]]) wc[M[n]] = 0n;
  }
  if (!ctValid(f) || !f[M.ct_nw_proto]) {
    // By the flow's own dl_type: an L3 flow given as packet_type=(1,0x800) has none, and keeps ct_nw_src.
    const addrs = f[M.dl_type] === ETH_TYPE.IP ? ['ct_nw_src', 'ct_nw_dst'] : f[M.dl_type] === ETH_TYPE.IPV6 ? ['ct_ipv6_src', 'ct_ipv6_dst'] : [];
    for (const n of ['ct_nw_proto', 'ct_tp_src', 'ct_tp_dst', ...addrs]) wc[M[n]] = 0n;
  }
  return wc;
}
