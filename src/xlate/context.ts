// The state of one translation (OVS's struct xlate_ctx), and the trace
// reporting helpers that write into the current trace list.
import type { Flow } from '../meta-flow/flow.js';
import type { Ofpact } from '../ofp/ofpact.js';
import type { Rule } from '../model/rule.js';
import type { OdpAction } from './odp-actions.js';
import { report, type TraceInfo, type TraceNode, type TraceNodeType } from './trace-tree.js';
import type { World, XBridge } from './world.js';
import type { RecircNode, RecircIds } from './freeze.js';

export const MAX_DEPTH = 64;
export const MAX_RESUBMITS = MAX_DEPTH * MAX_DEPTH;

export type XlateError =
  | 'OK' | 'Recursion too deep' | 'Too many resubmits' | 'Stack too deep' | 'No recirculation context'
  | 'Recirculation conflict' | 'Too many MPLS labels' | 'Invalid tunnel metadata' | 'Unsupported packet type'
  | 'Congestion drop' | 'Forwarding disabled (stp)' | 'Bridge not found';

/** What a recirculation resumes with (OVS's frozen_state). */
export interface FrozenState {
  table: number;
  bridge: XBridge;
  conntracked: boolean;
  actionSet: Ofpact[];
  ofpacts: Ofpact[];
  /** xport_uuid: the port the packet came in on (bridge/ofport), '' for a controller action's state or a packet from a patch port. */
  xport: string;
  /** A controller action's userdata, or that of the controller(pause) being frozen. */
  userdata?: Uint8Array;
}

export interface XlateIn {
  world: World;
  /** The bridge ofproto/trace was asked about (xin->ofproto). */
  ofproto: XBridge;
  flow: Flow;
  frozen?: FrozenState;
  recircQueue: RecircNode[];
  recircIds: RecircIds;
  /** xin->allow_side_effects (ofproto/trace -generate). */
  allowSideEffects?: boolean;
  /** oftrace's own observers (loops, --why, --explain); translation does not depend on them. */
  hooks?: XlateHooks;
}

/** Called around every table lookup; `node` is the table's trace node. */
export interface XlateHooks {
  /** Right after the lookup was reported: ctx.flow is the packet the lookup saw, `rule` what it found (none: a miss). */
  tableEntry(ctx: Ctx, node: TraceNode, rule: Rule | undefined): void;
  /** The rule's actions, and everything they resubmitted to, are done. */
  tableExit(ctx: Ctx, node: TraceNode): void;
}

export interface Ctx {
  xin: XlateIn;
  xbridge: XBridge;
  flow: Flow;
  /** The packet as the datapath has it so far (commit target). */
  baseFlow: Flow;
  /** The megaflow mask being built (flow_wildcards), same layout as Flow. */
  wc: Flow;
  odp: OdpAction[];
  /** Approximate netlink size of `odp`, for OVS's 64 kB limit. */
  odpSize: number;
  trace: TraceNode[];
  depth: number;
  resubmits: number;
  tableId: number;
  rule?: Rule;
  ruleCookie: bigint;
  exit: boolean;
  error: XlateError;
  conntracked: boolean;
  wasMpls: boolean;
  actionSet: Ofpact[];
  /** NAT action of the ct being composed (ctx->ct_nat_action). */
  ctNat?: Extract<Ofpact, { type: 'nat' }>;
  freezing: boolean;
  /** A controller(pause) froze translation: the continuation, with its userdata, goes to the controller. */
  pause?: { userdata?: Uint8Array };
  /** xin->xport_uuid: the input port, unless it is a patch port (FrozenState.xport). */
  xport: string;
  frozenActions: Ofpact[];
  /** A select group needs a datapath hash first: hash() precedes the recirc (recirc_update_dp_hash). */
  recircHash?: { alg: 'l4' | 'sym_l4' | number; basis: number };
  inActionSet: boolean;
  origSkbPriority: bigint;
  /** The tunnel destination the packet arrived with (ctx->orig_tunnel_ipv6_dst). */
  origTunnelDst: bigint;
  /** VLAN TPIDs, outermost first, of the flow and of the datapath packet (a Flow keeps only TCIs); missing means 0x8100. */
  vlanTpids: { flow: number[]; base: number[] };
  /** The flow has an Ethernet header the datapath packet does not have yet (push_eth at the next commit). */
  pendingEncap: boolean;
  /** A decap() left the datapath packet with a header to pop at the next commit (pop_nsh). */
  pendingDecap: boolean;
  /** encap(nsh(md_type=2,...)): the MD2 TLVs the next commit's push_nsh carries (ctx->encap_data). */
  encapData?: Uint8Array;
  /** Does the datapath already have a copy of the packet in flight (slow path bits). */
  slow: number;
}

export function xreport(ctx: Ctx, type: TraceNodeType, text: string, info?: TraceInfo): TraceNode {
  return report(ctx.trace, type, text, info);
}

/** Run `fn` with `node`'s children as the current trace list. */
export function nested<T>(ctx: Ctx, node: TraceNode, fn: () => T): T {
  const old = ctx.trace;
  ctx.trace = node.subs;
  try {
    return fn();
  } finally {
    ctx.trace = old;
  }
}
