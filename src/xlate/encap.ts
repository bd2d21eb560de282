// Generic encap()/decap() (xlate_generic_encap_action,
// xlate_generic_decap_action) and dec_nsh_ttl: the flow becomes the packet
// with the header pushed or popped right away, while the datapath actions
// (push_eth, push_nsh, add_mpls, pop_eth, pop_nsh, pop_mpls) wait for the
// next commit (commit_encap_decap_action). Popping NSH, or the last MPLS
// label, needs a recirculation: only the datapath can parse what follows.
import {
  M, N_MEMBERS, ETH_TYPE, MAX_MPLS_LABELS, MPLS_LSE_MEMBERS, PT_ETH, PT_IPV4, PT_IPV6, PT_MPLS, PT_MPLS_MC, PT_NSH, OFPHTN_ETHERTYPE, VLAN_CFI, l3PacketType,
} from '../meta-flow/flow.js';
import type { EncapProp, OfpactOf } from '../ofp/ofpact.js';
import { xreport, type Ctx } from './context.js';
import { commitActions } from './xlate.js';
import { xlateController, OFPR } from './output.js';
import { countLabels, flowPopMpls, flowPushMpls, tooManyLabels } from './mpls.js';

/** NSH next protocols (NSH_P_*) and the packet type each one carries. */
const NSH_NEXT_PROTOCOLS: readonly (readonly [np: bigint, packetType: bigint])[] = [
  [1n, PT_IPV4], [2n, PT_IPV6], [3n, PT_ETH], [4n, PT_NSH],
];
const NSH_M_TYPE1 = 1;
/** NSH_CTX_HDRS_MAX_LEN: MD2 TLVs beyond this are dropped. */
const NSH_CTX_HDRS_MAX_LEN = 244;

const ptText = (pt: bigint) => `(${pt >> 16n},0x${(pt & 0xffffn).toString(16)})`;

function unsupported(ctx: Ctx, message: string): void {
  xreport(ctx, 'action', message);
  ctx.error = 'Unsupported packet type';
}

/** rewrite_flow_encap_ethernet: only an L3 packet gets an Ethernet header, with zero addresses. */
function encapEthernet(ctx: Ctx): void {
  const flow = ctx.flow;
  ctx.wc[M.packet_type] = 0xffffffffn;
  if (flow[M.packet_type] >> 16n !== OFPHTN_ETHERTYPE) {
    unsupported(ctx, 'Dropping packet as encap(ethernet) is not supported for packet type ethernet.');
    return;
  }
  flow[M.dl_type] = flow[M.packet_type] & 0xffffn;
  flow[M.packet_type] = PT_ETH;
  flow[M.dl_src] = flow[M.dl_dst] = 0n;
}

/** The MD2 context headers push_nsh carries: each TLV's class, type, length and data padded to 4 bytes. */
function md2Tlvs(props: readonly EncapProp[]): Uint8Array | undefined {
  const bytes: number[] = [];
  for (const p of props) {
    if (p.kind !== 'tlv') continue;
    bytes.push(p.tlvClass >> 8, p.tlvClass & 0xff, p.tlvType, p.data.length, ...p.data);
    while (bytes.length % 4) bytes.push(0);
  }
  return bytes.length && bytes.length <= NSH_CTX_HDRS_MAX_LEN ? Uint8Array.from(bytes) : undefined;
}

/**
 * rewrite_flow_push_nsh: every header field is cleared (what follows NSH is
 * opaque) and NSH gets TTL 63, SPI 0, SI 255 and the next protocol the packet
 * type says. Returns the MD2 TLVs.
 */
function pushNsh(ctx: Ctx, props: readonly EncapProp[]): Uint8Array | undefined {
  const flow = ctx.flow;
  const mdType = props.reduce((t, p) => (p.kind === 'md_type' ? p.mdType : t), NSH_M_TYPE1);
  const np = NSH_NEXT_PROTOCOLS.find(([, pt]) => pt === flow[M.packet_type])?.[0];
  if (np === undefined) {
    unsupported(ctx, `Dropping packet as encap(nsh) is not supported for packet type ${ptText(flow[M.packet_type])}`);
    return undefined;
  }
  ctx.wc[M.packet_type] = 0xffffffffn;
  for (let m = M.dl_dst; m < N_MEMBERS; m++) flow[m] = 0n;
  flow[M.packet_type] = PT_NSH;
  flow[M.dl_type] = ETH_TYPE.NSH;
  flow[M.nsh_ttl] = 63n;
  flow[M.nsh_np] = np;
  flow[M.nsh_si] = 255n;
  flow[M.nsh_mdtype] = BigInt(mdType);
  return mdType === NSH_M_TYPE1 ? undefined : md2Tlvs(props);
}

/**
 * rewrite_flow_encap_mpls: an L3 MPLS packet, the label pushed as push_mpls
 * would. An Ethernet MPLS packet loses its labels first, though they still
 * count (and are shifted, as zeros).
 */
function encapMpls(ctx: Ctx, packetType: bigint): void {
  const flow = ctx.flow;
  const n = countLabels(flow, ctx.wc);
  if (n >= MAX_MPLS_LABELS) {
    ctx.error = 'Too many MPLS labels';
    return;
  }
  ctx.wc[M.packet_type] = 0xffffffffn;
  if (flow[M.packet_type] === PT_ETH && flow[M.dl_type] === ETH_TYPE.MPLS) {
    for (const m of MPLS_LSE_MEMBERS) ctx.wc[m] = flow[m] = ctx.baseFlow[m] = 0n;
  }
  flow[M.packet_type] = packetType;
  flowPushMpls(flow, ctx.wc, n, packetType & 0xffffn);
  flow[M.dl_src] = flow[M.dl_dst] = 0n;
}

/** The flow rewrite of each encap() header; NSH's returns its MD2 TLVs. */
const ENCAP: Record<string, (ctx: Ctx, props: readonly EncapProp[]) => Uint8Array | undefined | void> = {
  ethernet: encapEthernet,
  nsh: pushNsh,
  mpls: (ctx) => encapMpls(ctx, PT_MPLS),
  mpls_mc: (ctx) => encapMpls(ctx, PT_MPLS_MC),
};

/** xlate_generic_encap_action: the datapath gets the inner packet's pending changes first. */
export function xlateEncap(ctx: Ctx, a: OfpactOf<'encap'>): void {
  commitActions(ctx);
  const data = ENCAP[a.header](ctx, a.props);
  if (ctx.error !== 'OK') return;
  ctx.pendingEncap = true;
  ctx.encapData = data ?? undefined;
}

/** PT_USE_NEXT_PROTO, the packet type of decap() without one: (0,0xfffe). */
const PT_USE_NEXT_PROTO = 0xfffen;
/** ETH_TYPE_TEB (transparent Ethernet bridging): what MPLS carries when the packet type does not say. */
const ETH_TYPE_TEB = 0x6558n;

/**
 * xlate_generic_decap_action: Ethernet goes without recirculation, pop_eth
 * at the next commit; NSH makes the packet what its next protocol says, MPLS
 * pops a label and the packet is of the type decap() names (which only MPLS
 * looks at). Returns true when the datapath must pop the header and
 * recirculate: NSH, or MPLS's last label.
 */
export function xlateDecap(ctx: Ctx, a: OfpactOf<'decap'>): boolean {
  commitActions(ctx);
  const flow = ctx.flow;
  const pt = flow[M.packet_type];
  if (pt === PT_ETH) {
    if (flow[M.vlan_tci0] & VLAN_CFI) {
      unsupported(ctx, 'Dropping packet, cannot decap Ethernet if VLAN is present.');
    } else {
      flow[M.packet_type] = l3PacketType(flow[M.dl_type]);
      flow[M.dl_src] = flow[M.dl_dst] = 0n;
      ctx.wc[M.dl_type] = 0xffffn;
    }
    return false;
  }
  if (pt === PT_NSH) {
    const inner = NSH_NEXT_PROTOCOLS.find(([np]) => np === flow[M.nsh_np])?.[1];
    if (inner === undefined) {
      unsupported(ctx, `Dropping packet as NSH next protocol ${flow[M.nsh_np]} is not supported`);
      return false;
    }
    flow[M.packet_type] = inner;
    ctx.wc[M.nsh_np] = 0xffn;
    ctx.pendingDecap = true;
    return true;
  }
  if (pt === PT_MPLS || pt === PT_MPLS_MC) {
    flow[M.packet_type] = a.packetType ? (BigInt(a.packetType.ns) << 16n) | BigInt(a.packetType.nsType) : PT_USE_NEXT_PROTO;
    const n = countLabels(flow, ctx.wc);
    if (flowPopMpls(flow, ctx.wc, n, (flow[M.packet_type] & 0xffffn) || ETH_TYPE_TEB)) {
      ctx.pendingDecap = true;
      return n === 1;
    }
    if (n >= MAX_MPLS_LABELS) tooManyLabels(ctx);
    return false;
  }
  unsupported(ctx, `Dropping packet as the decap() does not support packet type ${ptText(pt)}`);
  return false;
}

/** compose_dec_nsh_ttl_action: true stops the action list (TTL exception, or no NSH at all). */
export function decNshTtl(ctx: Ctx): boolean {
  const flow = ctx.flow;
  if (flow[M.packet_type] === PT_NSH || flow[M.dl_type] === ETH_TYPE.NSH) {
    ctx.wc[M.nsh_ttl] = 0xffn;
    if (flow[M.nsh_ttl] > 1n) {
      flow[M.nsh_ttl]--;
      return false;
    }
    xlateController(ctx, 0xffff, OFPR.INVALID_TTL, 0);
  }
  xreport(ctx, 'warn', 'NSH decrement TTL exception');
  return true;
}
