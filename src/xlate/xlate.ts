// Translation of a packet through the OpenFlow pipeline into datapath actions
// (OVS's ofproto-dpif-xlate.c: xlate_actions, xlate_table_action,
// do_xlate_actions), recording the trace tree on the way.
import {
  M, newFlow, copyFlow, allOnes, ETH_TYPE, IPPROTO, VLAN_CFI, FLOW_NW_FRAG_ANY, FLOW_NW_FRAG_LATER, MPLS_LSE_MEMBERS, VLAN_TCI_MEMBERS, isMplsEthType, PT_ETH, dlTypeOf, isIpAny, type Flow,
} from '../meta-flow/flow.js';
import { formatMatch } from '../meta-flow/match.js';
import { actionText, formatActions } from '../ofp/actions.js';
import type { Ofpact, OfpactOf } from '../ofp/ofpact.js';
import type { Rule } from '../model/rule.js';
import { commitOdpActions } from './odp-commit.js';
import { MAX_DEPTH, MAX_RESUBMITS, nested, xreport, type Ctx, type XlateError, type XlateIn } from './context.js';
import { ACTION_HANDLERS } from './actions.js';
import type { OdpAction } from './odp-actions.js';
import type { TraceNode } from './trace-tree.js';
import { finishFreezing__ } from './conntrack.js';
import { recircForMpls } from './mpls.js';
import { setSubfield } from './subfield-ops.js';
import { packetTypeMode, tnlProcessEcn, tnlWcInit, tunnelDst } from './tunnel.js';

export interface XlateOut {
  trace: TraceNode[];
  flow: Flow;
  wc: Flow;
  odp: OdpAction[];
  error: XlateError;
  slow: number;
}

/** OVS's internal miss rule (no_packet_in_rule: `priority=0,reg0=0x2 actions=drop` in table 254). */
export const MISS = Symbol('no_packet_in_rule');
export type LookupResult = Rule | typeof MISS;

/** xlate_wc_init: fields every megaflow matches. */
function initWildcards(flow: Flow): Flow {
  const wc = newFlow();
  wc[M.packet_type] = allOnes(32);
  wc[M.in_port] = allOnes(32);
  wc[M.dl_type] = allOnes(16);
  if (isIpAny(flow)) wc[M.nw_frag] = 3n;
  wc[M.recirc_id] = allOnes(32);
  tnlWcInit(flow, wc);
  return wc;
}

/** xlate_wc_finish: drop what a datapath flow cannot or need not match. */
function finishWildcards(ctx: Ctx, initial: Flow): void {
  const wc = ctx.wc, flow = ctx.flow;
  wc[M.metadata] = 0n;
  for (let i = 0; i < 16; i++) wc[M.reg0 + i] = 0n;
  wc[M.actset_output] = 0n;
  wc[M.conj_id] = 0n;
  // An L3 packet has no Ethernet addresses to match (the Ethertype stays).
  if (initial[M.packet_type] !== PT_ETH) wc[M.dl_dst] = wc[M.dl_src] = 0n;
  const icmp = (dlTypeOf(flow) === ETH_TYPE.IP && flow[M.nw_proto] === IPPROTO.ICMP) ||
    (dlTypeOf(flow) === ETH_TYPE.IPV6 && flow[M.nw_proto] === IPPROTO.ICMPV6);
  if (icmp) {
    wc[M.tp_src] &= 0xffn;
    wc[M.tp_dst] &= 0xffn;
  }
  for (const v of VLAN_TCI_MEMBERS) if (wc[v]) wc[v] |= VLAN_CFI;
  if (flow[M.nw_frag] & FLOW_NW_FRAG_LATER) {
    wc[M.tp_src] = 0n;
    wc[M.tp_dst] = 0n;
  }
  if (!isMplsEthType(initial[M.dl_type])) for (const m of MPLS_LSE_MEMBERS) wc[m] = 0n;
  if (!(initial[M.vlan_tci0] & VLAN_CFI)) wc[M.vlan_tci0] = 0n;
  if (!(initial[M.vlan_tci1] & VLAN_CFI)) wc[M.vlan_tci1] = 0n;
  if (!(initial[M.tun_ip_dst] || initial[M.tun_ipv6_dst])) for (let m = M.tun_ip_dst; m < M.metadata; m++) wc[m] = 0n;
}

export function newContext(xin: XlateIn, trace: TraceNode[]): Ctx {
  const flow = xin.flow;
  const base = copyFlow(flow);
  for (let m = M.tun_ip_dst; m < M.metadata; m++) base[m] = 0n;
  // Every member, optional ones too, so that no context changes shape as a translation goes.
  return {
    xin, xbridge: xin.ofproto, flow, baseFlow: base, wc: initWildcards(flow), odp: [], odpSize: 0, trace,
    depth: 0, resubmits: 0, tableId: 0, ruleCookie: allOnes(64), exit: false, error: 'OK',
    conntracked: false, wasMpls: false, actionSet: [], freezing: false, frozenActions: [], xport: '',
    inActionSet: false, origSkbPriority: flow[M.skb_priority], origTunnelDst: tunnelDst(flow), vlanTpids: { flow: [], base: [] }, pendingEncap: false, pendingDecap: false, encapData: undefined, slow: 0,
    rule: undefined, ctNat: undefined, pause: undefined, recircHash: undefined,
  };
}

/** xlate_actions: translate `xin.flow` from table 0 (or a thawed state). */
export function xlateActions(xin: XlateIn): XlateOut {
  const top: TraceNode[] = [];
  const initial = copyFlow(xin.flow);
  const ctx = newContext(xin, top);
  const bridgeNode = xreport(ctx, 'bridge', `bridge("${xin.ofproto.name}")`, { bridge: xin.ofproto.name });
  ctx.trace = bridgeNode.subs;
  let ofpacts: Ofpact[] | undefined;
  let rule: LookupResult | undefined;

  if (xin.frozen) {
    const state = xin.frozen;
    const thaw = xreport(ctx, 'thaw', 'thaw');
    ctx.xbridge = state.bridge;
    ctx.tableId = state.table;
    nested(ctx, thaw, () => xreport(ctx, 'thaw', `Resuming from table ${state.table}`));
    ctx.conntracked = state.conntracked;
    if (!state.conntracked) clearConntrack(ctx);
    if (state.actionSet.length) {
      nested(ctx, thaw, () => xreport(ctx, 'thaw', `Restoring action set: ${formatActions(state.actionSet)}`));
      ctx.flow[M.actset_output] = 0xfff7n;
      ctx.actionSet = state.actionSet.slice();
    }
    // An empty frozen action list means "look up the resume table".
    if (state.ofpacts.length) {
      ofpacts = state.ofpacts;
      nested(ctx, thaw, () => xreport(ctx, 'thaw', `Restoring actions: ${formatActions(state.ofpacts)}`));
    }
  } else if (ctx.flow[M.recirc_id]) {
    xreport(ctx, 'error', `Recirculation context not found for ID ${ctx.flow[M.recirc_id].toString(16)}`);
    ctx.error = 'No recirculation context';
    return finish(ctx, initial, top, false);
  }
  if (!xin.frozen && ctx.flow[M.ct_state] & 0x20n) ctx.conntracked = true;

  const inPort = ctx.xbridge.ports.get(Number(ctx.flow[M.in_port]));
  if (inPort && !inPort.peer) ctx.xport = `${ctx.xbridge.name}/${inPort.ofport}`;
  if (ctx.flow[M.packet_type] !== PT_ETH && inPort && packetTypeMode(inPort) === 'legacy_l3' && ctx.tableId === 0) {
    // From an L3 port, a packet is looked up as Ethernet with a dummy header (its dl_type came from packet_type).
    ctx.flow[M.packet_type] = PT_ETH;
    ctx.flow[M.dl_src] = ctx.flow[M.dl_dst] = 0n;
    ctx.pendingEncap = true;
  }
  if (!ofpacts) {
    const r = lookupFromTable(ctx, ctx.tableId, Number(ctx.flow[M.in_port]), true, true);
    rule = r.rule;
    ctx.tableId = r.tableId;
    ctx.trace = reportTable(ctx, rule, ctx.tableId).subs;
    ctx.rule = rule === MISS ? undefined : rule;
  }
  if (!tnlProcessEcn(ctx.flow) || (!xin.frozen && !ingressAllowed(ctx))) return finish(ctx, initial, top);
  const acts = ofpacts ?? (rule === MISS || !rule ? [] : rule.actions);
  if (rule && rule !== MISS) ctx.ruleCookie = rule.cookie;
  doXlateActions(ctx, acts, true, false);
  if (ctx.error !== 'OK') return finish(ctx, initial, top, false);
  if (!ctx.freezing) xlateActionSet(ctx);
  if (ctx.freezing) finishFreezing(ctx);
  return finish(ctx, initial, top);
}

/** may_receive(): ports configured not to receive drop here. */
function ingressAllowed(ctx: Ctx): boolean {
  const port = ctx.xbridge.ports.get(Number(ctx.flow[M.in_port]));
  return !port?.iface.config?.includes('NO_RECV');
}

/** The end of xlate_actions; errors that `goto exit` skip xlate_wc_finish, so their megaflow keeps every bit looked at. */
function finish(ctx: Ctx, initial: Flow, trace: TraceNode[], wcFinish = true): XlateOut {
  if (wcFinish) finishWildcards(ctx, initial);
  if (ctx.error !== 'OK') {
    // A failed translation installs a drop flow, whatever was committed before the failure.
    ctx.odp = [];
    ctx.slow = 0;
  } else {
    // xlate_optimize_odp_actions: a clone() the actions end with protects nothing after it.
    const last = ctx.odp[ctx.odp.length - 1];
    if (last?.type === 'clone') ctx.odp.splice(ctx.odp.length - 1, 1, ...last.actions);
  }
  return { trace, flow: ctx.flow, wc: ctx.wc, odp: ctx.odp, error: ctx.error, slow: ctx.slow };
}

export function clearConntrack(ctx: Ctx): void {
  ctx.conntracked = false;
  for (const n of ['ct_state', 'ct_zone', 'ct_mark', 'ct_label', 'ct_nw_proto', 'ct_nw_src', 'ct_nw_dst', 'ct_ipv6_src', 'ct_ipv6_dst', 'ct_tp_src', 'ct_tp_dst']) {
    ctx.flow[M[n]] = 0n;
  }
}

/** rule_dpif_lookup_from_table: one table's lookup, with OVS's fragment and in_port handling. */
export function lookupFromTable(ctx: Ctx, tableId: number, inPort: number, _mayPacketIn: boolean, _honorMiss: boolean): { rule: LookupResult; tableId: number } {
  const flow = ctx.flow;
  const oldTpSrc = flow[M.tp_src], oldTpDst = flow[M.tp_dst], oldInPort = flow[M.in_port];
  // Fragment handling "normal": later fragments have no ports to match.
  if (flow[M.nw_frag] & FLOW_NW_FRAG_ANY) {
    flow[M.tp_src] = 0n;
    flow[M.tp_dst] = 0n;
  }
  flow[M.in_port] = BigInt(inPort);
  const cls = ctx.xbridge.classifier(tableId);
  const rule = cls?.lookup(flow, ctx.wc);
  flow[M.in_port] = oldInPort;
  flow[M.tp_src] = oldTpSrc;
  flow[M.tp_dst] = oldTpDst;
  return { rule: rule ?? MISS, tableId };
}

/** A rule's match as the trace prints it, formatted once per rule (a batch prints the same rules again and again). */
const matchTexts = new WeakMap<Rule, string>();

function matchText(rule: Rule): string {
  let m = matchTexts.get(rule);
  if (m === undefined) matchTexts.set(rule, (m = formatMatch(rule.match, undefined, undefined)));
  return m;
}

/** xlate_report_table: `%2d. match, priority N[, cookie 0x..]`. */
export function reportTable(ctx: Ctx, rule: LookupResult, tableId: number): TraceNode {
  let text = `${String(tableId).padStart(2)}. `;
  if (rule === MISS) {
    // OVS compares against the traced bridge's own miss rule, so a miss in
    // another bridge prints the internal rule's match instead.
    text += ctx.xbridge === ctx.xin.ofproto ? 'No match.' : 'reg0=0x2, priority 0';
  } else {
    const m = matchText(rule);
    text += m ? `${m}, ` : '';
    text += `priority ${rule.priority}`;
    if (rule.cookie) text += `, cookie 0x${rule.cookie.toString(16)}`;
  }
  const found = rule === MISS ? undefined : rule;
  const node = xreport(ctx, 'table', text, { bridge: ctx.xbridge.name, table: tableId, rule: found?.source });
  ctx.xin.hooks?.tableEntry(ctx, node, found);
  return node;
}

export function resourceCheck(ctx: Ctx): boolean {
  if (ctx.depth >= MAX_DEPTH) {
    xreport(ctx, 'error', `over max translation depth ${MAX_DEPTH}`);
    ctx.error = 'Recursion too deep';
  } else if (ctx.resubmits >= MAX_RESUBMITS) {
    xreport(ctx, 'error', `over ${MAX_RESUBMITS} resubmit actions`);
    ctx.error = 'Too many resubmits';
  } else if (ctx.odpSize > 0xffff) {
    xreport(ctx, 'error', 'resubmits yielded over 64 kB of actions');
    ctx.exit = true;
  } else {
    return true;
  }
  return false;
}

/** How a rule's actions are translated: directly, or inside a datapath clone. */
export type ActionsXlator = (ctx: Ctx, acts: readonly Ofpact[], isLast: boolean, groupBucket: boolean) => void;

/** xlate_table_action: resubmit/goto_table into `tableId`. */
export function xlateTableAction(ctx: Ctx, inPort: number, tableId: number, mayPacketIn: boolean, honorMiss: boolean, withCtOrig: boolean, isLast: boolean, xlator: ActionsXlator = doXlateActions): void {
  if (ctx.wasMpls) {
    ctx.freezing = true;
    return;
  }
  if (!resourceCheck(ctx)) return;
  const oldTable = ctx.tableId;
  ctx.tableId = tableId;
  if (withCtOrig) {
    if (ctx.flow[M.ct_nw_proto] === 0n || !isIpAny(ctx.flow)) {
      xreport(ctx, 'error', 'resubmit(ct) with non-tracked or non-IP packet!');
      ctx.tableId = oldTable;
      return;
    }
    tupleSwap(ctx.flow, ctx.wc);
  }
  const { rule } = lookupFromTable(ctx, tableId, inPort, mayPacketIn, honorMiss);
  if (withCtOrig) tupleSwap(ctx.flow, ctx.wc);
  const node = reportTable(ctx, rule, tableId);
  nested(ctx, node, () => xlateRecursively(ctx, rule, tableId <= oldTable, isLast, xlator));
  ctx.xin.hooks?.tableExit(ctx, node);
  ctx.tableId = oldTable;
}

function tupleSwap(f: Flow, wc: Flow): void {
  const ipv4 = f[M.dl_type] === ETH_TYPE.IP;
  const pairs: [string, string][] = [['nw_proto', 'ct_nw_proto'], ['tp_src', 'ct_tp_src'], ['tp_dst', 'ct_tp_dst'],
    ...(ipv4 ? [['nw_src', 'ct_nw_src'], ['nw_dst', 'ct_nw_dst']] as [string, string][] : [['ipv6_src', 'ct_ipv6_src'], ['ipv6_dst', 'ct_ipv6_dst']] as [string, string][])];
  for (const x of [f, wc]) for (const [a, b] of pairs) [x[M[a]], x[M[b]]] = [x[M[b]], x[M[a]]];
}

function xlateRecursively(ctx: Ctx, rule: LookupResult, deepens: boolean, isLast: boolean, xlator: ActionsXlator): void {
  const oldRule = ctx.rule, oldCookie = ctx.ruleCookie;
  ctx.resubmits++;
  if (deepens) ctx.depth++;
  ctx.rule = rule === MISS ? undefined : rule;
  ctx.ruleCookie = rule === MISS ? 0n : rule.cookie;
  xlator(ctx, rule === MISS ? [] : rule.actions, isLast, false);
  ctx.ruleCookie = oldCookie;
  ctx.rule = oldRule;
  if (deepens) ctx.depth--;
}

/** do_xlate_actions: report each action, then carry it out. */
export function doXlateActions(ctx: Ctx, acts: readonly Ofpact[], isLastAction: boolean, groupBucket: boolean): void {
  if (acts.length === 0) {
    xreport(ctx, 'action', 'drop');
    return;
  }
  // An action translated the ones after it itself (do_xlate_actions's own `exit`).
  let exit = false;
  for (let i = 0; i < acts.length; i++) {
    const a = acts[i];
    if (ctx.error !== 'OK') break;
    recircForMpls(ctx, a);
    if (ctx.exit || ctx.freezing || exit) {
      if (ctx.freezing) ctx.frozenActions.push(...acts.slice(i));
      break;
    }
    const last = isLastAction && i === acts.length - 1 && ctx.actionSet.length === 0;
    xreport(ctx, 'action', actionText(a));
    // Every action type has a handler (the table's type says so).
    const result = ACTION_HANDLERS.get(a.type)!(ctx, a, last, groupBucket, acts, i);
    if (result === true) return;
    if (result === 'rest') {
      exit = true;
      continue;
    }
    // A freeze that ends translation (a select group waiting for its dp_hash)
    // resumes with this action after the recirculation.
    if (ctx.error === 'OK' && ctx.exit && ctx.freezing && ctx.frozenActions.length === 0) {
      ctx.frozenActions.push(...acts.slice(i));
      break;
    }
  }
}

/** Actions whose effect a datapath clone must contain (reversible_actions). */
const IRREVERSIBLE = new Set(['ct', 'meter', 'nat', 'output_trunc', 'encap', 'decap', 'dec_nsh_ttl']);

/**
 * clone_xlate_actions: translate `acts` so that their changes to the packet
 * do not leak into what follows — by restoring the flow afterwards, or, when
 * the actions cannot be undone that way, inside a datapath clone().
 */
export function cloneXlateActions(ctx: Ctx, acts: readonly Ofpact[], isLast: boolean): void {
  const oldFlow = copyFlow(ctx.flow);
  const oldActionSet = ctx.actionSet;
  ctx.actionSet = [];
  const finishPipeline = () => {
    doXlateActions(ctx, acts, isLast, false);
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
  };
  if (isLast || acts.every((a) => !IRREVERSIBLE.has(a.type))) {
    finishPipeline();
  } else {
    commitActions(ctx);
    const oldBase = copyFlow(ctx.baseFlow);
    const oldWasMpls = ctx.wasMpls, oldConntracked = ctx.conntracked;
    const outer = ctx.odp;
    ctx.odp = [];
    finishPipeline();
    const inner = ctx.odp;
    ctx.odp = outer;
    if (inner.length) putOdp(ctx, { type: 'clone', actions: inner });
    ctx.conntracked = oldConntracked;
    ctx.wasMpls = oldWasMpls;
    ctx.baseFlow = oldBase;
  }
  ctx.actionSet = oldActionSet;
  ctx.flow.splice(0, ctx.flow.length, ...oldFlow);
}

/**
 * xlate_check_pkt_larger: the datapath compares the packet's length, so the
 * actions after the check are translated twice from the same packet, into
 * check_pkt_len's gt() with the result bit set and its le() with it clear.
 * As in OVS, the two share one copy of the action set: the first branch's
 * pipeline end clears it, so the second starts without it.
 */
export function xlateCheckPktLarger(ctx: Ctx, a: OfpactOf<'check_pkt_larger'>, rest: readonly Ofpact[]): void {
  const oldActionSet = ctx.actionSet;
  ctx.actionSet = oldActionSet.slice();
  const oldFlow = copyFlow(ctx.flow);
  commitActions(ctx);
  const oldBase = copyFlow(ctx.baseFlow);
  const oldWasMpls = ctx.wasMpls, oldConntracked = ctx.conntracked, oldExit = ctx.exit;
  const outer = ctx.odp;
  const branch = (larger: bigint): OdpAction[] => {
    ctx.odp = [];
    setSubfield(ctx.flow, a.dst, larger);
    doXlateActions(ctx, rest, true, false);
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
    ctx.baseFlow = copyFlow(oldBase);
    ctx.wasMpls = oldWasMpls;
    ctx.conntracked = oldConntracked;
    ctx.flow.splice(0, ctx.flow.length, ...oldFlow);
    ctx.exit = false;
    return ctx.odp;
  };
  const gt = branch(1n), le = branch(0n);
  ctx.odp = outer;
  putOdp(ctx, { type: 'check_pkt_len', size: a.pktLen, gt, le });
  ctx.actionSet = oldActionSet;
  ctx.exit = oldExit;
}

/** xlate_commit_actions: bring the datapath packet in line with the flow. */
export function commitActions(ctx: Ctx): void {
  const before = ctx.odp.length;
  ctx.slow |= commitOdpActions(ctx.flow, ctx.baseFlow, ctx.wc, ctx.odp, {
    vlanTpids: ctx.vlanTpids, pendingEncap: ctx.pendingEncap, pendingDecap: ctx.pendingDecap, encapData: ctx.encapData,
  });
  ctx.pendingEncap = ctx.pendingDecap = false;
  ctx.encapData = undefined;
  for (let i = before; i < ctx.odp.length; i++) ctx.odpSize += odpSize(ctx.odp[i]);
}

/** Netlink size of a datapath action, for the 64 kB limit. */
export function odpSize(a: OdpAction): number {
  switch (a.type) {
    case 'output': case 'recirc': case 'pop_vlan': case 'ct_clear': return 8;
    case 'push_vlan': return 8;
    case 'clone': return 4 + a.actions.reduce((n, x) => n + odpSize(x), 0);
    // struct ovs_action_push_tnl without its unused header room.
    case 'tnl_push': return 4 + 16 + ((a.header.size + 3) & ~3);
    default: return 16;
  }
}

export function putOdp(ctx: Ctx, a: OdpAction): void {
  ctx.odp.push(a);
  ctx.odpSize += odpSize(a);
}

/** xlate_action_set: run the OpenFlow 1.1+ action set at the end of the pipeline. */
export function xlateActionSet(ctx: Ctx): void {
  const list = actionSetToList(ctx.actionSet);
  ctx.actionSet = [];
  if (list.length === 0) return;
  ctx.inActionSet = true;
  const node = xreport(ctx, 'table', '--. Executing action set:');
  nested(ctx, node, () => doXlateActions(ctx, list, true, false));
  ctx.inActionSet = false;
}

/** Action set members of which only the last one written counts, in execution order (ACTION_SET_ORDER). */
const ACTION_SET_SLOTS: readonly string[] = ['strip_vlan', 'pop_mpls', 'decap', 'encap', 'push_mpls', 'push_vlan', 'dec_ttl', 'dec_mpls_ttl', 'dec_nsh_ttl'];
/** The action set runs only if it has one of these; the one later in this list wins (ACTION_SET_FINAL_PRIORITY). */
const ACTION_SET_FINAL: readonly string[] = ['ct', 'ct_clear', 'resubmit', 'output', 'group'];
/** Action set members that all run, in the order written. */
const ACTION_SET_SET_OR_MOVE: ReadonlySet<string> = new Set([
  'set_field', 'reg_move', 'set_eth_dst', 'set_eth_src', 'set_ip_dscp', 'set_ip_ecn', 'set_ip_ttl', 'set_ipv4_dst', 'set_ipv4_src',
  'set_l4_dst_port', 'set_l4_src_port', 'set_mpls_label', 'set_mpls_tc', 'set_mpls_ttl', 'set_queue', 'set_tunnel', 'set_vlan_pcp', 'set_vlan_vid',
]);

/** ofpacts_execute_action_set: the action list an action set (or a group bucket) amounts to. */
export function actionSetToList(set: readonly Ofpact[]): Ofpact[] {
  const slots = new Map<string, Ofpact>();
  const setOrMove: Ofpact[] = [];
  let final: Ofpact | undefined;
  let finalClass = -1;
  for (const a of set) {
    const f = ACTION_SET_FINAL.indexOf(a.type);
    if (ACTION_SET_SLOTS.includes(a.type)) slots.set(a.type, a);
    else if (f >= 0 && f >= finalClass) {
      final = a;
      finalClass = f;
    } else if (ACTION_SET_SET_OR_MOVE.has(a.type)) setOrMove.push(a);
  }
  // Without a final action nothing would leave the switch, so nothing runs.
  if (!final) return [];
  return [...ACTION_SET_SLOTS.flatMap((t) => slots.get(t) ?? []), ...setOrMove, final];
}

/** finish_freezing: commit, then emit recirc for the frozen rest of the actions. */
export function finishFreezing(ctx: Ctx): void {
  commitActions(ctx);
  finishFreezing__(ctx, 0);
}
