// oftrace's annotations on a trace tree — the loop, why a lookup missed, what
// earlier resubmits left behind — keyed by the table node they are about, for
// the pretty renderer (inline) and OVS mode (a section after OVS's text).
import type { TraceResult } from '../trace/ofproto-trace.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import { carriedChanges, formatCarried, type Carried } from './explain.js';
import { formatLoop } from './loop.js';
import { formatNearMiss, nearMisses } from './why.js';

export type NoteKind = 'loop' | 'why' | 'explain';

export interface Note {
  kind: NoteKind;
  lines: string[];
}

export interface NoteOptions {
  /** Tables whose every lookup gets near misses (--why). */
  why: ReadonlySet<number>;
  /** Near misses on every `No match.` too (pretty mode). */
  whyOnMiss: boolean;
  /** Carried-over changes at each resubmit (--explain). */
  explain: boolean;
}

export function traceNotes(result: TraceResult, opts: NoteOptions): Map<TraceNode, Note[]> {
  const notes = new Map<TraceNode, Note[]>();
  const add = (node: TraceNode, note: Note) => notes.set(node, [...(notes.get(node) ?? []), note]);
  if (result.cycle) add(result.cycle.repeat, { kind: 'loop', lines: formatLoop(result.cycle) });
  const carried = carriedChanges(result.visits);
  for (const visit of result.visits.values()) {
    const here = carried.get(visit.node) ?? [];
    if (opts.explain && here.length) {
      add(visit.node, { kind: 'explain', lines: ['explain: earlier resubmits changed the packet this lookup sees:', ...here.map((c) => `  ${formatCarried(c, visit)}`)] });
    }
    const miss = !visit.node.info?.rule;
    if (!opts.why.has(visit.table) && !(opts.whyOnMiss && miss)) continue;
    const origin = (m: number) => originOf(here, m);
    const near = nearMisses(visit, (m) => origin(m) !== undefined);
    const head = miss ? 'why: no rule matched; closest:' : 'why: higher-priority rules that did not match:';
    const lines = near.length ? [head, ...near.map((n) => `  ${formatNearMiss(n, visit, origin)}`)]
      : [miss ? `why: table ${visit.table} has no rules` : 'why: no rule outranks the one that matched'];
    add(visit.node, { kind: 'why', lines });
  }
  return notes;
}

/** `(set at table 76)` when an earlier resubmit left the packet's value of member `m` behind. */
function originOf(carried: Carried[], m: number): string | undefined {
  const c = carried.find((x) => x.member === m);
  return c && `(set at table ${c.setAt.table} by an earlier resubmit)`;
}

/** OVS mode with --why/--explain: the notes after OVS's untouched text, each under the lookup it is about. */
export function formatNotesAppendix(result: TraceResult, notes: ReadonlyMap<TraceNode, Note[]>): string {
  const out: string[] = [];
  result.passes.forEach((p, pass) => {
    const walk = (nodes: TraceNode[]) => {
      for (const node of nodes) {
        const here = notes.get(node);
        if (here) {
          out.push(`${pass ? `pass ${pass + 1}, ` : ''}bridge ${node.info?.bridge}: ${node.text.trim()}`);
          for (const n of here) n.lines.forEach((l, i) => out.push(`    ${i === 0 ? NOTE_MARK[n.kind] + ' ' : '   '}${l}`));
        }
        walk(node.subs);
      }
    };
    walk(p.tree);
  });
  return out.length ? ['', 'oftrace notes (not part of OVS\'s output):', ...out].join('\n') + '\n' : '';
}

export const NOTE_MARK: Record<NoteKind, string> = { loop: '!!', why: '??', explain: '~~' };
