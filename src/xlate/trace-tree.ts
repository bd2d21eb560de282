// The trace tree OVS builds while translating (ofproto-dpif-trace.c's
// oftrace_node): data first, printed by render/ovs-text.ts or as JSON.
import type { SourceRef } from '../model/snapshot.js';

export type TraceNodeType = 'bridge' | 'table' | 'thaw' | 'action' | 'detail' | 'warn' | 'error' | 'bucket';

export interface TraceNode {
  type: TraceNodeType;
  text: string;
  subs: TraceNode[];
  /** Extra facts for JSON and pretty output (not printed in OVS mode). */
  info?: TraceInfo;
}

export interface TraceInfo {
  bridge?: string;
  table?: number;
  rule?: SourceRef;
  /** Set on table nodes of a loop's repeated entry. */
  loop?: boolean;
}

export function report(list: TraceNode[], type: TraceNodeType, text: string, info?: TraceInfo): TraceNode {
  const node: TraceNode = { type, text, subs: [] };
  if (info) node.info = info;
  list.push(node);
  return node;
}

const TERMINAL: ReadonlySet<TraceNodeType> = new Set(['action', 'detail', 'warn', 'error', 'bucket']);

/** oftrace_node_print_details: OVS's peculiar indentation, byte for byte. */
export function formatTraceTree(nodes: TraceNode[], level = 0, out: string[] = []): string[] {
  nodes.forEach((sub, i) => {
    if (sub.type === 'bridge') out.push('');
    const more = i < nodes.length - 1 || TERMINAL.has(sub.type) ? 1 : 0;
    const pad = ' '.repeat((level + more) * 4);
    switch (sub.type) {
      case 'detail': out.push(`${pad} -> ${sub.text}`); break;
      case 'warn': out.push(`${pad} >> ${sub.text}`); break;
      case 'error': out.push(`${pad} >>>> ${sub.text} <<<<`); break;
      case 'bridge': out.push(pad + sub.text, pad + '-'.repeat(sub.text.length)); break;
      default: out.push(pad + sub.text);
    }
    formatTraceTree(sub.subs, level + 2 * more, out);
  });
  return out;
}
