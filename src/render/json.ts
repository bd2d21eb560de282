// The trace as JSON: the OVS text sections plus the tree as data, so scripts
// need not scrape OVS's layout.
import type { TraceResult } from '../trace/ofproto-trace.js';
import { formatFlow } from '../trace/flow-format.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import type { XBridge } from '../xlate/world.js';

interface JsonNode {
  type: string;
  text: string;
  bridge?: string;
  table?: number;
  rule?: { file: string; line: number };
  children?: JsonNode[];
}

function node(n: TraceNode): JsonNode {
  const out: JsonNode = { type: n.type, text: n.text };
  if (n.info?.bridge !== undefined) out.bridge = n.info.bridge;
  if (n.info?.table !== undefined) out.table = n.info.table;
  if (n.info?.rule) out.rule = { file: n.info.rule.file, line: n.info.rule.line };
  if (n.subs.length) out.children = n.subs.map(node);
  return out;
}

export function traceToJson(result: TraceResult, bridge: XBridge) {
  return {
    schema: 'oftrace/trace/v1',
    bridge: bridge.name,
    passes: result.passes.map((p) => ({
      banner: p.banner,
      flow: formatFlow(p.flow),
      tree: p.tree.map(node),
      finalFlow: p.finalFlow,
      megaflow: p.megaflow,
      datapathActions: p.datapathActions,
      ...(p.failure ? { translationFailed: p.failure } : {}),
    })),
  };
}
