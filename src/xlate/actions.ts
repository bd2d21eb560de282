// What each OpenFlow action does to the packet, the megaflow mask and the
// datapath actions: one handler per ofpact type (do_xlate_actions' switch).
// A handler returning true stops the current action list, as OVS's `return`.
import { setFieldValue, unwildcardField, getFieldValue, deleteTunMetadata } from '../meta-flow/field.js';
import { formatSubfield } from '../meta-flow/subfield.js';
import { formatFieldValue } from '../ofp/field-value.js';
import { M, allOnes, unwildcardMembers, ETH_TYPE, VLAN_CFI, VLAN_VID_MASK, VLAN_PCP_MASK, FLOW_NW_FRAG_LATER, isIpAny, type Flow } from '../meta-flow/flow.js';
import { prereqsOk } from '../meta-flow/prereqs.js';
import { formatHex } from '../meta-flow/values.js';
import { OFPP_IN_PORT, OFPP_UNSET } from '../ofp/ports.js';
import type { Ofpact, OfpactOf, OfpactType } from '../ofp/ofpact.js';
import type { Subfield } from '../meta-flow/subfield.js';
import { xreport, type Ctx } from './context.js';
import { xlateTableAction, actionSetToList, cloneXlateActions, xlateCheckPktLarger } from './xlate.js';
import { xlateOutputAction, xlateOutputTrunc, xlateController, OFPR } from './output.js';
import { composeConntrack, composeCtClear } from './conntrack.js';
import { decMplsTtl, popMpls, pushMpls, setMplsLabel, setMplsTc, setMplsTtl } from './mpls.js';
import { xlateGroupAction } from './group.js';
import { xlateLearn } from './learn.js';
import { subfieldValue, setSubfield, unwildcardSubfield, regLoad } from './subfield-ops.js';
import { bundleExecute } from './bundle.js';
import { xlateMultipath } from './multipath.js';
import { decNshTtl, xlateDecap, xlateEncap } from './encap.js';
import { queueToPriority, xlateEnqueue } from './queues.js';
import { SLOW_ACTION } from './odp-commit.js';
import { formatActions } from '../ofp/actions.js';

/**
 * An action's translation, given the action list it is in (`acts[at]` is the
 * action). It returns true when the list stops there, 'rest' when it has
 * translated the actions after it itself (check_pkt_larger).
 */
type Handler<T extends OfpactType> = (ctx: Ctx, a: OfpactOf<T>, last: boolean, groupBucket: boolean, acts: readonly Ofpact[], at: number) => HandlerResult;
type AnyHandler = (ctx: Ctx, a: Ofpact, last: boolean, groupBucket: boolean, acts: readonly Ofpact[], at: number) => HandlerResult;
type HandlerResult = boolean | 'rest' | void;


/** xlate_report_subfield: `-> NXM_NX_REG0[] is now 0x5`. */
export function reportSubfield(ctx: Ctx, sf: Subfield): void {
  let value: string;
  if (sf.ofs === 0 && sf.nBits >= sf.field.bits) {
    value = formatFieldValue(sf.field, getFieldValue(ctx.flow, sf.field), allOnes(sf.field.bits));
  } else {
    value = formatHex(subfieldValue(ctx.flow, sf));
  }
  xreport(ctx, 'detail', `${formatSubfield(sf)} is now ${value}`);
}

/** mf_set_mask_l3_prereqs: setting L3 fields makes the megaflow match the protocol. */
const L3_FIELDS = new Set(['MFF_IPV4_SRC', 'MFF_IPV4_DST', 'MFF_IPV6_SRC', 'MFF_IPV6_DST', 'MFF_IPV6_LABEL', 'MFF_IP_DSCP', 'MFF_IP_ECN', 'MFF_IP_TTL']);
const ARP_FIELDS = new Set(['MFF_ARP_OP', 'MFF_ARP_SHA', 'MFF_ARP_THA', 'MFF_ARP_SPA', 'MFF_ARP_TPA']);

/** flow_count_vlan_headers */
function vlanCount(f: Flow): number {
  if (!(f[M.vlan_tci0] & VLAN_CFI)) return 0;
  return f[M.vlan_tci1] & VLAN_CFI ? 2 : 1;
}

/** compose_dec_ttl: true stops the action list (TTL exception). */
function decTtl(ctx: Ctx, ids: number[]): boolean {
  const flow = ctx.flow;
  if (!isIpAny(flow)) return false;
  ctx.wc[M.nw_ttl] = 0xffn;
  if (flow[M.nw_ttl] > 1n) {
    flow[M.nw_ttl]--;
    return false;
  }
  for (const id of ids) xlateController(ctx, 0xffff, OFPR.INVALID_TTL, id);
  xreport(ctx, 'warn', `IPv${flow[M.dl_type] === ETH_TYPE.IP ? 4 : 6} decrement TTL exception`);
  return true;
}

/** ctx_trigger_freeze: translation stops here and resumes, after a recirculation, with the actions after `at`. */
function freezeRest(ctx: Ctx, acts: readonly Ofpact[], at: number): true {
  ctx.exit = ctx.freezing = true;
  ctx.frozenActions.push(...acts.slice(at + 1));
  return true;
}

const HANDLERS: { [T in OfpactType]: Handler<T> } = {
  output: (ctx, a, last, gb) => xlateOutputAction(ctx, a.port, a.maxLen, true, last, false, gb),
  output_trunc: (ctx, a, last, gb) => xlateOutputTrunc(ctx, a.port, a.maxLen, last, gb),
  output_reg: (ctx, a, last, gb) => {
    const port = subfieldValue(ctx.flow, a.src);
    if (port > 0xffffn) {
      xreport(ctx, 'warn', `output port ${port} is out of range`);
      return;
    }
    xreport(ctx, 'detail', `output port is ${port}`);
    unwildcardSubfield(ctx.wc, a.src);
    xlateOutputAction(ctx, Number(port), a.maxLen, false, last, false, gb);
  },
  bundle: (ctx, a, last, gb) => {
    const port = bundleExecute(ctx, a);
    if (a.dst) {
      regLoad(ctx.flow, ctx.wc, a.dst, BigInt(port));
      reportSubfield(ctx, a.dst);
    } else {
      xlateOutputAction(ctx, port, 0, false, last, false, gb);
    }
  },
  group: (ctx, a, last) => xlateGroupAction(ctx, a.groupId, last),
  controller: (ctx, a) => {
    if (a.pause) {
      ctx.pause = { userdata: a.userdata };
      ctx.freezing = true;
      return;
    }
    xlateController(ctx, a.maxLen, reasonCode(a.reason), a.controllerId, a.userdata);
  },
  resubmit: (ctx, a, last) => {
    const inPort = a.inPort === OFPP_IN_PORT ? Number(ctx.flow[M.in_port]) : a.inPort;
    const table = a.tableId === 255 ? ctx.tableId : a.tableId;
    xlateTableAction(ctx, inPort, table, false, false, a.withCtOrig, last);
  },
  goto_table: (ctx, a, last) => xlateTableAction(ctx, Number(ctx.flow[M.in_port]), a.tableId, true, true, false, last),
  set_field: (ctx, a) => {
    const f = a.field;
    if (!prereqsOk(f, ctx.flow, ctx.wc)) {
      xreport(ctx, 'warn', `unmet prerequisites for ${f.name}, set_field ignored`);
      return;
    }
    if (isIpAny(ctx.flow) && L3_FIELDS.has(f.id)) unwildcardMembers(ctx.wc, 'nw_proto');
    else if (ctx.flow[M.dl_type] === ETH_TYPE.ARP && ARP_FIELDS.has(f.id)) unwildcardMembers(ctx.wc, 'nw_proto');
    unwildcardField(ctx.wc, f, a.mask);
    setFieldValue(ctx.flow, f, a.value, a.mask);
    // Setting a VLAN VID or PCP on an untagged packet tags it (flow_set_vlan_*).
    if ((f.id === 'MFF_DL_VLAN' || f.id === 'MFF_DL_VLAN_PCP' || f.id === 'MFF_VLAN_PCP') && ctx.flow[M.vlan_tci0]) ctx.flow[M.vlan_tci0] |= VLAN_CFI;
  },
  reg_move: (ctx, a) => {
    unwildcardSubfield(ctx.wc, a.src);
    unwildcardSubfield(ctx.wc, a.dst);
    setSubfield(ctx.flow, a.dst, subfieldValue(ctx.flow, a.src));
    reportSubfield(ctx, a.dst);
  },
  set_eth_src: (ctx, a) => { unwildcardMembers(ctx.wc, 'dl_src'); ctx.flow[M.dl_src] = a.mac; },
  set_eth_dst: (ctx, a) => { unwildcardMembers(ctx.wc, 'dl_dst'); ctx.flow[M.dl_dst] = a.mac; },
  set_ipv4_src: (ctx, a) => {
    if (ctx.flow[M.dl_type] !== ETH_TYPE.IP) return;
    unwildcardMembers(ctx.wc, 'nw_src', 'nw_proto');
    ctx.flow[M.nw_src] = a.ipv4;
  },
  set_ipv4_dst: (ctx, a) => {
    if (ctx.flow[M.dl_type] !== ETH_TYPE.IP) return;
    unwildcardMembers(ctx.wc, 'nw_dst', 'nw_proto');
    ctx.flow[M.nw_dst] = a.ipv4;
  },
  set_ip_dscp: (ctx, a) => {
    if (!isIpAny(ctx.flow)) return;
    unwildcardMembers(ctx.wc, 'nw_proto');
    ctx.wc[M.nw_tos] |= 0xfcn;
    ctx.flow[M.nw_tos] = (ctx.flow[M.nw_tos] & 0x03n) | BigInt(a.dscp);
  },
  set_ip_ecn: (ctx, a) => {
    if (!isIpAny(ctx.flow)) return;
    unwildcardMembers(ctx.wc, 'nw_proto');
    ctx.wc[M.nw_tos] |= 0x03n;
    ctx.flow[M.nw_tos] = (ctx.flow[M.nw_tos] & 0xfcn) | BigInt(a.ecn);
  },
  set_ip_ttl: (ctx, a) => {
    if (!isIpAny(ctx.flow)) return;
    unwildcardMembers(ctx.wc, 'nw_proto');
    ctx.wc[M.nw_ttl] = 0xffn;
    ctx.flow[M.nw_ttl] = BigInt(a.ttl);
  },
  set_l4_src_port: (ctx, a) => {
    if (!isIpAny(ctx.flow) || ctx.flow[M.nw_frag] & FLOW_NW_FRAG_LATER) return;
    unwildcardMembers(ctx.wc, 'nw_proto', 'tp_src');
    ctx.flow[M.tp_src] = BigInt(a.port);
  },
  set_l4_dst_port: (ctx, a) => {
    if (!isIpAny(ctx.flow) || ctx.flow[M.nw_frag] & FLOW_NW_FRAG_LATER) return;
    unwildcardMembers(ctx.wc, 'nw_proto', 'tp_dst');
    ctx.flow[M.tp_dst] = BigInt(a.port);
  },
  set_vlan_vid: (ctx, a) => {
    ctx.wc[M.vlan_tci0] |= VLAN_VID_MASK | VLAN_CFI;
    if (ctx.flow[M.vlan_tci0] & VLAN_CFI || a.pushIfNeeded) {
      ctx.flow[M.vlan_tci0] = (ctx.flow[M.vlan_tci0] & ~VLAN_VID_MASK) | BigInt(a.vid) | VLAN_CFI;
    }
  },
  set_vlan_pcp: (ctx, a) => {
    ctx.wc[M.vlan_tci0] |= VLAN_PCP_MASK | VLAN_CFI;
    if (ctx.flow[M.vlan_tci0] & VLAN_CFI || a.pushIfNeeded) {
      ctx.flow[M.vlan_tci0] = (ctx.flow[M.vlan_tci0] & ~VLAN_PCP_MASK) | (BigInt(a.pcp) << 13n) | VLAN_CFI;
    }
  },
  strip_vlan: (ctx) => {
    const n = vlanCount(ctx.flow);
    if (n > 1) {
      ctx.wc[M.vlan_tci1] = allOnes(16);
      ctx.flow[M.vlan_tci0] = ctx.flow[M.vlan_tci1];
    }
    if (n > 0) ctx.flow[n > 1 ? M.vlan_tci1 : M.vlan_tci0] = 0n;
    ctx.vlanTpids.flow = ctx.vlanTpids.flow.slice(1);
  },
  push_vlan: (ctx, a) => {
    const n = vlanCount(ctx.flow);
    if (n) ctx.wc[M.vlan_tci0] = allOnes(16);
    if (n > 0) ctx.wc[M.vlan_tci1] = n > 1 ? allOnes(16) : ctx.wc[M.vlan_tci1];
    ctx.flow[M.vlan_tci1] = ctx.flow[M.vlan_tci0];
    ctx.flow[M.vlan_tci0] = VLAN_CFI;
    ctx.vlanTpids.flow = [a.ethertype, ctx.vlanTpids.flow[0] ?? 0x8100];
  },
  push_mpls: (ctx, a) => pushMpls(ctx, a.ethertype),
  pop_mpls: (ctx, a) => popMpls(ctx, a.ethertype),
  set_mpls_label: (ctx, a) => setMplsLabel(ctx, a.label),
  set_mpls_tc: (ctx, a) => setMplsTc(ctx, a.tc),
  set_mpls_ttl: (ctx, a) => setMplsTtl(ctx, a.ttl),
  dec_mpls_ttl: (ctx) => decMplsTtl(ctx),
  dec_ttl: (ctx, a) => {
    ctx.wc[M.nw_ttl] = 0xffn;
    unwildcardMembers(ctx.wc, 'nw_proto');
    return decTtl(ctx, a.controllerIds);
  },
  dec_nsh_ttl: (ctx) => decNshTtl(ctx),
  encap: (ctx, a) => xlateEncap(ctx, a),
  // Recirculate for the inner packet (which ofproto/trace does not follow), going on after decap().
  decap: (ctx, a, _last, _groupBucket, acts, at) => (xlateDecap(ctx, a) && ctx.error === 'OK' ? freezeRest(ctx, acts, at) : undefined),
  // A recirculation for its own sake (ctx_trigger_freeze), which ofproto/trace does not follow either.
  debug_recirc: (ctx, _a, _last, _groupBucket, acts, at) => freezeRest(ctx, acts, at),
  debug_slow: (ctx) => {
    ctx.slow |= SLOW_ACTION;
  },
  // check_DELETE_FIELD allows tun_metadata fields only.
  delete_field: (ctx, a) => {
    deleteTunMetadata(ctx.flow, a.field);
    xreport(ctx, 'detail', `delete ${a.field.name}`);
  },
  set_tunnel: (ctx, a) => { ctx.flow[M.tun_id] = a.tunId; },
  set_queue: (ctx, a) => {
    unwildcardMembers(ctx.wc, 'skb_priority');
    const priority = queueToPriority(ctx, a.queueId);
    if (priority !== undefined) ctx.flow[M.skb_priority] = BigInt(priority);
  },
  enqueue: (ctx, a, last, gb) => {
    unwildcardMembers(ctx.wc, 'skb_priority');
    xlateEnqueue(ctx, a, last, gb);
  },
  pop_queue: (ctx) => {
    unwildcardMembers(ctx.wc, 'skb_priority');
    if (ctx.flow[M.skb_priority] !== ctx.origSkbPriority) {
      ctx.flow[M.skb_priority] = ctx.origSkbPriority;
      xreport(ctx, 'detail', `queue = ${formatHex(ctx.flow[M.skb_priority])}`);
    }
  },
  note: () => undefined,
  exit: (ctx) => { ctx.exit = true; },
  conjunction: (ctx) => { xreport(ctx, 'error', 'executing no-op conjunction action'); },
  fin_timeout: (ctx) => unwildcardMembers(ctx.wc, 'nw_proto'),
  learn: (ctx, a) => xlateLearn(ctx, a),
  write_metadata: (ctx, a) => {
    ctx.flow[M.metadata] = (ctx.flow[M.metadata] & ~a.mask) | (a.metadata & a.mask);
  },
  clear_actions: (ctx) => {
    reportActionSet(ctx, 'was');
    ctx.actionSet = [];
    ctx.flow[M.actset_output] = BigInt(OFPP_UNSET);
  },
  write_actions: (ctx, a) => {
    writeActions(ctx, a.actions);
    reportActionSet(ctx, 'is');
  },
  meter: () => undefined,
  // xlate_sample_action does nothing on a bridge without an IPFIX exporter, and no dump says whether there is one.
  sample: (ctx) => ctx.xin.world.warnOnce('the dumps do not show IPFIX settings: sample actions are traced as OVS does with no IPFIX exporter (nothing sampled)'),
  ct: (ctx, a, last) => composeConntrack(ctx, a, last),
  ct_clear: (ctx) => composeCtClear(ctx),
  nat: (ctx, a) => { ctx.ctNat = a; },
  clone: (ctx, a, last) => cloneXlateActions(ctx, a.actions, last),
  check_pkt_larger: (ctx, a, _last, _groupBucket, acts, at) => {
    xlateCheckPktLarger(ctx, a, acts.slice(at + 1));
    return 'rest';
  },
  multipath: (ctx, a) => {
    xlateMultipath(ctx, a);
    reportSubfield(ctx, a.dst);
  },
  stack_push: (ctx, a) => {
    unwildcardSubfield(ctx.wc, a.subfield);
    STACKS.get(ctx)?.push(subfieldValue(ctx.flow, a.subfield)) ?? STACKS.set(ctx, [subfieldValue(ctx.flow, a.subfield)]);
  },
  stack_pop: (ctx, a) => {
    const v = STACKS.get(ctx)?.pop();
    if (v === undefined) {
      xreport(ctx, 'error', 'stack underflow');
      return;
    }
    regLoad(ctx.flow, ctx.wc, a.subfield, v);
    reportSubfield(ctx, a.subfield);
  },
};

const STACKS = new WeakMap<Ctx, bigint[]>();

/** OpenFlow packet-in reason names used by controller(reason=...). */
function reasonCode(reason: string): number {
  const codes: Record<string, number> = { no_match: 0, action: 1, invalid_ttl: 2, action_set: 3, group: 4, packet_out: 5 };
  return codes[reason] ?? 1;
}

/**
 * xlate_write_actions: append to the action set (actionSetToList picks what
 * runs).  actset_output follows the last output written, until a group.
 */
function writeActions(ctx: Ctx, acts: readonly Ofpact[]): void {
  if (!ctx.actionSet.some((a) => a.type === 'group')) {
    for (const a of acts) {
      if (a.type === 'output') ctx.flow[M.actset_output] = BigInt(a.port);
      if (a.type === 'group') {
        ctx.flow[M.actset_output] = BigInt(OFPP_UNSET);
        break;
      }
    }
  }
  ctx.actionSet = [...ctx.actionSet, ...acts];
}

function reportActionSet(ctx: Ctx, verb: string): void {
  const list = actionSetToList(ctx.actionSet);
  xreport(ctx, 'detail', list.length ? `action set ${verb}: ${formatActions(list)}` : `action set ${verb} empty`);
}

export const ACTION_HANDLERS: ReadonlyMap<string, AnyHandler> = new Map(Object.entries(HANDLERS) as [string, AnyHandler][]);
