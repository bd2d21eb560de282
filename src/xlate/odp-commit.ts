// OVS's commit_odp_actions(): turn the difference between the packet as the
// OpenFlow pipeline sees it ('flow') and as the datapath currently has it
// ('base') into set/push/pop datapath actions, then make 'base' match. While
// doing so it un-wildcards in 'wc' the bits the emitted actions depend on.
import { OvsAbortError } from '../model/errors.js';
import { ETH_TYPE, IPPROTO, M, N_MEMBERS, VLAN_CFI, MPLS_BOS_MASK, MPLS_LSE_MEMBERS as MPLS, VLAN_TCI_MEMBERS as VLANS, isMplsEthType as isMpls, OFPHTN_ETHERTYPE, PT_ETH, PT_NSH, PT_MPLS, PT_MPLS_MC, isIpAny, type Flow } from '../meta-flow/flow.js';
import { KEY_ATTRS, NSH_KEY, maskIsExact, tunnelKeyFromFlow, type KeyAttr, type KeyValues, type OdpAction, type SetAttr } from './odp-actions.js';

/** enum slow_path_reason bits (lib/odp-util.h). */
export const SLOW_ACTION = 1 << 5;

export interface CommitOptions {
  /** ctx->xbridge->support.masked_set_action; the userspace datapath has it (default true). */
  useMasked?: boolean;
  /** An encap() action is waiting to be committed (ctx->pending_encap). */
  pendingEncap?: boolean;
  /** A decap() action is waiting to be committed (ctx->pending_decap). */
  pendingDecap?: boolean;
  /** NSH MD2 metadata for a pending push_nsh (ctx->encap_data). */
  encapData?: Uint8Array;
  /**
   * VLAN TPIDs, outermost first, since a Flow keeps only the TCIs. Missing
   * entries mean 0x8100. 'base' is updated along with the base Flow.
   */
  vlanTpids?: { flow: number[]; base: number[] };
}

const ones = (bits: number) => (1n << BigInt(bits)) - 1n;

const tunnelDstIsSet = (f: Flow) => f[M.tun_ip_dst] !== 0n || f[M.tun_ipv6_dst] !== 0n;

/**
 * commit_odp_actions(): appends to 'out' what turns 'base' into 'flow', updates
 * 'base' and 'wc'. Returns slow-path reason bits (SLOW_ACTION for actions the
 * datapath cannot do itself: ARP, ICMP and ND rewrites), 0 normally. Does not
 * commit the tunnel; see commitOdpTunnelAction().
 */
export function commitOdpActions(flow: Flow, base: Flow, wc: Flow, out: OdpAction[], opts: CommitOptions = {}): number {
  const useMasked = opts.useMasked ?? true;
  commitEncapDecap(flow, base, wc, out, opts);
  if (flow[M.packet_type] === PT_ETH && base[M.packet_type] === PT_ETH) commitKey('eth', useMasked, flow, base, wc, out);
  // Make the packet non-MPLS first, or the L3/L4 commits below would do nothing.
  let mplsDone = false;
  if (isMpls(base[M.dl_type]) && !isMpls(flow[M.dl_type])) {
    commitMpls(flow, base, out, false);
    mplsDone = true;
  }
  commitNsh(flow, base, wc, out);
  const slow1 = commitNw(flow, base, wc, out, useMasked);
  commitPorts(flow, base, wc, out, useMasked);
  const slow2 = commitIcmp(flow, base, wc, out);
  if (!mplsDone) commitMpls(flow, base, out, false);
  commitVlans(flow, base, wc, out, opts.vlanTpids);
  commitKey('skb_priority', useMasked, flow, base, wc, out);
  commitKey('skb_mark', useMasked, flow, base, wc, out);
  return slow1 || slow2;
}

/**
 * commit_odp_tunnel_action(): when the flow has a tunnel destination and its
 * tunnel metadata differs from 'base', emits set(tunnel(...)) and copies the
 * tunnel into 'base'. The caller (tunnel output) fills the flow's tun_* members,
 * including the FLOW_TNL_F_{DONT_FRAGMENT,CSUM,KEY} bits of tun_flags, from the
 * port config first. 'tnlType' ("vxlan", "gre", "geneve", ...) limits which
 * option attributes are emitted. No wildcards change.
 */
export function commitOdpTunnelAction(flow: Flow, base: Flow, out: OdpAction[], tnlType?: string): void {
  if (!tunnelDstIsSet(flow)) return;
  if (TUNNEL_MEMBERS.every((m) => flow[m] === base[m])) return;
  for (const m of TUNNEL_MEMBERS) base[m] = flow[m];
  out.push({ type: 'set_tunnel', tunnel: tunnelKeyFromFlow(base), tnlType });
}

// struct flow_tnl: everything up to the first non-tunnel member.
const TUNNEL_MEMBERS = Array.from({ length: M.metadata }, (_, i) => i);

/**
 * OVS's commit(): if any field of the key differs, emit a masked set (only the
 * changed fields, with the megaflow's mask) or, when the datapath lacks masked
 * sets or the mask is exact anyway, a full set that then makes every field of
 * the key significant.
 */
function commitKey(
  attr: SetAttr, useMasked: boolean, flow: Flow, base: Flow, wc: Flow, out: OdpAction[],
  adjustMask?: (mask: KeyValues) => void,
): boolean {
  const { fields } = KEY_ATTRS[attr] as KeyAttr;
  const key: KeyValues = {}, baseKey: KeyValues = {}, orig: KeyValues = {};
  for (const f of fields) {
    key[f.name] = f.get(flow, false);
    baseKey[f.name] = f.get(base, false);
    orig[f.name] = f.get(wc, true);
  }
  const mask = { ...orig };
  adjustMask?.(mask);
  let differ = false;
  for (const f of fields) {
    if (key[f.name] === baseKey[f.name]) mask[f.name] = 0n;
    else differ = true;
  }
  if (!differ) return false;

  const exact = maskIsExact(attr, mask);
  if (useMasked && !exact) {
    const masked: KeyValues = {};
    for (const f of fields) masked[f.name] = key[f.name] & mask[f.name];
    out.push({ type: 'set', attr, key: masked, mask: { ...mask } });
  } else {
    if (!exact) for (const f of fields) mask[f.name] = ones(f.bits);
    out.push({ type: 'set', attr, key: { ...key } });
  }
  for (const f of fields) f.put(base, key[f.name], false);
  for (const f of fields) f.put(wc, mask[f.name] | orig[f.name], true);
  return true;
}

/**
 * commit_set_nsh_action: a masked set of the NSH header (mdtype and np are
 * not writable). Only MD1 packets have context fields in the key; an MD2
 * set prints them as zeros under the full mask its formatter starts from.
 */
function commitNsh(flow: Flow, base: Flow, wc: Flow, out: OdpAction[]): void {
  if (flow[M.dl_type] !== ETH_TYPE.NSH) return;
  const md1 = flow[M.nsh_mdtype] === 1n;
  const nshKey = (f: Flow) => NSH_KEY.map(([name, m]) => (name[0] === 'c' && !md1 ? 0n : f[m]));
  const key = nshKey(flow), baseKey = nshKey(base);
  if (key.every((v, i) => v === baseKey[i])) return;
  const mask = NSH_KEY.map(([name, m]) => (name === 'mdtype' || name === 'np' ? 0n : name[0] === 'c' && !md1 ? ones(32) : wc[m]));
  out.push({ type: 'set_nsh', key: key.map((v, i) => v & mask[i]), mask });
  NSH_KEY.forEach(([, m], i) => { base[m] = key[i]; });
}

function commitNw(flow: Flow, base: Flow, wc: Flow, out: OdpAction[], useMasked: boolean): number {
  if (!flow[M.nw_proto]) return 0; // no L3 header
  // Over a tunnel the ECN bits are not rewritten unless they actually change.
  const keepEcn = tunnelDstIsSet(base) && ((base[M.nw_tos] ^ flow[M.nw_tos]) & 3n) === 0n;
  switch (base[M.dl_type]) {
    case ETH_TYPE.IP:
      commitKey('ipv4', useMasked, flow, base, wc, out, (m) => {
        m.proto = 0n; m.frag = 0n; // not writable
        if (keepEcn) m.tos &= ~3n;
      });
      break;
    case ETH_TYPE.IPV6:
      commitKey('ipv6', useMasked, flow, base, wc, out, (m) => {
        m.proto = 0n; m.frag = 0n; // not writable
        m.label &= 0xfffffn;
        if (keepEcn) m.tclass &= ~3n;
      });
      if (base[M.nw_proto] === IPPROTO.ICMPV6) {
        // Extensions first so the right options get added.
        let slow = commitKey('nd_ext', useMasked, flow, base, wc, out) ? SLOW_ACTION : 0;
        if (commitKey('nd', useMasked, flow, base, wc, out)) slow = SLOW_ACTION;
        return slow;
      }
      break;
    case ETH_TYPE.ARP:
      return commitKey('arp', true, flow, base, wc, out) ? SLOW_ACTION : 0;
  }
  return 0;
}

function commitPorts(flow: Flow, base: Flow, wc: Flow, out: OdpAction[], useMasked: boolean): void {
  if (!flow[M.nw_proto] || !isIpAny(base)) return;
  const attr = ({ [`${IPPROTO.TCP}`]: 'tcp', [`${IPPROTO.UDP}`]: 'udp', [`${IPPROTO.SCTP}`]: 'sctp' } as const)[`${flow[M.nw_proto]}`];
  if (attr) commitKey(attr, useMasked, flow, base, wc, out);
}

function commitIcmp(flow: Flow, base: Flow, wc: Flow, out: OdpAction[]): number {
  const dl = flow[M.dl_type], proto = flow[M.nw_proto];
  const attr = dl === ETH_TYPE.IP && proto === IPPROTO.ICMP ? 'icmp'
    : dl === ETH_TYPE.IPV6 && proto === IPPROTO.ICMPV6 ? 'icmpv6' : undefined;
  // Never masked: OVS always sets both type and code.
  return attr && commitKey(attr, false, flow, base, wc, out) ? SLOW_ACTION : 0;
}

function countVlans(f: Flow): number {
  let i = 0;
  while (i < VLANS.length && f[VLANS[i]] & VLAN_CFI) i++;
  return i;
}

/** Pops base's VLANs that differ (counting from the innermost), pushes flow's. */
function commitVlans(flow: Flow, base: Flow, wc: Flow, out: OdpAction[], tpids?: CommitOptions['vlanTpids']): void {
  const tpid = (which: 'flow' | 'base', i: number) => tpids?.[which][i] ?? 0x8100;
  let bn = countVlans(base) - 1, fn = countVlans(flow) - 1;
  for (; bn >= 0 && fn >= 0; bn--, fn--) {
    if (base[VLANS[bn]] !== flow[VLANS[fn]] || tpid('base', bn) !== tpid('flow', fn)) break;
  }
  for (; bn >= 0; bn--) {
    out.push({ type: 'pop_vlan' });
    wc[VLANS[bn]] = 0xffffn;
  }
  for (; fn >= 0; fn--) out.push({ type: 'push_vlan', tpid: tpid('flow', fn), tci: Number(flow[VLANS[fn]]) });
  VLANS.forEach((m, i) => {
    base[m] = flow[m];
    if (tpids) tpids.base[i] = tpid('flow', i);
  });
}

/** flow_count_mpls_labels(). */
function countMpls(f: Flow): number {
  if (!isMpls(f[M.dl_type])) return 0;
  let n = 0;
  for (let i = 0; i < MPLS.length; i++) {
    if (f[MPLS[i]] & MPLS_BOS_MASK) return i + 1;
    if (f[MPLS[i]]) n++;
  }
  return n;
}

/** flow_count_common_mpls_labels(): equal LSEs counting from the innermost. */
function countCommonMpls(a: Flow, an: number, b: Flow, bn: number): number {
  let n = 0;
  while (n < Math.min(an, bn) && a[MPLS[an - 1 - n]] === b[MPLS[bn - 1 - n]]) n++;
  return n;
}

/** Wildcarding for MPLS was already done when the MPLS actions were translated. */
function commitMpls(flow: Flow, base: Flow, out: OdpAction[], pendingEncap: boolean): void {
  let bn = countMpls(base);
  const fn = countMpls(flow);
  let common = countCommonMpls(flow, fn, base, bn);
  const dlType = flow[M.dl_type];
  while (bn > common) {
    if (bn - 1 === common && fn > common) {
      // One extra LSE in base and flow has one more too: rewrite it in place.
      const lse = flow[MPLS[fn - bn]];
      out.push({ type: 'set', attr: 'mpls', key: { '': lse } });
      base[MPLS[0]] = lse;
      common++;
    } else {
      // pop_mpls wants an MPLS ethertype until the last label goes.
      const ethType = !isMpls(dlType) && bn > 1 ? ETH_TYPE.MPLS : dlType;
      out.push({ type: 'pop_mpls', ethType: Number(ethType) });
      for (let i = 1; i < bn; i++) base[MPLS[i - 1]] = base[MPLS[i]];
      base[MPLS[bn - 1]] = 0n;
      base[M.dl_type] = dlType;
      bn--;
    }
  }
  while (bn < fn) {
    const lse = flow[MPLS[fn - bn - 1]];
    out.push({ type: pendingEncap ? 'add_mpls' : 'push_mpls', lse: Number(lse), ethType: Number(dlType) });
    // Keep base's L3 fields: they are needed if the flow is restored later.
    for (let i = Math.min(bn, MPLS.length - 1); i >= 1; i--) base[MPLS[i]] = base[MPLS[i - 1]];
    base[MPLS[0]] = lse;
    base[M.dl_type] = dlType;
    bn++;
  }
}

function commitEncapDecap(flow: Flow, base: Flow, wc: Flow, out: OdpAction[], opts: CommitOptions): void {
  const pt = flow[M.packet_type];
  if (opts.pendingEncap) {
    if (pt === PT_ETH) {
      out.push({ type: 'push_eth', src: flow[M.dl_src], dst: flow[M.dl_dst] });
      base[M.packet_type] = pt;
      base[M.dl_src] = flow[M.dl_src];
      base[M.dl_dst] = flow[M.dl_dst];
    } else if (pt === PT_NSH) {
      out.push(pushNsh(flow, opts.encapData));
      base[M.packet_type] = pt;
      for (let i = M.dl_dst; i < N_MEMBERS; i++) base[i] = flow[i]; // all packet headers
    } else if (pt === PT_MPLS || pt === PT_MPLS_MC) {
      commitMpls(flow, base, out, true);
    } else {
      throw new OvsAbortError(`encap to packet type 0x${pt.toString(16)} (commit_encap_decap_action)`);
    }
  } else if (opts.pendingDecap || pt !== base[M.packet_type]) {
    if (pt >> 16n === OFPHTN_ETHERTYPE && base[M.packet_type] === PT_ETH) {
      // Ethernet to L3: pop_eth, no recirculation needed.
      out.push({ type: 'pop_eth' });
      base[M.packet_type] = pt;
      base[M.dl_src] = 0n;
      base[M.dl_dst] = 0n;
    } else if (base[M.packet_type] === PT_NSH) {
      out.push({ type: 'pop_nsh' }); // recirculates; base stays as it is
    } else if (base[M.packet_type] === PT_MPLS || base[M.packet_type] === PT_MPLS_MC) {
      commitMpls(flow, base, out, false);
    } else {
      // An Ethernet packet after an L3 one (output to an L3 port, then to an Ethernet one) lands here too.
      throw new OvsAbortError(`the datapath packet is of type 0x${base[M.packet_type].toString(16)} and the flow of type 0x${pt.toString(16)}, which no action commits (commit_encap_decap_action)`);
    }
  }
  wc[M.packet_type] = 0xffffffffn;
}

function pushNsh(flow: Flow, md2?: Uint8Array): OdpAction {
  const n = (m: string) => Number(flow[M[m]]);
  const mdtype = n('nsh_mdtype');
  return {
    type: 'push_nsh', flags: n('nsh_flags'), ttl: n('nsh_ttl'), mdtype, np: n('nsh_np'), spi: n('nsh_spi'), si: n('nsh_si'),
    context: mdtype === 1 ? [n('nsh_c1'), n('nsh_c2'), n('nsh_c3'), n('nsh_c4')] : [],
    md2: mdtype === 2 ? md2 ?? new Uint8Array() : undefined,
  };
}
