// `ofproto/trace` itself (ofproto-dpif-trace.c): print the flow, translate it,
// print the tree, the final flow, megaflow and datapath actions, then follow
// every recirculation the translation forked, each with its own section.
import { M, copyFlow, flowsEqual, type Flow } from '../meta-flow/flow.js';
import { OFPP_UNSET } from '../ofp/ports.js';
import { formatFlags, formatMatch, CT_STATE_NAMES } from '../meta-flow/match.js';
import { formatIpv4, formatIpv6 } from '../meta-flow/values.js';
import { formatOdpActions } from '../xlate/odp-actions.js';
import { xlateActions, type XlateOut } from '../xlate/xlate.js';
import { RecircIds, type RecircNode } from '../xlate/freeze.js';
import { formatTraceTree, type TraceNode } from '../xlate/trace-tree.js';
import type { World, XBridge } from '../xlate/world.js';
import type { XlateHooks } from '../xlate/context.js';
import { VisitRecorder, type Visits } from '../analysis/visits.js';
import { findLoop, type Loop } from '../analysis/loop.js';
import { formatFlow } from './flow-format.js';

export interface TraceRequest {
  world: World;
  bridge: XBridge;
  flow: Flow;
  /** --ct-next states, one per conntrack recirculation. */
  ctNext: number[];
  /** -generate: translate with side effects allowed. */
  generate?: boolean;
  /**
   * Record every lookup's packet state and look for loops (the default).
   * OVS's own text needs none of it, and copying the packet at every lookup
   * is a large share of a trace's cost: a batch printing OVS text skips it.
   */
  analyze?: boolean;
}

/** One translation pass (the initial packet or one recirculation). */
export interface TracePass {
  /** Banner lines before the pass (recirculations only). */
  banner: string[];
  flow: Flow;
  tree: TraceNode[];
  out: XlateOut;
  finalFlow: string;
  megaflow: string;
  datapathActions: string;
  failure?: string;
}

export interface TraceResult {
  passes: TracePass[];
  /** The packet state at every table lookup (src/analysis); not part of OVS's output. Empty unless analyzed. */
  visits: Visits;
  /** The packet re-entered a table in a state it had there before (never printed in OVS mode). False unless analyzed. */
  loop: boolean;
  /** That cycle's tables, rules and patch ports. */
  cycle?: Loop;
}

const CS_TRACKED = 0x20, CS_NEW = 0x01;

export function ofprotoTrace(req: TraceRequest): TraceResult {
  const queue: RecircNode[] = [];
  const recircIds = new RecircIds();
  const recorder = req.analyze === false ? undefined : new VisitRecorder();
  const passes: TracePass[] = [pass(req, req.flow, [], queue, recircIds, recorder)];
  const ctNext = req.ctNext.slice();
  while (queue.length) {
    const node = queue.shift()!;
    const banner: string[] = [];
    let head = `recirc(0x${node.id.toString(16)})`;
    let state: number;
    if (ctNext.length === 0) {
      state = CS_TRACKED | CS_NEW;
      head += ' - resume conntrack with default ct_state=trk|new (use --ct-next to customize)';
    } else {
      state = ctNext.shift()!;
      head += ` - resume conntrack with ct_state=${formatFlags(CT_STATE_NAMES, state, '|')}`;
    }
    node.flow[M.ct_state] = BigInt(state);
    banner.push(head);
    if (node.nat) banner.push(...simulateNat(node));
    passes.push(pass(req, node.flow, banner, queue, recircIds, recorder, node));
  }
  if (!recorder) return { passes, visits: new Map(), loop: false };
  const cycle = findLoop(passes, recorder.visits);
  return { passes, visits: recorder.visits, loop: cycle !== undefined, cycle };
}

function pass(req: TraceRequest, flow: Flow, banner: string[], queue: RecircNode[], recircIds: RecircIds, hooks: XlateHooks | undefined, node?: RecircNode): TracePass {
  // xlate_in_init: the action set starts without an output port.
  flow[M.actset_output] = BigInt(OFPP_UNSET);
  const initial = copyFlow(flow);
  const out = xlateActions({
    world: req.world, ofproto: req.bridge, flow: copyFlow(flow), frozen: node?.state, allowSideEffects: req.generate, recircQueue: queue, recircIds, hooks,
  });
  const same = flowsEqual(out.flow, initial);
  const megaflow = formatMatch({ flow: initial.map((v, i) => v & out.wc[i]), wc: out.wc });
  return {
    banner, flow: initial, tree: out.trace, out,
    finalFlow: same ? 'unchanged' : formatFlow(out.flow),
    megaflow,
    datapathActions: formatOdpActions(out.odp),
    failure: out.error === 'OK' ? undefined : out.error,
  };
}

/** The NAT banner: translate to the first address/port of the range, as OVS's trace does. */
function simulateNat(node: RecircNode): string[] {
  const n = node.nat!;
  const f = node.flow;
  const family = n.range?.family;
  const show = () => family === 'ipv4'
    ? `nw_src=${formatIpv4(f[M.nw_src])},tp_src=${f[M.tp_src]},nw_dst=${formatIpv4(f[M.nw_dst])},tp_dst=${f[M.tp_dst]}`
    : family === 'ipv6'
      ? `ipv6_src=${bracket(f[M.ipv6_src])},tp_src=${f[M.tp_src]},ipv6_dst=${bracket(f[M.ipv6_dst])},tp_dst=${f[M.tp_dst]}`
      : '';
  const lines = ['Replacing src/dst IP/ports to simulate NAT:', ` Initial flow: ${show()}`];
  if (n.range) {
    const [addr, port] = n.kind === 'src' ? [M.nw_src, M.tp_src] : [M.nw_dst, M.tp_dst];
    if (n.kind) {
      f[family === 'ipv4' ? addr : addr === M.nw_src ? M.ipv6_src : M.ipv6_dst] = n.range.addrMin;
      if (n.range.portMin) f[port] = BigInt(n.range.portMin);
    }
  }
  lines.push(` Modified flow: ${show()}`);
  return lines;
}

function bracket(v: bigint): string {
  return `[${formatIpv6(v)}]`;
}

/** The whole ofproto/trace text, byte for byte. */
export function formatTraceOvs(result: TraceResult): string {
  const out: string[] = [];
  result.passes.forEach((p, i) => {
    if (i > 0) {
      out.push('', '='.repeat(79), ...p.banner, '='.repeat(79), '');
    }
    out.push(`Flow: ${formatFlow(p.flow)}`);
    out.push(...formatTraceTree(p.tree));
    out.push('', `Final flow: ${p.finalFlow}`, `Megaflow: ${p.megaflow}`, `Datapath actions: ${p.datapathActions}`);
    if (p.failure) out.push(`Translation failed (${p.failure}), packet is dropped.`);
    else if (p.out.slow) out.push(...explainSlowPath(p.out.slow));
  });
  return out.join('\n') + '\n';
}

/** slow_path_reason explanations (lib/odp-util.h SLOW_PATH_REASONS), by bit. */
const SLOW_PATH_EXPLANATIONS = ['Consists of CFM packets', 'Consists of BFD packets', 'Consists of LACP packets',
  'Consists of STP packets', 'Consists of LLDP packets', 'Uses action(s) not supported by datapath',
  "Datapath can't match specifically enough"];

/** explain_slow_path: one line per reason, lowest bit first (OVS 2.x bulleted them with a tab). */
export function explainSlowPath(slow: number, bullet = '  - '): string[] {
  const lines = ['This flow is handled by the userspace slow path because it:'];
  SLOW_PATH_EXPLANATIONS.forEach((text, bit) => { if (slow & (1 << bit)) lines.push(`${bullet}${text}.`); });
  return lines;
}
