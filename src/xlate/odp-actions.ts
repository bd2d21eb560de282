// Datapath (ODP) actions and their text form, as OVS 3.1's format_odp_actions()
// prints them after "Datapath actions: ". Port numbers are datapath ports.
import { M, type Flow } from '../meta-flow/flow.js';
import { formatHex, formatIpv4, formatIpv6, formatMac } from '../meta-flow/values.js';
import { formatFlags, TUN_FLAG_NAMES } from '../meta-flow/match.js';

// ---------------------------------------------------------------------------
// Set-able key attributes. Each is a list of fields in ovs_key_* struct order;
// the same table drives commit (reading/writing a Flow) and printing.

type Fmt = 'mac' | 'ipv4' | 'ipv6' | 'label' | 'u8u' | 'u8x' | 'be16' | 'frag' | 'be32always' | 'u32attr' | 'mpls';

export interface KeyField {
  /** Print name inside the attribute, e.g. "src". */
  name: string;
  /** Width of the field in the ODP key struct. */
  bits: number;
  fmt: Fmt;
  /** Mask bits that must be set for the field to count as exact (odp_mask_is_exact). */
  exact?: bigint;
  /** The ODP value from a Flow (or a mask from a wildcards Flow when isMask). */
  get(f: Flow, isMask: boolean): bigint;
  /** Writes an ODP value (or mask) back into a Flow, as OVS's put_*_key does. */
  put(f: Flow, v: bigint, isMask: boolean): void;
}

export interface KeyAttr {
  fields: KeyField[];
  /** A key struct with padding can never be exact (e.g. nd_ext). */
  neverExact?: boolean;
}

const ones = (bits: number) => (1n << BigInt(bits)) - 1n;

/** A field stored whole in one Flow member. */
function whole(name: string, member: string, bits: number, fmt: Fmt, exact?: bigint): KeyField {
  const m = M[member];
  return { name, bits, fmt, exact, get: (f) => f[m], put: (f, v) => { f[m] = v; } };
}

/** An 8-bit ODP field kept in a 16-bit member (icmp type/code, nd options type). */
function low8(name: string, member: string): KeyField {
  const m = M[member];
  return { name, bits: 8, fmt: 'u8u', get: (f) => f[m] & 0xffn, put: (f, v) => { f[m] = v; } };
}

// OVS_FRAG_TYPE_{NONE,FIRST,LATER} vs. the FLOW_NW_FRAG_{ANY,LATER} bits.
const FRAG: KeyField = {
  name: 'frag', bits: 8, fmt: 'frag',
  get: (f, isMask) => {
    const v = f[M.nw_frag];
    if (isMask) return v & 1n ? 0xffn : 0n;
    return !(v & 1n) ? 0n : v & 2n ? 2n : 1n;
  },
  put: (f, v, isMask) => { f[M.nw_frag] = isMask ? (v ? 3n : 0n) : [0n, 1n, 3n][Number(v)]; },
};

const ARP_OP: KeyField = {
  name: 'op', bits: 16, fmt: 'be16',
  get: (f) => (f[M.nw_proto] === 0xffn ? 0xffffn : f[M.nw_proto]),
  put: (f, v) => { f[M.nw_proto] = v & 0xffn; },
};

const TP = [whole('src', 'tp_src', 16, 'be16'), whole('dst', 'tp_dst', 16, 'be16')];
const ICMP = [low8('type', 'tp_src'), low8('code', 'tp_dst')];

export const KEY_ATTRS = {
  skb_priority: { fields: [whole('', 'skb_priority', 32, 'u32attr')] },
  skb_mark: { fields: [whole('', 'pkt_mark', 32, 'u32attr')] },
  eth: { fields: [whole('src', 'dl_src', 48, 'mac'), whole('dst', 'dl_dst', 48, 'mac')] },
  mpls: { fields: [whole('', 'mpls_lse0', 32, 'mpls')] },
  ipv4: {
    fields: [
      whole('src', 'nw_src', 32, 'ipv4'), whole('dst', 'nw_dst', 32, 'ipv4'),
      whole('proto', 'nw_proto', 8, 'u8u'), whole('tos', 'nw_tos', 8, 'u8x'),
      whole('ttl', 'nw_ttl', 8, 'u8u'), FRAG,
    ],
  },
  ipv6: {
    fields: [
      whole('src', 'ipv6_src', 128, 'ipv6'), whole('dst', 'ipv6_dst', 128, 'ipv6'),
      whole('label', 'ipv6_label', 32, 'label', 0xfffffn),
      whole('proto', 'nw_proto', 8, 'u8u'), whole('tclass', 'nw_tos', 8, 'u8x'),
      whole('hlimit', 'nw_ttl', 8, 'u8u'), FRAG,
    ],
  },
  tcp: { fields: TP },
  udp: { fields: TP },
  sctp: { fields: TP },
  icmp: { fields: ICMP },
  icmpv6: { fields: ICMP },
  arp: {
    fields: [
      whole('sip', 'nw_src', 32, 'ipv4'), whole('tip', 'nw_dst', 32, 'ipv4'), ARP_OP,
      whole('sha', 'arp_sha', 48, 'mac'), whole('tha', 'arp_tha', 48, 'mac'),
    ],
  },
  nd: {
    fields: [whole('target', 'nd_target', 128, 'ipv6'), whole('sll', 'arp_sha', 48, 'mac'), whole('tll', 'arp_tha', 48, 'mac')],
  },
  nd_ext: {
    fields: [whole('nd_reserved', 'igmp_group_ip4', 32, 'be32always'), low8('nd_options_type', 'tcp_flags')],
    neverExact: true,
  },
} satisfies Record<string, KeyAttr>;

export type SetAttr = keyof typeof KEY_ATTRS;

/**
 * The NSH key (struct ovs_key_nsh) as set(nsh(...)) prints it: name, Flow
 * member, width. Its own action since OVS commits and prints it apart
 * (commit_set_nsh_action, format_odp_set_nsh).
 */
export const NSH_KEY: readonly (readonly [name: string, member: number, bits: number])[] = [
  ['flags', M.nsh_flags, 8], ['ttl', M.nsh_ttl, 8], ['mdtype', M.nsh_mdtype, 8], ['np', M.nsh_np, 8],
  ['spi', M.nsh_spi, 24], ['si', M.nsh_si, 8],
  ['c1', M.nsh_c1, 32], ['c2', M.nsh_c2, 32], ['c3', M.nsh_c3, 32], ['c4', M.nsh_c4, 32],
];

/** format_nsh_key_mask: unmasked fields are left out; bytes print in decimal when exact, wider fields in hex. */
function formatNshKeyMask(key: readonly bigint[], mask: readonly bigint[]): string {
  const parts: string[] = [];
  NSH_KEY.forEach(([name, , bits], i) => {
    const v = key[i], m = mask[i];
    if (!m) return;
    if (bits === 8) parts.push(m === 0xffn ? `${name}=${v}` : `${name}=0x${hex2(v)}/0x${hex2(m)}`);
    else parts.push(`${name}=0x${v.toString(16)}${m === ones(bits) ? '' : `/0x${m.toString(16).padStart(8, '0')}`}`);
  });
  return parts.join(',');
}

const hex2 = (v: bigint) => v.toString(16).padStart(2, '0');

/** Field values by print name ("" for single-valued attributes: skb_priority, skb_mark, mpls). */
export type KeyValues = Record<string, bigint>;

/** odp_mask_is_exact(): every field fully masked. */
export function maskIsExact(attr: SetAttr, mask: KeyValues): boolean {
  const a: KeyAttr = KEY_ATTRS[attr];
  if (a.neverExact) return false;
  return a.fields.every((f) => ((mask[f.name] ?? 0n) & (f.exact ?? ones(f.bits))) === (f.exact ?? ones(f.bits)));
}

// ---------------------------------------------------------------------------
// Tunnel key (set(tunnel(...))): the members of struct flow_tnl that
// tun_key_to_attr() emits.

export const TNL_F = { OAM: 1, DONT_FRAGMENT: 2, CSUM: 4, KEY: 8 } as const;

export interface TunnelKey {
  tunId: bigint;
  ipSrc: bigint;
  ipDst: bigint;
  ipv6Src: bigint;
  ipv6Dst: bigint;
  tos: number;
  ttl: number;
  tpSrc: number;
  tpDst: number;
  /** FLOW_TNL_F_* bits. */
  flags: number;
  gbpId: number;
  gbpFlags: number;
  erspanVer: number;
  erspanIdx: number;
  erspanDir: number;
  erspanHwid: number;
  gtpuFlags: number;
  gtpuMsgtype: number;
}

export function tunnelKeyFromFlow(f: Flow): TunnelKey {
  const n = (m: string) => Number(f[M[m]]);
  return {
    tunId: f[M.tun_id], ipSrc: f[M.tun_ip_src], ipDst: f[M.tun_ip_dst],
    ipv6Src: f[M.tun_ipv6_src], ipv6Dst: f[M.tun_ipv6_dst],
    tos: n('tun_tos'), ttl: n('tun_ttl'), tpSrc: n('tun_tp_src'), tpDst: n('tun_tp_dst'), flags: n('tun_flags'),
    gbpId: n('tun_gbp_id'), gbpFlags: n('tun_gbp_flags'),
    erspanVer: n('tun_erspan_ver'), erspanIdx: n('tun_erspan_idx'), erspanDir: n('tun_erspan_dir'),
    erspanHwid: n('tun_erspan_hwid'), gtpuFlags: n('tun_gtpu_flags'), gtpuMsgtype: n('tun_gtpu_msgtype'),
  };
}

// ---------------------------------------------------------------------------
// Actions.

export interface OdpNat {
  kind?: 'src' | 'dst';
  /** IPv4 (family 4) or IPv6 (family 6) address range; max omitted or equal = single address. */
  family?: 4 | 6;
  ipMin?: bigint;
  ipMax?: bigint;
  protoMin?: number;
  protoMax?: number;
  persistent?: boolean;
  hash?: boolean;
  random?: boolean;
}

export type UserspaceCookie =
  | { type: 'controller'; reason: number; dontSend: boolean; continuation: boolean; recircId: number; ruleCookie: bigint; controllerId: number; maxLen: number }
  | { type: 'slow_path'; reason: number }
  | { type: 'sflow'; vlanTci: number; output: number }
  | { type: 'flow_sample'; probability: number; collectorSetId: number; obsDomainId: number; obsPointId: number; outputPort: number; direction?: 'ingress' | 'egress' }
  | { type: 'ipfix'; outputPort: number };

export type OdpAction =
  | { type: 'output'; port: number }
  | { type: 'lb_output'; bondId: number }
  | { type: 'tnl_pop'; port: number }
  /** A native tunnel's header pushed by the datapath, which then sends the packet out of outPort. */
  | { type: 'tnl_push'; tnlPort: number; header: TunnelHeader; outPort: number }
  /**
   * No mask: OVS_ACTION_ATTR_SET (printed in full). With a mask: OVS_ACTION_ATTR_SET_MASKED;
   * the key is printed as given (commit already cleared the bits outside the mask).
   */
  | { type: 'set'; attr: SetAttr; key: KeyValues; mask?: KeyValues }
  | { type: 'set_tunnel'; tunnel: TunnelKey; tnlType?: string }
  | { type: 'push_vlan'; tpid: number; tci: number }
  | { type: 'pop_vlan' }
  | { type: 'push_mpls'; lse: number; ethType: number }
  | { type: 'add_mpls'; lse: number; ethType: number }
  | { type: 'pop_mpls'; ethType: number }
  | { type: 'push_eth'; src: bigint; dst: bigint }
  | { type: 'pop_eth' }
  | { type: 'push_nsh'; flags: number; ttl: number; mdtype: number; np: number; spi: number; si: number; context: number[]; md2?: Uint8Array }
  | { type: 'pop_nsh' }
  /** OVS_ACTION_ATTR_SET_MASKED of the NSH key: values (already masked) and masks in NSH_KEY order. */
  | { type: 'set_nsh'; key: bigint[]; mask: bigint[] }
  | {
      type: 'ct'; commit?: boolean; forceCommit?: boolean; zone?: number;
      mark?: { value: number; mask: number }; label?: { value: bigint; mask: bigint };
      helper?: string; timeout?: string; nat?: OdpNat;
    }
  | { type: 'ct_clear' }
  | { type: 'recirc'; id: number }
  | { type: 'hash'; alg: 'l4' | 'sym_l4' | number; basis: number }
  | { type: 'clone'; actions: OdpAction[] }
  /** probability: the raw u32 (UINT32_MAX = always). */
  | { type: 'sample'; probability: number; actions: OdpAction[] }
  | { type: 'check_pkt_len'; size: number; gt: OdpAction[]; le: OdpAction[] }
  | { type: 'userspace'; pid: number; cookie?: UserspaceCookie; userdata?: Uint8Array; actions?: boolean; tunnelOutPort?: number }
  | { type: 'trunc'; maxLen: number }
  | { type: 'meter'; id: number }
  | { type: 'drop' };

// ---------------------------------------------------------------------------
// Printing.

/** C's "%#x": no prefix for zero. */
const hx = (v: bigint | number) => (BigInt(v) === 0n ? '0' : '0x' + v.toString(16));

function formatField(f: KeyField, v: bigint, mask: bigint | undefined, verbose: boolean): string | undefined {
  const full = ones(f.bits);
  if (f.fmt === 'be32always') return `${f.name}=0x${v.toString(16)}`; // format_be32_masked(…, OVS_BE32_MAX)
  if (!verbose && mask === 0n) return undefined;
  const partial = mask !== undefined && (f.fmt === 'label' ? (mask & 0xfffffn) !== 0xfffffn : mask !== full);
  let s: string, m: string;
  switch (f.fmt) {
    case 'mac': s = formatMac(v); m = partial ? formatMac(mask!) : ''; break;
    case 'ipv4': s = formatIpv4(v); m = partial ? formatIpv4(mask!) : ''; break;
    case 'ipv6': s = formatIpv6(v); m = partial ? formatIpv6(mask!) : ''; break;
    case 'label': s = hx(v); m = partial ? hx(mask!) : ''; break;
    case 'u8x': s = hx(v); m = partial ? hx(mask!) : ''; break;
    case 'frag':
      // An enumeration: a partial mask is an error in OVS too.
      if (partial) return `error: partial mask not supported for frag (${hx(mask!)})`;
      return `${f.name}=${['no', 'first', 'later'][Number(v)] ?? '<error>'}`;
    default: s = v.toString(); m = partial ? hx(mask!) : ''; break; // u8u, be16
  }
  return `${f.name}=${s}${m ? '/' + m : ''}`;
}

/** format_vlan_tci() with an exact mask: vid and pcp always, cfi only when clear. */
export function formatVlanTci(tci: bigint | number): string {
  const v = Number(tci);
  return `vid=${v & 0xfff},pcp=${(v >> 13) & 7}${v & 0x1000 ? '' : ',cfi=0'}`;
}

/** An MPLS label stack entry, as format_mpls_lse prints it. */
export function formatMplsLse(lse: bigint | number): string {
  const v = Number(lse) >>> 0;
  return `label=${v >>> 12},tc=${(v >> 9) & 7},ttl=${v & 0xff},bos=${(v >> 8) & 1}`;
}

/** format_odp_key_attr(): `name(fields)`; a mask means masked/terse printing, none means verbose. */
export function formatKeyAttr(attr: SetAttr, key: KeyValues, mask?: KeyValues): string {
  const a: KeyAttr = KEY_ATTRS[attr];
  const exact = mask ? maskIsExact(attr, mask) : true;
  const f0 = a.fields[0];
  let body: string;
  if (f0.fmt === 'u32attr') {
    body = hx(key['']) + (exact ? '' : '/' + hx(mask![''] ?? 0n));
  } else if (f0.fmt === 'mpls') {
    if (exact) body = formatMplsLse(key['']);
    else {
      const k = Number(key['']) >>> 0, m = Number(mask![''] ?? 0n) >>> 0;
      body = `label=${k >>> 12}/0x${(m >>> 12).toString(16)},tc=${(k >> 9) & 7}/${((m >> 9) & 7).toString(16)},` +
        `ttl=${k & 0xff}/0x${(m & 0xff).toString(16)},bos=${(k >> 8) & 1}/${((m >> 8) & 1).toString(16)}`;
    }
  } else {
    body = a.fields
      .map((f) => formatField(f, key[f.name] ?? 0n, mask ? mask[f.name] ?? 0n : undefined, !mask))
      .filter((s) => s !== undefined)
      .join(',');
  }
  return `${attr}(${body})`;
}

/** The unmasked set(tunnel(...)) that odp_put_tunnel_action() emits, printed verbosely. */
function formatTunnel(t: TunnelKey, tnlType?: string): string {
  const parts: string[] = [];
  let flags = 0;
  if (t.tunId !== 0n || t.flags & TNL_F.KEY) {
    parts.push(`tun_id=0x${t.tunId.toString(16)}`);
    flags |= TNL_F.KEY;
  }
  if (t.ipSrc) parts.push(`src=${formatIpv4(t.ipSrc)}`);
  if (t.ipDst) parts.push(`dst=${formatIpv4(t.ipDst)}`);
  if (t.ipv6Src) parts.push(`ipv6_src=${formatIpv6(t.ipv6Src)}`);
  if (t.ipv6Dst) parts.push(`ipv6_dst=${formatIpv6(t.ipv6Dst)}`);
  if (t.tos) parts.push(`tos=${hx(t.tos)}`);
  parts.push(`ttl=${t.ttl}`);
  flags |= t.flags & (TNL_F.DONT_FRAGMENT | TNL_F.CSUM | TNL_F.OAM);
  if (t.tpSrc) parts.push(`tp_src=${t.tpSrc}`);
  if (t.tpDst) parts.push(`tp_dst=${t.tpDst}`);
  const is = (ty: string) => !tnlType || tnlType === ty;
  if (is('vxlan') && (t.gbpFlags || t.gbpId)) parts.push(`vxlan(gbp(id=${t.gbpId},flags=${hx(t.gbpFlags)}))`);
  if ((is('erspan') || tnlType === 'ip6erspan') && (t.erspanVer === 1 || t.erspanVer === 2)) {
    parts.push(t.erspanVer === 1
      ? `erspan(ver=1,idx=${hx(t.erspanIdx)})`
      : `erspan(ver=2,dir=${t.erspanDir},hwid=${hx(t.erspanHwid)})`);
  }
  if (is('gtpu') && t.gtpuFlags && t.gtpuMsgtype) parts.push(`gtpu(flags=${hx(t.gtpuFlags)},msgtype=${t.gtpuMsgtype})`);
  parts.push(`flags(${formatFlags(TUN_FLAG_NAMES, flags, '|')})`);
  return `set(tunnel(${parts.join(',')}))`;
}

function formatNat(n: OdpNat): string {
  if (!n.kind) return 'nat';
  let s = `nat(${n.kind}`;
  if (n.ipMin !== undefined) {
    const v6 = n.family === 6;
    const bracket = v6 && !!n.protoMin;
    const ip = (a: bigint) => (v6 ? (bracket ? `[${formatIpv6(a)}]` : formatIpv6(a)) : formatIpv4(a));
    s += '=' + ip(n.ipMin);
    if (n.ipMax !== undefined && n.ipMax !== 0n && n.ipMax !== n.ipMin) s += '-' + ip(n.ipMax);
    if (n.protoMin) {
      s += `:${n.protoMin}`;
      if (n.protoMax && n.protoMax !== n.protoMin) s += `-${n.protoMax}`;
    }
  }
  if (n.persistent) s += ',persistent';
  if (n.hash) s += ',hash';
  if (n.random) s += ',random';
  return s + ')';
}

function formatCt(a: Extract<OdpAction, { type: 'ct' }>): string {
  const p: string[] = [];
  if (a.commit) p.push('commit');
  if (a.forceCommit) p.push('force_commit');
  if (a.zone) p.push(`zone=${a.zone}`);
  if (a.mark) p.push(`mark=${hx(a.mark.value >>> 0)}/${hx(a.mark.mask >>> 0)}`);
  if (a.label) {
    const all = (1n << 128n) - 1n;
    p.push(`label=${hx(a.label.value)}${a.label.mask === all ? '' : '/' + hx(a.label.mask)}`);
  }
  if (a.helper) p.push(`helper=${a.helper}`);
  if (a.timeout) p.push(`timeout=${a.timeout}`);
  if (a.nat) p.push(formatNat(a.nat));
  return p.length ? `ct(${p.join(',')})` : 'ct';
}

const SLOW_PATH_NAMES = ['cfm', 'bfd', 'lacp', 'stp', 'lldp', 'action', 'match'];

function formatUserspace(a: Extract<OdpAction, { type: 'userspace' }>): string {
  let s = `userspace(pid=${a.pid}`;
  const c = a.cookie;
  if (c?.type === 'controller') {
    s += `,controller(reason=${c.reason},dont_send=${+c.dontSend},continuation=${+c.continuation},recirc_id=${c.recircId},` +
      `rule_cookie=${hx(c.ruleCookie)},controller_id=${c.controllerId},max_len=${c.maxLen})`;
  } else if (c?.type === 'slow_path') {
    s += `,slow_path(${formatFlags(SLOW_PATH_NAMES, c.reason, ',')})`;
  } else if (c?.type === 'sflow') {
    s += `,sFlow(vid=${c.vlanTci & 0xfff},pcp=${c.vlanTci >> 13},output=${c.output})`;
  } else if (c?.type === 'flow_sample') {
    s += `,flow_sample(probability=${c.probability},collector_set_id=${c.collectorSetId},obs_domain_id=${c.obsDomainId},` +
      `obs_point_id=${c.obsPointId},output_port=${c.outputPort}${c.direction ? ',' + c.direction : ''})`;
  } else if (c?.type === 'ipfix') {
    s += `,ipfix(output_port=${c.outputPort})`;
  } else if (a.userdata) {
    s += `,userdata(${Array.from(a.userdata, (b) => b.toString(16).padStart(2, '0')).join('')})`;
  }
  if (a.actions) s += ',actions';
  if (a.tunnelOutPort !== undefined) s += `,tunnel_out_port=${a.tunnelOutPort}`;
  return s + ')';
}

/** printf("%.1f"): round half to even on exact ties, which toFixed() would round up. */
function fixed1(x: number): string {
  const t = x * 10;
  if (Number.isInteger(t * 2) && !Number.isInteger(t)) {
    const down = Math.floor(t);
    return ((down % 2 === 0 ? down : down + 1) / 10).toFixed(1);
  }
  return x.toFixed(1);
}

export function formatOdpAction(a: OdpAction): string {
  switch (a.type) {
    case 'output': return String(a.port >>> 0);
    case 'lb_output': return `lb_output(${a.bondId})`;
    case 'tnl_pop': return `tnl_pop(${a.port})`;
    case 'tnl_push': return `tnl_push(tnl_port(${a.tnlPort}),${formatTunnelHeader(a.header)},out_port(${a.outPort}))`;
    case 'set':
      return `set(${formatKeyAttr(a.attr, a.key, a.mask)})`;
    case 'set_tunnel': return formatTunnel(a.tunnel, a.tnlType);
    case 'push_vlan': {
      const tpid = a.tpid === 0x8100 ? '' : `tpid=0x${a.tpid.toString(16).padStart(4, '0')},`;
      return `push_vlan(${tpid}${formatVlanTci(a.tci)})`;
    }
    case 'pop_vlan': return 'pop_vlan';
    case 'push_mpls': return `push_mpls(${formatMplsLse(a.lse)},eth_type=0x${a.ethType.toString(16)})`;
    case 'add_mpls': return `add_mpls(${formatMplsLse(a.lse)},eth_type=0x${a.ethType.toString(16)})`;
    case 'pop_mpls': return `pop_mpls(eth_type=0x${a.ethType.toString(16)})`;
    case 'push_eth': return `push_eth(src=${formatMac(a.src)},dst=${formatMac(a.dst)})`;
    case 'pop_eth': return 'pop_eth';
    case 'push_nsh': {
      let s = `push_nsh(flags=${a.flags},ttl=${a.ttl},mdtype=${a.mdtype},np=${a.np},spi=0x${a.spi.toString(16)},si=${a.si}`;
      if (a.mdtype === 1) s += a.context.map((c, i) => `,c${i + 1}=0x${(c >>> 0).toString(16)}`).join('');
      else if (a.mdtype === 2) s += ',md2=' + hexBytes(a.md2 ?? new Uint8Array());
      else s += ',<error: unknown mdtype>';
      return s + ')';
    }
    case 'pop_nsh': return 'pop_nsh()';
    case 'set_nsh': return `set(nsh(${formatNshKeyMask(a.key, a.mask)}))`;
    case 'ct': return formatCt(a);
    case 'ct_clear': return 'ct_clear';
    case 'recirc': return `recirc(${hx(a.id >>> 0)})`;
    case 'hash':
      return a.alg === 'l4' || a.alg === 'sym_l4'
        ? `hash(${a.alg}(${a.basis}))`
        : `hash(Unknown hash algorithm(${a.alg}))`;
    case 'clone': return `clone(${formatOdpActions(a.actions)})`;
    case 'sample':
      return `sample(sample=${fixed1((100 * a.probability) / 0xffffffff)}%,actions(${formatOdpActions(a.actions)}))`;
    case 'check_pkt_len':
      return `check_pkt_len(size=${a.size},gt(${formatOdpActions(a.gt)}),le(${formatOdpActions(a.le)}))`;
    case 'userspace': return formatUserspace(a);
    case 'trunc': return `trunc(${a.maxLen})`;
    case 'meter': return `meter(${a.id})`;
    case 'drop': return 'drop';
  }
}

/** ds_put_hex(): the bytes as one hex number without leading zero bytes. */
function hexBytes(b: Uint8Array): string {
  const i = b.findIndex((x) => x !== 0);
  if (i < 0) return '0';
  return '0x' + b[i].toString(16) + Array.from(b.subarray(i + 1), (x) => x.toString(16).padStart(2, '0')).join('');
}

/** struct ovs_action_push_tnl's header, in the parts format_odp_tnl_push_header prints. */
export interface TunnelHeader {
  /** Its length in bytes, and the tunnel's OVS_VPORT_TYPE_*. */
  size: number;
  vportType: number;
  eth: { dst: bigint; src: bigint; type: number };
  ip:
    | { v6: false; src: bigint; dst: bigint; proto: number; tos: number; ttl: number; frag: number }
    | { v6: true; src: bigint; dst: bigint; proto: number; tclass: number; hlimit: number };
  tunnel:
    | { type: 'vxlan'; udp: UdpHeader; flags: number; vni: number }
    | { type: 'geneve'; udp: UdpHeader; oam: boolean; crit: boolean; vni: number; options: GeneveOption[] }
    | { type: 'gre'; flags: number; proto: number; csum?: number; key?: number };
}

export interface UdpHeader {
  src: number;
  dst: number;
  csum: number;
}

function formatTunnelHeader(h: TunnelHeader): string {
  let s = `header(size=${h.size},type=${h.vportType},eth(dst=${formatMac(h.eth.dst)},src=${formatMac(h.eth.src)},dl_type=0x${h.eth.type.toString(16).padStart(4, '0')}),`;
  const ip = h.ip;
  s += ip.v6
    ? `ipv6(src=${formatIpv6(ip.src)},dst=${formatIpv6(ip.dst)},label=0,proto=${ip.proto},tclass=0x${ip.tclass.toString(16)},hlimit=${ip.hlimit}),`
    : `ipv4(src=${formatIpv4(ip.src)},dst=${formatIpv4(ip.dst)},proto=${ip.proto},tos=${hx(ip.tos)},ttl=${ip.ttl},frag=0x${ip.frag.toString(16)}),`;
  const t = h.tunnel;
  const udp = (u: UdpHeader) => `udp(src=${u.src},dst=${u.dst},csum=0x${u.csum.toString(16)}),`;
  switch (t.type) {
    case 'vxlan':
      s += `${udp(t.udp)}vxlan(flags=0x${t.flags.toString(16)},vni=0x${t.vni.toString(16)})`;
      break;
    case 'geneve':
      s += `${udp(t.udp)}geneve(${t.oam ? 'oam,' : ''}${t.crit ? 'crit,' : ''}vni=0x${t.vni.toString(16)}`;
      if (t.options.length) s += `,options(${formatGeneveOptions(t.options)})`;
      s += ')';
      break;
    case 'gre':
      s += `gre((flags=0x${t.flags.toString(16)},proto=0x${t.proto.toString(16)})`;
      if (t.csum !== undefined) s += `,csum=0x${t.csum.toString(16)}`;
      if (t.key !== undefined) s += `,key=0x${t.key.toString(16)}`;
      s += ')';
      break;
  }
  return s + ')';
}

/** A Geneve option (class, type, data length in bytes, data), as a tunnel key or a pushed header carries it. */
export interface GeneveOption {
  optClass: number;
  type: number;
  len: number;
  data: bigint;
}

/** format_geneve_opts (unmasked): `{class=,type=,len=[,data]}` per option, nothing between them. */
export function formatGeneveOptions(options: readonly GeneveOption[]): string {
  return options.map((o) => `{class=${hx(o.optClass)},type=${hx(o.type)},len=${o.len}${o.len ? ',' + formatHex(o.data) : ''}}`).join('');
}

/** format_odp_actions(): comma-separated; an empty list is "drop". */
export function formatOdpActions(acts: readonly OdpAction[]): string {
  return acts.length ? acts.map(formatOdpAction).join(',') : 'drop';
}
