// Sending the packet somewhere: OpenFlow output ports, patch ports into
// another bridge, FLOOD/ALL, the controller (compose_output_action__,
// patch_port_output, flood_packets, xlate_controller_action).
import { M, PT_ETH, copyFlow, l3PacketType } from '../meta-flow/flow.js';
import { OFPP_ALL, OFPP_CONTROLLER, OFPP_FLOOD, OFPP_IN_PORT, OFPP_NONE, OFPP_NORMAL, OFPP_TABLE, OFPP_UNSET, formatPort } from '../ofp/ports.js';
import { xreport, type Ctx, type FrozenState } from './context.js';
import { commitActions, putOdp, xlateTableAction, xlateActionSet, finishFreezing, clearConntrack, cloneXlateActions } from './xlate.js';
import { xlateNormal } from './normal.js';
import { hmapOrder, hashInt } from './hmap-order.js';
import { byCreation, type XPort } from './world.js';
import { composeTunnelOutput, packetTypeMode, tunnelConfig } from './tunnel.js';

/** OFPR_* packet-in reasons as the datapath userspace cookie prints them. */
export const OFPR = { NO_MATCH: 0, ACTION: 1, INVALID_TTL: 2, ACTION_SET: 3, GROUP: 4, PACKET_OUT: 5 } as const;

export function xlateOutputAction(ctx: Ctx, port: number, maxLen: number, mayPacketIn: boolean, isLast: boolean, truncate: boolean, groupBucket: boolean): void {
  const inPort = Number(ctx.flow[M.in_port]);
  switch (port) {
    case OFPP_IN_PORT:
      composeOutput(ctx, inPort, isLast, truncate);
      break;
    case OFPP_TABLE:
      xlateTableAction(ctx, inPort, 0, mayPacketIn, true, false, isLast);
      break;
    case OFPP_NORMAL:
      xlateNormal(ctx);
      break;
    case OFPP_FLOOD:
      floodPackets(ctx, false, isLast);
      break;
    case OFPP_ALL:
      floodPackets(ctx, true, isLast);
      break;
    case OFPP_CONTROLLER:
      xlateController(ctx, maxLen, ctx.inActionSet ? OFPR.ACTION_SET : groupBucket ? OFPR.GROUP : OFPR.ACTION, 0);
      break;
    case OFPP_NONE:
      break;
    default:
      if (port !== inPort) composeOutput(ctx, port, isLast, truncate);
      else xreport(ctx, 'warn', 'skipping output to input port');
  }
}

/** Ports output_trunc refuses, with a warning: they are not one port of the datapath. */
const NOT_TRUNCATABLE = new Set([OFPP_TABLE, OFPP_NORMAL, OFPP_FLOOD, OFPP_ALL, OFPP_CONTROLLER, OFPP_NONE]);

/**
 * xlate_output_trunc_action: trunc(max_len) goes to the datapath ahead of
 * the output (and of what the output commits), for a port the datapath has.
 */
export function xlateOutputTrunc(ctx: Ctx, port: number, maxLen: number, isLast: boolean, groupBucket: boolean): void {
  if (NOT_TRUNCATABLE.has(port)) {
    xreport(ctx, 'warn', `output_trunc does not support port: ${formatPort(port)}`);
  } else if (port === Number(ctx.flow[M.in_port])) {
    xreport(ctx, 'warn', 'skipping output to input port');
  } else if (ctx.xbridge.ports.get(port)?.odpPort === undefined) {
    // The truncation would happen at whatever output the patch port leads to.
    xreport(ctx, 'error', `output_trunc does not support patch port ${formatPort(port)}`);
  } else {
    putOdp(ctx, { type: 'trunc', maxLen });
    xlateOutputAction(ctx, port, 0, false, isLast, true, groupBucket);
  }
}

/** compose_output_action__: output to one OpenFlow port of the current bridge. */
export function composeOutput(ctx: Ctx, ofport: number, isLast: boolean, truncate: boolean): void {
  const xport = ctx.xbridge.ports.get(ofport);
  if (!xport) {
    xreport(ctx, 'warn', 'Nonexistent output port');
    return;
  }
  if (xport.iface.config?.includes('NO_FWD')) {
    xreport(ctx, 'detail', 'OFPPC_NO_FWD set, skipping output');
    return;
  }
  const mode = packetTypeMode(xport);
  if (ctx.flow[M.packet_type] !== PT_ETH && mode === 'legacy_l2') {
    xreport(ctx, 'warn', 'Trying to send non-Ethernet packet through legacy L2 port. Dropping packet.');
    return;
  }
  if (xport.type === 'patch') {
    if (truncate) xreport(ctx, 'error', 'Cannot truncate output to patch port');
    if (xport.peer) patchPortOutput(ctx, xport, xport.peer, isLast);
    return;
  }
  const flow = ctx.flow;
  const saved = [M.vlan_tci0, M.vlan_tci1, M.nw_tos, M.dl_dst, M.dl_src, M.packet_type, M.dl_type].map((m) => flow[m]);
  const savedTpids = ctx.vlanTpids.flow;
  if (flow[M.packet_type] === PT_ETH && mode === 'legacy_l3') {
    // An L3 port takes the packet without its Ethernet header (pop_eth), one never pushed included.
    flow[M.packet_type] = l3PacketType(flow[M.dl_type]);
    ctx.pendingEncap = false;
  }
  const tunnel = tunnelConfig(xport);
  if (tunnel) {
    composeTunnelOutput(ctx, xport, tunnel, isLast, truncate);
  } else if (xport.odpPort !== undefined) {
    commitActions(ctx);
    putOdp(ctx, { type: 'output', port: xport.odpPort });
  }
  [M.vlan_tci0, M.vlan_tci1, M.nw_tos, M.dl_dst, M.dl_src, M.packet_type, M.dl_type].forEach((m, i) => { flow[m] = saved[i]; });
  ctx.vlanTpids.flow = savedTpids;
}

/** patch_port_output: continue in the peer bridge; its changes stay inside (a clone). */
export function patchPortOutput(ctx: Ctx, inDev: XPort, outDev: XPort, isLast: boolean): void {
  const flow = ctx.flow;
  const oldFlow = copyFlow(flow);
  const oldTunnelWc = ctx.wc.slice(M.tun_ip_dst, M.metadata);
  const oldConntracked = ctx.conntracked, oldWasMpls = ctx.wasMpls;
  const oldActionSet = ctx.actionSet;
  const oldTrace = ctx.trace;
  ctx.actionSet = [];
  flow[M.in_port] = BigInt(outDev.ofport);
  flow[M.metadata] = 0n;
  for (let m = M.tun_ip_dst; m < M.metadata; m++) { flow[m] = 0n; ctx.wc[m] = 0n; }
  for (let i = 0; i < 16; i++) flow[M.reg0 + i] = 0n;
  flow[M.actset_output] = BigInt(OFPP_UNSET);
  clearConntrack(ctx);
  const node = xreport(ctx, 'bridge', `bridge("${outDev.bridge.name}")`, { bridge: outDev.bridge.name });
  ctx.trace = node.subs;
  ctx.xbridge = outDev.bridge;
  if (!outDev.iface.config?.includes('NO_RECV')) {
    xlateTableAction(ctx, Number(flow[M.in_port]), 0, true, true, false, isLast, (c, acts, last) => cloneXlateActions(c, acts, last));
    if (!ctx.freezing) xlateActionSet(ctx);
    if (ctx.freezing) finishFreezing(ctx);
  }
  ctx.trace = oldTrace;
  ctx.flow.splice(0, ctx.flow.length, ...oldFlow);
  ctx.xbridge = inDev.bridge;
  ctx.actionSet = oldActionSet;
  oldTunnelWc.forEach((v, i) => { ctx.wc[M.tun_ip_dst + i] = v; });
  ctx.wasMpls = oldWasMpls;
  ctx.conntracked = oldConntracked;
  ctx.exit = false;
  ctx.error = 'OK';
}

/** The order OVS walks a bridge's ports (its xports hmap, by OpenFlow port number). */
export function portsInHmapOrder(ports: Iterable<XPort>): XPort[] {
  const list = [...ports].sort(byCreation);
  return hmapOrder(list, (p) => hashInt(p.ofport));
}

/** flood_packets: every port but the input one (FLOOD skips NO_FLOOD ports). */
function floodPackets(ctx: Ctx, all: boolean, isLast: boolean): void {
  const inPort = Number(ctx.flow[M.in_port]);
  const targets = portsInHmapOrder(ctx.xbridge.ports.values())
    .filter((p) => p.ofport !== inPort && (all || !p.iface.config?.includes('NO_FLOOD')));
  targets.forEach((p, i) => composeOutput(ctx, p.ofport, isLast && i === targets.length - 1, false));
}

/** xlate_controller_action: a packet-in, as a userspace() datapath action (sent only when side effects are allowed). */
export function xlateController(ctx: Ctx, maxLen: number, reason: number, controllerId: number, userdata?: Uint8Array): void {
  commitActions(ctx);
  // Its state has no actions and no input port, unlike a freeze's (finish_freezing__).
  const state: FrozenState = { table: ctx.tableId, bridge: ctx.xbridge, conntracked: ctx.conntracked, actionSet: [], ofpacts: [], xport: '', userdata };
  const id = ctx.xin.recircIds.alloc(state, ctx.flow);
  putOdp(ctx, {
    type: 'userspace', pid: 0,
    cookie: { type: 'controller', reason, dontSend: !ctx.xin.allowSideEffects, continuation: false, recircId: id, ruleCookie: ctx.ruleCookie, controllerId, maxLen },
  });
}
