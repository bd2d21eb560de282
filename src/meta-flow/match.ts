// A match: flow values plus a wildcard mask (OVS's struct match), and its
// text form as OVS's match_format prints it (dump-flows, Megaflow:, Flow:).
import { M, PT_ETH, OFPHTN_ETHERTYPE, MPLS_LSE_MEMBERS, isMplsEthType, newFlow, allOnes, ETH_TYPE, IPPROTO, VLAN_CFI, VLAN_VID_MASK, VLAN_PCP_MASK, FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_LATER, type Flow } from './flow.js';
import { formatMac, formatIpv4, formatIpv6, cidrBits } from './values.js';
import { formatPort, type PortNames } from '../ofp/ports.js';
import type { Field } from './field.js';

export interface Match {
  flow: Flow;
  wc: Flow;
}

export function newMatch(): Match {
  return { flow: newFlow(), wc: newFlow() };
}

/**
 * match_set_default_packet_type: OpenFlow matches apply to Ethernet packets
 * unless they say otherwise, so a protocol keyword or a data field makes a
 * match on packet_type (0,0) (PT_ETH) where none was given...
 */
export function setDefaultPacketType(match: Match): void {
  if (match.wc[M.packet_type]) return;
  match.flow[M.packet_type] = PT_ETH;
  match.wc[M.packet_type] = allOnes(32);
}

/** ... which match_add_ethernet_prereq does for a field with prerequisites (not for metadata: in_port, regs, ...). */
export function addEthernetPrereq(match: Match, field: Field): void {
  if (field.prereq !== 'none') setDefaultPacketType(match);
}

/** ofputil_normalize_match__'s MAY_* classes, as bits, and the members each lets a match hold. */
const MAY = { ether: 1, nwAddr: 2, tpAddr: 4, nwProto: 8, ipVx: 16, arpSha: 32, arpTha: 64, ipv6: 128, ndTarget: 256, mpls: 512 } as const;
const MAY_MEMBERS: readonly [bit: number, members: readonly number[]][] = [
  [MAY.ether, [M.dl_src, M.dl_dst]],
  [MAY.nwAddr, [M.nw_src, M.nw_dst]],
  [MAY.tpAddr, [M.tp_src, M.tp_dst]],
  [MAY.nwProto, [M.nw_proto]],
  [MAY.ipVx, [M.nw_tos, M.nw_ttl]],
  [MAY.arpSha, [M.arp_sha]],
  [MAY.arpTha, [M.arp_tha]],
  [MAY.ipv6, [M.ipv6_src, M.ipv6_dst, M.ipv6_label]],
  [MAY.ndTarget, [M.nd_target]],
  [MAY.mpls, MPLS_LSE_MEMBERS],
];

const ND_NEIGHBOR_SOLICIT = 135n, ND_NEIGHBOR_ADVERT = 136n;

/** The classes a match may hold, by its packet type, Ethertype, IP protocol and (for ND) ICMPv6 type. */
function mayMatch({ flow, wc }: Match): number {
  let may = 0, dlType = 0n;
  if (wc[M.packet_type] === 0n || (flow[M.packet_type] === PT_ETH && wc[M.packet_type] === allOnes(32))) {
    may |= MAY.ether;
    dlType = flow[M.dl_type];
  } else if (wc[M.packet_type] === allOnes(32) && flow[M.packet_type] >> 16n === OFPHTN_ETHERTYPE) {
    dlType = flow[M.packet_type] & 0xffffn;
  }
  const proto = flow[M.nw_proto];
  if (dlType === ETH_TYPE.IP) {
    may |= MAY.nwProto | MAY.ipVx | MAY.nwAddr;
    if (proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP || proto === IPPROTO.ICMP) may |= MAY.tpAddr;
  } else if (dlType === ETH_TYPE.IPV6) {
    may |= MAY.nwProto | MAY.ipVx | MAY.ipv6;
    if (proto === IPPROTO.TCP || proto === IPPROTO.UDP || proto === IPPROTO.SCTP) may |= MAY.tpAddr;
    else if (proto === IPPROTO.ICMPV6) {
      may |= MAY.tpAddr;
      if (flow[M.tp_src] === ND_NEIGHBOR_SOLICIT) may |= MAY.ndTarget | MAY.arpSha;
      else if (flow[M.tp_src] === ND_NEIGHBOR_ADVERT) may |= MAY.ndTarget | MAY.arpTha;
    }
  } else if (dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP) {
    may |= MAY.nwProto | MAY.nwAddr | MAY.arpSha | MAY.arpTha;
  } else if (isMplsEthType(dlType)) {
    may |= MAY.mpls;
  }
  return may;
}

/**
 * ofputil_normalize_match, which ovs-ofctl applies to the flows it adds: a
 * member whose prerequisites the match lacks (`tp_dst=80` without `tcp`)
 * is dropped from it. Returns the members dropped: none for a match OVS
 * printed, which it normalized when the flow was added.
 */
export function normalizeMatch(match: Match): number[] {
  const may = mayMatch(match);
  const dropped: number[] = [];
  for (const [bit, members] of MAY_MEMBERS) {
    if (may & bit) continue;
    for (const m of members) {
      if (!match.wc[m]) continue;
      dropped.push(m);
      match.wc[m] = match.flow[m] = 0n;
    }
  }
  return dropped;
}

export const OFP_DEFAULT_PRIORITY = 0x8000;

export const CT_STATE_NAMES = ['new', 'est', 'rel', 'rpl', 'inv', 'trk', 'snat', 'dnat'];
export const TCP_FLAG_NAMES = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr', 'ns', '[200]', '[400]', '[800]'];
/** flow_tun_flag_to_string, by FLOW_TNL_F_* bit. */
export const TUN_FLAG_NAMES = ['oam', 'df', 'csum', 'key'];

/** The name of a flag bit: names are by bit number. */
function bitName(names: readonly string[], bit: number): string | undefined {
  return names[Math.log2(bit)];
}

/** format_flags: names joined by `del`, unknown bits as one hex number. */
export function formatFlags(names: readonly string[], flags: number, del: string): string {
  if (!flags) return '0';
  const out: string[] = [];
  let bad = 0;
  for (let bit = 1; flags; bit <<= 1) {
    if (!(flags & bit)) continue;
    const s = bitName(names, bit);
    if (s) out.push(s); else bad |= bit;
    flags &= ~bit;
  }
  if (bad) out.push('0x' + bad.toString(16));
  return out.join(del);
}

/** format_flags_masked: `+trk-new` style when partially masked. */
export function formatFlagsMasked(names: readonly string[], flags: number, mask: number, maxMask: number): string {
  if (mask === maxMask) return formatFlags(names, flags, '|');
  if (!mask) return '0/0';
  let s = '';
  for (let bit = 1; mask; bit <<= 1) {
    if (!(mask & bit)) continue;
    s += ((flags & bit) ? '+' : '-') + (bitName(names, bit) ?? '[Unknown]');
    mask &= ~bit;
  }
  return s;
}

const hex = (v: bigint) => '0x' + v.toString(16);

class Out {
  parts: string[] = [];
  put(s: string) { this.parts.push(s); }
  /** format_eth_masked / ip / ipv6 / integers: name=value[/mask], only when masked. */
  eth(name: string, v: bigint, m: bigint) {
    if (!m) return;
    this.put(`${name}=${formatMac(v)}${m === allOnes(48) ? '' : '/' + formatMac(m)}`);
  }
  ip(name: string, v: bigint, m: bigint) {
    this.addr(name, v, m, 32, formatIpv4);
  }
  ipv6(name: string, v: bigint, m: bigint) {
    this.addr(name, v, m, 128, formatIpv6);
  }
  /** ip_format_masked / ipv6_format_masked: a prefix length when the mask is CIDR. */
  private addr(name: string, v: bigint, m: bigint, width: number, fmt: (x: bigint) => string) {
    if (!m) return;
    let s = fmt(v);
    if (m !== allOnes(width)) {
      const bits = cidrBits(m, width);
      s += bits >= 0 ? `/${bits}` : `/${fmt(m)}`;
    }
    this.put(`${name}=${s}`);
  }
  /** format_be16_masked / format_be32_masked: decimal when exact, hex/hex otherwise. */
  dec(name: string, v: bigint, m: bigint, bits: number, maskedHexWidth = 0) {
    if (!m) return;
    if (m === allOnes(bits)) this.put(`${name}=${v}`);
    else this.put(`${name}=0x${v.toString(16).padStart(maskedHexWidth, '0')}/0x${m.toString(16).padStart(maskedHexWidth, '0')}`);
  }
  /** format_uint32_masked / be64: `%#x` value, mask only when partial. */
  hex(name: string, v: bigint, m: bigint, bits: number) {
    if (!m) return;
    const alt = (x: bigint) => (x === 0n ? '0' : hex(x));
    this.put(`${name}=${alt(v)}${m === allOnes(bits) ? '' : '/' + alt(m)}`);
  }
}

/** ds_put_hex of a 128-bit value. */
function hex128(v: bigint): string {
  return v === 0n ? '0' : hex(v);
}

/** OVS's match_format. `priority` undefined or OFP_DEFAULT_PRIORITY prints no priority. */
export function formatMatch(match: Match, priority?: number, ports?: PortNames): string {
  const f = match.flow, w = match.wc;
  const o = new Out();
  let skipType = false, skipProto = false;
  let dlType = f[M.dl_type];
  let isMegaflow = false;

  if (priority !== undefined && priority !== OFP_DEFAULT_PRIORITY) o.put(`priority=${priority}`);
  o.hex('pkt_mark', f[M.pkt_mark], w[M.pkt_mark], 32);
  if (w[M.recirc_id]) { o.hex('recirc_id', f[M.recirc_id], w[M.recirc_id], 32); isMegaflow = true; }
  if (w[M.dp_hash]) o.hex('dp_hash', f[M.dp_hash], w[M.dp_hash], 32);
  if (w[M.conj_id]) o.put(`conj_id=${f[M.conj_id]}`);
  if (w[M.skb_priority]) o.put(`skb_priority=${f[M.skb_priority] === 0n ? '0' : hex(f[M.skb_priority])}`);
  if (w[M.actset_output]) o.put(`actset_output=${formatPort(Number(f[M.actset_output]), ports)}`);
  if (w[M.ct_state]) {
    const m = Number(w[M.ct_state]);
    o.put('ct_state=' + (m === 0xff ? formatFlags(CT_STATE_NAMES, Number(f[M.ct_state]), '|')
      : formatFlagsMasked(CT_STATE_NAMES, Number(f[M.ct_state]), m, 0xff)));
  }
  if (w[M.ct_zone]) o.dec('ct_zone', f[M.ct_zone], w[M.ct_zone], 16);
  if (w[M.ct_mark]) o.hex('ct_mark', f[M.ct_mark], w[M.ct_mark], 32);
  if (w[M.ct_label]) o.put(`ct_label=${hex128(f[M.ct_label])}${w[M.ct_label] === allOnes(128) ? '' : '/' + hex128(w[M.ct_label])}`);
  o.ip('ct_nw_src', f[M.ct_nw_src], w[M.ct_nw_src]);
  o.ipv6('ct_ipv6_src', f[M.ct_ipv6_src], w[M.ct_ipv6_src]);
  o.ip('ct_nw_dst', f[M.ct_nw_dst], w[M.ct_nw_dst]);
  o.ipv6('ct_ipv6_dst', f[M.ct_ipv6_dst], w[M.ct_ipv6_dst]);
  if (w[M.ct_nw_proto]) {
    o.put(`ct_nw_proto=${f[M.ct_nw_proto]}`);
    o.dec('ct_tp_src', f[M.ct_tp_src], w[M.ct_tp_src], 16);
    o.dec('ct_tp_dst', f[M.ct_tp_dst], w[M.ct_tp_dst], 16);
  }
  if (w[M.packet_type] && (!(f[M.packet_type] === 0n && w[M.packet_type] === allOnes(32)) || isMegaflow)) {
    o.put(formatPacketType(f[M.packet_type], w[M.packet_type]));
    if (f[M.packet_type] >> 16n === 1n) dlType = f[M.packet_type] & 0xffffn;
  }
  if (w[M.dl_type]) {
    skipType = true;
    const proto = f[M.nw_proto];
    if (dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6) {
      const v6 = dlType === ETH_TYPE.IPV6;
      const names: [bigint, string][] = [[v6 ? IPPROTO.ICMPV6 : IPPROTO.ICMP, v6 ? 'icmp6' : 'icmp'], [IPPROTO.TCP, 'tcp'], [IPPROTO.UDP, 'udp'], [IPPROTO.SCTP, 'sctp']];
      const hit = w[M.nw_proto] ? names.find(([p]) => p === proto) : undefined;
      if (hit) {
        skipProto = true;
        o.put(v6 && hit[1] !== 'icmp6' ? hit[1] + '6' : hit[1]);
      } else o.put(v6 ? 'ipv6' : 'ip');
    } else if (dlType === ETH_TYPE.ARP) o.put('arp');
    else if (dlType === ETH_TYPE.RARP) o.put('rarp');
    else if (dlType === ETH_TYPE.MPLS) o.put('mpls');
    else if (dlType === ETH_TYPE.MPLS_MCAST) o.put('mplsm');
    else skipType = false;
  }
  for (let i = 0; i < 16; i++) o.hex(`reg${i}`, f[M.reg0 + i], w[M.reg0 + i], 32);
  formatTunnel(o, f, w);
  o.hex('metadata', f[M.metadata], w[M.metadata], 64);
  if (w[M.in_port]) o.put(`in_port=${formatPort(Number(f[M.in_port]), ports)}`);
  for (let i = 0; i < 2; i++) {
    const tci = f[M.vlan_tci0 + i], m = w[M.vlan_tci0 + i];
    if (!m) break;
    const sfx = i === 0 ? '' : String(i);
    const vidMask = m & VLAN_VID_MASK, pcpMask = m & VLAN_PCP_MASK, cfi = m & VLAN_CFI;
    if (cfi && (tci & VLAN_CFI) && (!vidMask || vidMask === VLAN_VID_MASK) && (!pcpMask || pcpMask === VLAN_PCP_MASK) && (vidMask || pcpMask)) {
      if (vidMask) o.put(`dl_vlan${sfx}=${tci & VLAN_VID_MASK}`);
      if (pcpMask) o.put(`dl_vlan_pcp${sfx}=${tci >> 13n}`);
    } else if (m === 0xffffn) {
      o.put(`vlan_tci${sfx}=0x${tci.toString(16).padStart(4, '0')}`);
    } else {
      o.put(`vlan_tci${sfx}=0x${tci.toString(16).padStart(4, '0')}/0x${m.toString(16).padStart(4, '0')}`);
    }
  }
  o.eth('dl_src', f[M.dl_src], w[M.dl_src]);
  o.eth('dl_dst', f[M.dl_dst], w[M.dl_dst]);
  if (!skipType && w[M.dl_type]) o.put(`dl_type=0x${dlType.toString(16).padStart(4, '0')}`);
  const isArp = dlType === ETH_TYPE.ARP || dlType === ETH_TYPE.RARP;
  if (dlType === ETH_TYPE.IPV6) {
    o.ipv6('ipv6_src', f[M.ipv6_src], w[M.ipv6_src]);
    o.ipv6('ipv6_dst', f[M.ipv6_dst], w[M.ipv6_dst]);
    if (w[M.ipv6_label]) {
      const p5 = (x: bigint) => '0x' + x.toString(16).padStart(5, '0');
      o.put(`ipv6_label=${p5(f[M.ipv6_label])}${w[M.ipv6_label] === allOnes(32) ? '' : '/' + p5(w[M.ipv6_label])}`);
    }
  } else if (isArp) {
    o.ip('arp_spa', f[M.nw_src], w[M.nw_src]);
    o.ip('arp_tpa', f[M.nw_dst], w[M.nw_dst]);
  } else if (dlType === ETH_TYPE.NSH) {
    formatNsh(o, f, w);
  } else {
    o.ip('nw_src', f[M.nw_src], w[M.nw_src]);
    o.ip('nw_dst', f[M.nw_dst], w[M.nw_dst]);
  }
  if (!skipProto && w[M.nw_proto]) o.put(`${isArp ? 'arp_op' : 'nw_proto'}=${f[M.nw_proto]}`);
  if (isArp) {
    o.eth('arp_sha', f[M.arp_sha], w[M.arp_sha]);
    o.eth('arp_tha', f[M.arp_tha], w[M.arp_tha]);
  }
  if (w[M.nw_tos] & 0xfcn) o.put(`nw_tos=${f[M.nw_tos] & 0xfcn}`);
  if (w[M.nw_tos] & 0x03n) o.put(`nw_ecn=${f[M.nw_tos] & 0x03n}`);
  if (w[M.nw_ttl]) o.put(`nw_ttl=${f[M.nw_ttl]}`);
  const lse = f[M.mpls_lse0], lseM = w[M.mpls_lse0];
  if (lseM & 0xfffff000n) o.put(`mpls_label=${lse >> 12n}`);
  if (lseM & 0xe00n) o.put(`mpls_tc=${(lse >> 9n) & 7n}`);
  if (lseM & 0xffn) o.put(`mpls_ttl=${lse & 0xffn}`);
  if (lseM & 0x100n) o.put(`mpls_bos=${(lse >> 8n) & 1n}`);
  o.dec('mpls_lse1', f[M.mpls_lse1], w[M.mpls_lse1], 32, 8);
  o.dec('mpls_lse2', f[M.mpls_lse2], w[M.mpls_lse2], 32, 8);
  const frag = f[M.nw_frag], fragM = w[M.nw_frag] & 3n;
  if (fragM === 3n) {
    o.put('nw_frag=' + (frag & FLOW_NW_FRAG_ANY ? (frag & FLOW_NW_FRAG_LATER ? 'later' : 'first') : (frag & FLOW_NW_FRAG_LATER ? '<error>' : 'no')));
  } else if (fragM === FLOW_NW_FRAG_ANY) {
    o.put('nw_frag=' + (frag & FLOW_NW_FRAG_ANY ? 'yes' : 'no'));
  } else if (fragM === FLOW_NW_FRAG_LATER) {
    o.put('nw_frag=' + (frag & FLOW_NW_FRAG_LATER ? 'later' : 'not_later'));
  }
  const proto = f[M.nw_proto];
  if (dlType === ETH_TYPE.IP && proto === IPPROTO.ICMP) {
    o.dec('icmp_type', f[M.tp_src], w[M.tp_src], 16);
    o.dec('icmp_code', f[M.tp_dst], w[M.tp_dst], 16);
  } else if (dlType === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6) {
    o.dec('icmp_type', f[M.tp_src], w[M.tp_src], 16);
    o.dec('icmp_code', f[M.tp_dst], w[M.tp_dst], 16);
    o.ipv6('nd_target', f[M.nd_target], w[M.nd_target]);
    o.eth('nd_sll', f[M.arp_sha], w[M.arp_sha]);
    o.eth('nd_tll', f[M.arp_tha], w[M.arp_tha]);
    if (w[M.igmp_group_ip4]) o.dec('nd_reserved', f[M.igmp_group_ip4], w[M.igmp_group_ip4], 32, 8);
    if (w[M.tcp_flags]) o.dec('nd_options_type', f[M.tcp_flags], w[M.tcp_flags], 16);
  } else {
    o.dec('tp_src', f[M.tp_src], w[M.tp_src], 16);
    o.dec('tp_dst', f[M.tp_dst], w[M.tp_dst], 16);
  }
  if ((dlType === ETH_TYPE.IP || dlType === ETH_TYPE.IPV6) && proto === IPPROTO.TCP && w[M.tcp_flags]) {
    o.put('tcp_flags=' + formatFlagsMasked(TCP_FLAG_NAMES, Number(f[M.tcp_flags] & 0xfffn), Number(w[M.tcp_flags] & 0xfffn), 0xfff));
  }
  return o.parts.join(',');
}

function formatTunnel(o: Out, f: Flow, w: Flow): void {
  o.hex('tun_id', f[M.tun_id], w[M.tun_id], 64);
  o.ip('tun_src', f[M.tun_ip_src], w[M.tun_ip_src]);
  o.ip('tun_dst', f[M.tun_ip_dst], w[M.tun_ip_dst]);
  o.ipv6('tun_ipv6_src', f[M.tun_ipv6_src], w[M.tun_ipv6_src]);
  o.ipv6('tun_ipv6_dst', f[M.tun_ipv6_dst], w[M.tun_ipv6_dst]);
  if (w[M.tun_gbp_id]) o.dec('tun_gbp_id', f[M.tun_gbp_id], w[M.tun_gbp_id], 16);
  if (w[M.tun_gbp_flags]) o.put(`tun_gbp_flags=${f[M.tun_gbp_flags] ? hex(f[M.tun_gbp_flags]) : '0'}`);
  if (w[M.tun_tos]) o.put(`tun_tos=${f[M.tun_tos].toString(16)}`);
  if (w[M.tun_ttl]) o.put(`tun_ttl=${f[M.tun_ttl]}`);
  if (w[M.tun_erspan_ver]) o.put(`tun_erspan_ver=${f[M.tun_erspan_ver]}`);
  if (w[M.tun_erspan_idx] && f[M.tun_erspan_ver] === 1n) o.put(`tun_erspan_idx=${f[M.tun_erspan_idx] ? hex(f[M.tun_erspan_idx]) : '0'}`);
  if (w[M.tun_erspan_dir] && f[M.tun_erspan_ver] === 2n) o.put(`tun_erspan_dir=${f[M.tun_erspan_dir]}`);
  if (w[M.tun_erspan_hwid] && f[M.tun_erspan_ver] === 2n) o.put(`tun_erspan_hwid=${f[M.tun_erspan_hwid] ? hex(f[M.tun_erspan_hwid]) : '0'}`);
  if (w[M.tun_gtpu_flags]) o.put(`gtpu_flags=${f[M.tun_gtpu_flags] ? hex(f[M.tun_gtpu_flags]) : '0'}`);
  if (w[M.tun_gtpu_msgtype]) o.put(`gtpu_msgtype=${f[M.tun_gtpu_msgtype]}`);
  const tf = Number(w[M.tun_flags] & 0xfn);
  if (tf) o.put('tun_flags=' + formatFlagsMasked(TUN_FLAG_NAMES, Number(f[M.tun_flags] & 0xfn), tf, 0xf));
  // tun_metadata_match_format: the options whose presence is matched; NP when the match wants one absent.
  for (let i = 0; w[M.tun_metadata_present] && i < 64; i++) {
    if (!((w[M.tun_metadata_present] >> BigInt(i)) & 1n)) continue;
    const m = w[M.tun_metadata0 + i];
    if (!((f[M.tun_metadata_present] >> BigInt(i)) & 1n)) o.put(`tun_metadata${i}=NP`);
    else if (!m) o.put(`tun_metadata${i}`);
    else o.put(`tun_metadata${i}=${hex128(f[M.tun_metadata0 + i])}${m === allOnes(992) ? '' : '/' + hex128(m)}`);
  }
}

function formatNsh(o: Out, f: Flow, w: Flow): void {
  const u8 = (name: string, v: bigint, m: bigint) => {
    if (!m) return;
    o.put(m === 0xffn ? `${name}=${v}` : `${name}=0x${v.toString(16).padStart(2, '0')}/0x${m.toString(16).padStart(2, '0')}`);
  };
  const hex32 = (name: string, v: bigint, m: bigint) => {
    if (!m) return;
    o.put(m === allOnes(32) ? `${name}=${hex(v)}` : `${name}=${hex(v)}/${hex(m)}`);
  };
  u8('nsh_flags', f[M.nsh_flags], w[M.nsh_flags]);
  u8('nsh_ttl', f[M.nsh_ttl], w[M.nsh_ttl]);
  u8('nsh_mdtype', f[M.nsh_mdtype], w[M.nsh_mdtype]);
  u8('nsh_np', f[M.nsh_np], w[M.nsh_np]);
  hex32('nsh_spi', f[M.nsh_spi], w[M.nsh_spi] === allOnes(24) ? allOnes(32) : w[M.nsh_spi]);
  u8('nsh_si', f[M.nsh_si], w[M.nsh_si]);
  if (w[M.nsh_mdtype] === 0xffn && f[M.nsh_mdtype] === 1n) {
    for (let i = 1; i <= 4; i++) hex32(`nsh_c${i}`, f[M[`nsh_c${i}`]], w[M[`nsh_c${i}`]]);
  }
}

function formatPacketType(v: bigint, m: bigint): string {
  if (v === 0n && m === allOnes(32)) return 'eth';
  const part = (x: bigint, xm: bigint) => (!xm ? '*' : (x > 9n ? hex(x) : String(x)) + (xm !== 0xffffn ? `/${hex(xm)}` : ''));
  return `packet_type=(${part(v >> 16n, m >> 16n)},${part(v & 0xffffn, m & 0xffffn)})`;
}
