// Forwarding loops: a packet that re-enters a bridge's table with exactly the
// headers and metadata it had there before, on its own path, will do the same
// thing again — OVS only stops at its depth or resubmit limit. We report the
// first such cycle once, with the tables, rules and patch ports that form it.
import { M, flowsEqual } from '../meta-flow/flow.js';
import { formatPort } from '../ofp/ports.js';
import type { SourceRef } from '../model/snapshot.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import type { TableVisit, Visits } from './visits.js';

export interface LoopStep {
  bridge: string;
  table: number;
  /** The table line as OVS prints it (`0. in_port=1, priority 100`). */
  text: string;
  rule?: SourceRef;
  /** The patch port pair the packet crossed to reach this step's bridge. */
  via?: { out: string; in: string };
}

export interface Loop {
  /** Index of the trace pass (0 = the packet, then recirculations). */
  pass: number;
  first: TraceNode;
  repeat: TraceNode;
  /** From the first visit to the repeat, which is the last step and equals the first. */
  steps: LoopStep[];
}

/** Bridge and table: a path rarely visits one twice, so only then are the entry flows compared. */
const keyOf = (v: TableVisit) => `${v.bridge.name}/${v.table}`;

const sameEntry = (a: TableVisit, b: TableVisit) => flowsEqual(a.entry, b.entry);

export function findLoop(passes: readonly { tree: TraceNode[] }[], visits: Visits): Loop | undefined {
  for (const [pass, p] of passes.entries()) {
    const path: TraceNode[] = [];
    /** Visits on the current path by key: their indexes in `path`. */
    const open = new Map<string, number[]>();
    const walk = (nodes: TraceNode[]): Loop | undefined => {
      for (const node of nodes) {
        const v = visits.get(node);
        const key = v && keyOf(v);
        const same = key === undefined ? undefined : open.get(key);
        const prior = same?.find((i) => sameEntry(visits.get(path[i])!, v!));
        if (prior !== undefined) {
          const cycle = [...path.slice(prior), node];
          node.info = { ...node.info, loop: true };
          return { pass, first: cycle[0], repeat: node, steps: stepsOf(cycle, visits) };
        }
        path.push(node);
        if (key !== undefined) open.set(key, [...(same ?? []), path.length - 1]);
        const found = walk(node.subs);
        if (found) return found;
        if (key !== undefined) {
          if (same?.length) open.set(key, same);
          else open.delete(key);
        }
        path.pop();
      }
      return undefined;
    };
    const loop = walk(p.tree);
    if (loop) return loop;
  }
  return undefined;
}

/** The table visits along `cycle` (a tree path), each noting the patch port it came in by. */
function stepsOf(cycle: TraceNode[], visits: Visits): LoopStep[] {
  const steps: LoopStep[] = [];
  let crossed = false;
  for (const node of cycle) {
    if (node.type === 'bridge') crossed = true;
    const v = visits.get(node);
    if (!v) continue;
    const step: LoopStep = { bridge: v.bridge.name, table: v.table, text: node.text, rule: node.info?.rule };
    if (crossed && steps.length) {
      const inPort = v.bridge.ports.get(Number(v.entry[M.in_port]));
      if (inPort?.peer) step.via = { out: portLabel(inPort.peer), in: portLabel(inPort) };
    }
    crossed = false;
    steps.push(step);
  }
  return steps;
}

const portLabel = (p: { name: string; ofport: number }) => `${p.name}(${formatPort(p.ofport)})`;

export const sourceLabel = (s: SourceRef) => `${s.file}:${s.line}`;

/** One line: `br-int 0 → 55 → … → [df-snat-patch(5) → ex-snat-patch(2)] br-ex 0 → … br-int 0`. */
export function loopSummary(loop: Loop): string {
  let out = '';
  let bridge = '';
  for (const s of loop.steps) {
    if (out) out += ' -> ';
    if (s.via) out += `[${s.via.out} -> ${s.via.in}] `;
    out += s.bridge === bridge ? `${s.table}` : `${s.bridge} ${s.table}`;
    bridge = s.bridge;
  }
  return out;
}

/** The `!! loop:` note: the summary, then each table of the cycle with its rule's file:line. */
export function formatLoop(loop: Loop): string[] {
  const head = loop.steps[loop.steps.length - 1];
  const lines = [`loop: bridge ${head.bridge} table ${head.table} is re-entered with the same headers and metadata, so the packet cycles until OVS's resubmit limit`,
    `  ${loopSummary(loop)}`];
  for (const s of loop.steps.slice(0, -1)) {
    if (s.via) lines.push(`    via ${s.via.out} -> ${s.via.in}`);
    lines.push(`  ${s.bridge} ${s.text}${s.rule ? `  (${sourceLabel(s.rule)})` : ''}`);
  }
  if (head.via) lines.push(`    via ${head.via.out} -> ${head.via.in}`);
  return lines;
}
