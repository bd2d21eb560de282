// The packet state at every table lookup of a trace, recorded through xlate's
// hooks: the raw material for loop detection, --why and --explain, which OVS's
// own trace has no room for.
import { copyFlow, type Flow } from '../meta-flow/flow.js';
import type { Rule } from '../model/rule.js';
import type { Ctx, XlateHooks } from '../xlate/context.js';
import type { OdpAction } from '../xlate/odp-actions.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import type { XBridge } from '../xlate/world.js';

export interface TableVisit {
  node: TraceNode;
  bridge: XBridge;
  table: number;
  /** What the lookup found; absent on a miss (OVS's internal no_packet_in_rule). */
  rule?: Rule;
  /** The packet as the lookup saw it. */
  entry: Flow;
  /** The megaflow mask right after the lookup, its own bits included. */
  wc: Flow;
  /** The datapath actions composed before it. */
  odp: OdpAction[];
  /** The packet once the rule's actions, and all they resubmitted to, finished (absent for a pass's first table). */
  exit?: Flow;
}

export type Visits = ReadonlyMap<TraceNode, TableVisit>;

export class VisitRecorder implements XlateHooks {
  readonly visits = new Map<TraceNode, TableVisit>();

  tableEntry(ctx: Ctx, node: TraceNode, rule: Rule | undefined): void {
    this.visits.set(node, {
      node, bridge: ctx.xbridge, table: node.info?.table ?? ctx.tableId, rule, entry: copyFlow(ctx.flow), wc: copyFlow(ctx.wc), odp: ctx.odp.slice(),
    });
  }

  tableExit(ctx: Ctx, node: TraceNode): void {
    const v = this.visits.get(node);
    if (v) v.exit = copyFlow(ctx.flow);
  }
}

/** The table visits directly under `node` in the same bridge (resubmits and goto_tables, in order). */
export function childVisits(node: TraceNode, visits: Visits): TableVisit[] {
  const out: TableVisit[] = [];
  for (const sub of node.subs) {
    const v = sub.type === 'table' ? visits.get(sub) : undefined;
    if (v) out.push(v);
  }
  return out;
}
