// The trace as JSON (schema `oftrace/trace/v1`, documented in
// docs/json-schema.md): the OVS text sections plus the facts scripts would
// otherwise scrape from OVS's layout — tables and rules with their dump file
// and line, field changes, recirculations, outputs by port name and number.
import type { TracePass, TraceResult } from '../trace/ofproto-trace.js';
import { formatFlow } from '../trace/flow-format.js';
import { M } from '../meta-flow/flow.js';
import { CT_STATE_NAMES, formatFlags } from '../meta-flow/match.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import type { World, XBridge } from '../xlate/world.js';
import { outputResolver, tableRuleText, traceFacts, type OutputPort } from '../check/facts.js';

interface JsonNode {
  type: string;
  text: string;
  bridge?: string;
  table?: number;
  rule?: { file: string; line: number };
  /** On the table lookup where the packet re-entered a state it had before. */
  loop?: true;
  children?: JsonNode[];
}

interface JsonTable {
  bridge: string;
  table: number;
  /** The matched rule as OVS prints it (`match, priority N`), or OVS's miss text. */
  rule: string;
  /** Dump file and line of the matched rule; null on a table miss. */
  source: { file: string; line: number } | null;
  /** The rule's actions as translated, in order. */
  actions: string[];
  /** `->`, `>>` and `>>>>` lines under the rule. */
  notes: { type: string; text: string }[];
  /** How many resubmits/patch ports deep this lookup is (0 = top level). */
  depth: number;
}

function node(n: TraceNode): JsonNode {
  const out: JsonNode = { type: n.type, text: n.text };
  if (n.info?.bridge !== undefined) out.bridge = n.info.bridge;
  if (n.info?.table !== undefined) out.table = n.info.table;
  if (n.info?.rule) out.rule = { file: n.info.rule.file, line: n.info.rule.line };
  if (n.info?.loop) out.loop = true;
  if (n.subs.length) out.children = n.subs.map(node);
  return out;
}

/** Every table lookup of a pass, in trace order. */
function tables(nodes: TraceNode[], depth = 0, out: JsonTable[] = []): JsonTable[] {
  for (const n of nodes) {
    const isTable = n.type === 'table' && n.info?.table !== undefined && n.info.bridge !== undefined;
    if (isTable) {
      out.push({
        bridge: n.info!.bridge!,
        table: n.info!.table!,
        rule: tableRuleText(n),
        source: n.info!.rule ? { file: n.info!.rule.file, line: n.info!.rule.line } : null,
        actions: n.subs.filter((s) => s.type === 'action').map((s) => s.text),
        notes: n.subs.filter((s) => s.type === 'detail' || s.type === 'warn' || s.type === 'error').map((s) => ({ type: s.type, text: s.text })),
        depth,
      });
    }
    tables(n.subs, depth + (isTable ? 1 : 0), out);
  }
  return out;
}

/** Fields whose value differs between two `Flow:`-style strings (keywords such as `icmp` have value ""). */
function fieldChanges(before: string, after: string): { field: string; before: string | null; after: string | null }[] {
  const parse = (s: string) => new Map(s.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
  }));
  const a = parse(before), b = parse(after);
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  return fields.filter((f) => a.get(f) !== b.get(f)).map((f) => ({ field: f, before: a.get(f) ?? null, after: b.get(f) ?? null }));
}

function pass(p: TracePass, i: number, outputs: OutputPort[]) {
  const flow = formatFlow(p.flow);
  return {
    recirculation: i === 0 ? null : { id: Number(p.flow[M.recirc_id]), ctState: formatFlags(CT_STATE_NAMES, Number(p.flow[M.ct_state]), '|') },
    banner: p.banner,
    flow,
    tables: tables(p.tree),
    fieldChanges: p.finalFlow === 'unchanged' ? [] : fieldChanges(flow, p.finalFlow),
    outputs,
    finalFlow: p.finalFlow,
    megaflow: p.megaflow,
    datapathActions: p.datapathActions,
    ...(p.failure ? { translationFailed: p.failure } : {}),
    tree: p.tree.map(node),
  };
}

export function traceToJson(result: TraceResult, world: World, bridge: XBridge) {
  const resolve = outputResolver(world, bridge);
  const facts = traceFacts(result, world, bridge);
  const passes = result.passes.map((p, i) => pass(p, i, resolve(p.out.odp)));
  return {
    schema: 'oftrace/trace/v1',
    bridge: bridge.name,
    flow: passes[0].flow,
    bridges: [...new Set([bridge.name, ...facts.path.map((s) => s.at.slice(0, s.at.lastIndexOf(':')))])],
    outputs: facts.outputs,
    loop: facts.loop,
    passes,
  };
}
