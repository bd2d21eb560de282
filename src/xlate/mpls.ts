// MPLS actions (compose_mpls_push_action, compose_mpls_pop_action,
// compose_set_mpls_*, compose_dec_mpls_ttl_action and flow.c's
// flow_push_mpls/flow_pop_mpls) and recirc_for_mpls: once a packet has lost
// its last label, actions that need its L3 header must wait for a
// recirculation, since the datapath parses that header only then.
import { M, N_MEMBERS, ETH_TYPE, MAX_MPLS_LABELS as FLOW_MAX_MPLS_LABELS, MPLS_BOS_MASK, MPLS_LSE_MEMBERS as LSE, isMplsEthType as isMpls, isIpAny, type Flow } from '../meta-flow/flow.js';
import { FIELDS, fieldById } from '../meta-flow/field.js';
import type { Ofpact } from '../ofp/ofpact.js';
import { xreport, type Ctx } from './context.js';
import { commitActions } from './xlate.js';
import { xlateController, OFPR } from './output.js';

const MPLS_LABEL_MASK = 0xfffff000n, MPLS_TC_MASK = 0x0e00n, MPLS_TTL_MASK = 0x00ffn;
const IP_DSCP_MASK = 0xfcn;


/** flow_count_mpls_labels: counting looks at (so un-wildcards) every BOS bit up to the bottom label. */
export function countLabels(flow: Flow, wc: Flow): number {
  if (!isMpls(flow[M.dl_type])) return 0;
  let n = 0;
  for (let i = 0; i < FLOW_MAX_MPLS_LABELS; i++) {
    wc[LSE[i]] |= MPLS_BOS_MASK;
    if (flow[LSE[i]] & MPLS_BOS_MASK) return i + 1;
    if (flow[LSE[i]]) n++;
  }
  return n;
}

/** flow_push_mpls onto a flow with `n` labels, clearing L3 and L4 (every caller here does). */
export function flowPushMpls(flow: Flow, wc: Flow, n: number, ethertype: bigint): void {
  if (n) {
    // The new label copies the outer one, without its bottom-of-stack bit.
    for (let i = 0; i < n; i++) wc[LSE[i]] = 0xffffffffn;
    for (let i = n; i >= 1; i--) flow[LSE[i]] = flow[LSE[i - 1]];
    flow[LSE[0]] = flow[LSE[1]] & ~MPLS_BOS_MASK;
  } else {
    const label = flow[M.dl_type] === ETH_TYPE.IPV6 ? 2n : 0n; // IPv6/IPv4 explicit null
    let tc = 0n, ttl = 64n;
    if (isIpAny(flow)) {
      tc = (flow[M.nw_tos] & IP_DSCP_MASK) >> 2n;
      wc[M.nw_tos] |= IP_DSCP_MASK;
      wc[M.nw_ttl] = 0xffn;
      if (flow[M.nw_ttl]) ttl = flow[M.nw_ttl];
    }
    flow[LSE[0]] = ((label << 12n) & MPLS_LABEL_MASK) | ((tc << 9n) & MPLS_TC_MASK) | MPLS_BOS_MASK | ttl; // set_mpls_lse_values
    // L3 and L4 are now payload: clear them, and dp_hash.
    for (let m = M.nw_src; m < N_MEMBERS; m++) flow[m] = 0n;
    flow[M.dp_hash] = 0n;
  }
  flow[M.dl_type] = ethertype;
}

/** compose_mpls_push_action. */
export function pushMpls(ctx: Ctx, ethertype: number): void {
  const n = countLabels(ctx.flow, ctx.wc);
  if (n >= FLOW_MAX_MPLS_LABELS) {
    ctx.error = 'Too many MPLS labels';
    return;
  }
  // The first label: the datapath must first see the L3 changes so far.
  if (!n) commitActions(ctx);
  flowPushMpls(ctx.flow, ctx.wc, n, BigInt(ethertype));
}

/** flow_pop_mpls from a flow with `n` labels: false when there is none, or the last slot would need a label the flow does not have. */
export function flowPopMpls(flow: Flow, wc: Flow, n: number, ethertype: bigint): boolean {
  if (n === 0) return false;
  if (n === FLOW_MAX_MPLS_LABELS) {
    wc[LSE[n - 1]] |= MPLS_BOS_MASK;
    if (!(flow[LSE[n - 1]] & MPLS_BOS_MASK)) return false;
  }
  for (let i = 1; i < n; i++) wc[LSE[i]] = 0xffffffffn;
  for (let i = 1; i < n; i++) flow[LSE[i - 1]] = flow[LSE[i]];
  flow[LSE[n - 1]] = 0n;
  flow[M.dl_type] = ethertype;
  return true;
}

/** Too many labels to pop one: OVS gives up on the packet, and on the datapath actions so far. */
export function tooManyLabels(ctx: Ctx): void {
  ctx.error = 'Too many MPLS labels';
  ctx.odp.length = 0;
}

/** compose_mpls_pop_action. */
export function popMpls(ctx: Ctx, ethertype: number): void {
  const n = countLabels(ctx.flow, ctx.wc);
  if (flowPopMpls(ctx.flow, ctx.wc, n, BigInt(ethertype))) {
    if (!isMpls(BigInt(ethertype))) ctx.wasMpls = true;
  } else if (n >= FLOW_MAX_MPLS_LABELS) {
    tooManyLabels(ctx);
  }
}

/** compose_set_mpls_{label,tc,ttl}_action: rewrite part of the outermost label, if there is one. */
function setLse(ctx: Ctx, mask: bigint, value: bigint): void {
  if (!isMpls(ctx.flow[M.dl_type])) return;
  ctx.wc[LSE[0]] |= mask;
  ctx.flow[LSE[0]] = (ctx.flow[LSE[0]] & ~mask) | (value & mask);
}

export const setMplsLabel = (ctx: Ctx, label: number) => setLse(ctx, MPLS_LABEL_MASK, BigInt(label) << 12n);
export const setMplsTc = (ctx: Ctx, tc: number) => setLse(ctx, MPLS_TC_MASK, BigInt(tc) << 9n);
export const setMplsTtl = (ctx: Ctx, ttl: number) => setLse(ctx, MPLS_TTL_MASK, BigInt(ttl));

/** compose_dec_mpls_ttl_action: true stops the action list (TTL exception, or no MPLS at all). */
export function decMplsTtl(ctx: Ctx): boolean {
  const flow = ctx.flow;
  if (isMpls(flow[M.dl_type])) {
    const ttl = flow[LSE[0]] & MPLS_TTL_MASK;
    ctx.wc[LSE[0]] |= MPLS_TTL_MASK;
    if (ttl > 1n) {
      flow[LSE[0]] = (flow[LSE[0]] & ~MPLS_TTL_MASK) | (ttl - 1n);
      return false;
    }
    xlateController(ctx, 0xffff, OFPR.INVALID_TTL, 0);
  }
  xreport(ctx, 'warn', 'MPLS decrement TTL exception');
  return true;
}

/** Actions that never need the L3 header (recirc_for_mpls' early returns). */
const NO_RECIRC = new Set(['output', 'output_trunc', 'enqueue', 'output_reg', 'set_vlan_vid', 'set_vlan_pcp',
  'set_eth_src', 'set_eth_dst', 'set_tunnel', 'set_queue', 'group']);

/** mf_is_l3_or_higher: meta-flow.h lists fields in layer order, L3 from MFF_IPV4_SRC on. */
const FIRST_L3 = FIELDS.indexOf(fieldById('MFF_IPV4_SRC'));
const isL3OrHigher = (a: Extract<Ofpact, { type: 'set_field' }>) => FIELDS.indexOf(a.field) >= FIRST_L3;

/**
 * recirc_for_mpls: after popping the last label, freeze before an action that
 * may look at or change the L3 header the datapath has not parsed yet.
 */
export function recircForMpls(ctx: Ctx, a: Ofpact): void {
  if (ctx.exit || !ctx.wasMpls || NO_RECIRC.has(a.type)) return;
  if (a.type === 'set_field' && !isL3OrHigher(a)) return;
  ctx.freezing = true;
}
