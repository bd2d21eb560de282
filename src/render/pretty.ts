// The trace for a person at a terminal: OVS's tree with plain nesting, each
// rule's dump file:line, port names beside numbers, oftrace's notes inline
// (loop, why, explain) and long repetitive subtrees folded. OVS mode
// (formatTraceOvs) stays the byte-exact one; this is never parsed by scripts.
import { Chalk, type ChalkInstance } from 'chalk';
import { NOTE_MARK, type Note } from '../analysis/notes.js';
import { sourceLabel } from '../analysis/loop.js';
import type { TraceResult } from '../trace/ofproto-trace.js';
import { formatTraceTree, type TraceNode } from '../xlate/trace-tree.js';
import type { World } from '../xlate/world.js';
import { formatFlow } from '../trace/flow-format.js';

export interface PrettyOptions {
  color: boolean;
  notes: ReadonlyMap<TraceNode, Note[]>;
}

/** Identical sibling subtrees at least this long print once. */
const FOLD_MIN_LINES = 4;

export function formatTracePretty(result: TraceResult, world: World, opts: PrettyOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const r = new Renderer(c, world, opts.notes);
  const out: string[] = [];
  result.passes.forEach((p, i) => {
    if (i > 0) out.push('', c.dim('='.repeat(79)), ...p.banner.map((b) => c.bold(b)), c.dim('='.repeat(79)), '');
    out.push(`${c.bold('Flow:')} ${formatFlow(p.flow)}`);
    out.push(...r.tree(p.tree));
    out.push('', `${c.bold('Final flow:')} ${p.finalFlow}`, `${c.bold('Megaflow:')} ${p.megaflow}`,
      `${c.bold('Datapath actions:')} ${r.datapathActions(p.datapathActions)}`);
    if (p.failure) out.push(c.red(`Translation failed (${p.failure}), packet is dropped.`));
  });
  return out.join('\n') + '\n';
}

class Renderer {
  private readonly signatures = new Map<TraceNode, string>();
  private readonly odpNames = new Map<number, string>();

  constructor(private readonly c: ChalkInstance, private readonly world: World, private readonly notes: ReadonlyMap<TraceNode, Note[]>) {
    for (const b of world.bridges.values()) for (const p of b.ports.values()) if (p.odpPort !== undefined) this.odpNames.set(p.odpPort, p.name);
  }

  tree(nodes: TraceNode[], depth = 0, bridge = '', out: string[] = []): string[] {
    const pad = '    '.repeat(depth);
    const seen = new Set<string>();
    for (const node of nodes) {
      if (node.type === 'bridge') {
        bridge = node.info?.bridge ?? bridge;
        out.push('', pad + this.c.cyan.bold(node.text));
      } else {
        out.push(pad + this.line(node, bridge));
      }
      for (const note of this.notes.get(node) ?? []) this.note(note, pad + '    ', out);
      const size = node.subs.length ? formatTraceTree(node.subs).length : 0;
      if (node.info?.loop) {
        out.push(`${pad}    ${this.c.dim(`… ${size} more lines of OVS's trace: the loop repeating (--format ovs prints them)`)}`);
        continue;
      }
      const sig = size >= FOLD_MIN_LINES ? this.signature(node) : undefined;
      if (sig !== undefined && seen.has(sig)) {
        out.push(`${pad}    ${this.c.dim(`… same as above (${size} lines)`)}`);
        continue;
      }
      if (sig !== undefined) seen.add(sig);
      this.tree(node.subs, depth + 1, node.info?.bridge ?? bridge, out);
    }
    return out;
  }

  private line(node: TraceNode, bridge: string): string {
    const c = this.c;
    const text = this.portNames(node.text, bridge);
    switch (node.type) {
      case 'table': {
        const src = node.info?.rule ? c.dim(`  ${sourceLabel(node.info.rule)}`) : '';
        const body = / No match\.$|^--\./.test(node.text) ? c.red(text.trim()) : c.yellow(text.trim());
        return body + src;
      }
      case 'detail': return c.dim(`-> ${text}`);
      case 'warn': return c.yellow(`>> ${text}`);
      case 'error': return c.red.bold(`>>>> ${text} <<<<`);
      case 'thaw': return c.magenta(text);
      default: return text;
    }
  }

  private note(note: Note, pad: string, out: string[]): void {
    const colour = note.kind === 'loop' ? this.c.red.bold : note.kind === 'why' ? this.c.magenta : this.c.blue;
    note.lines.forEach((l, i) => out.push(pad + colour(`${i === 0 ? NOTE_MARK[note.kind] + ' ' : '   '}${l}`)));
  }

  /** `output:5` → `output:5(df-snat-patch)`, `in_port=1` → `in_port=1(df-provider-patch)`. */
  private portNames(text: string, bridge: string): string {
    const ports = this.world.bridges.get(bridge)?.ports;
    if (!ports) return text;
    return text.replace(/\b(output:|in_port=)(\d+)\b/g, (all, pre: string, n: string) => {
      const p = ports.get(Number(n));
      return p ? `${pre}${n}(${p.name})` : all;
    });
  }

  /** Top-level datapath output ports get the interface's name: `4(tap-vm4),ct(zone=2),recirc(0x5)`. */
  datapathActions(text: string): string {
    let depth = 0, start = 0;
    const parts: string[] = [];
    for (let i = 0; i <= text.length; i++) {
      const ch = text[i];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      else if ((ch === ',' && depth === 0) || i === text.length) {
        parts.push(text.slice(start, i));
        start = i + 1;
      }
    }
    return foldRuns(parts.map((p) => (/^\d+$/.test(p) && this.odpNames.has(Number(p)) ? `${p}(${this.odpNames.get(Number(p))})` : p))).join(',');
  }

  /** A subtree's identity for folding repeats (type and text, recursively). */
  private signature(node: TraceNode): string {
    let s = this.signatures.get(node);
    if (s === undefined) {
      s = `${node.type}:${node.text}[${node.subs.map((n) => this.signature(n)).join('|')}]`;
      this.signatures.set(node, s);
    }
    return s;
  }
}

/** A storm's `4,5,4,5,…` becomes `[4,5]×32`: at each point, the period (up to 4 actions) that repeats longest, if 3+ times. */
export function foldRuns(tokens: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < tokens.length) {
    let best = { period: 1, times: 1 };
    for (let period = 1; period <= 4; period++) {
      let times = 1;
      while (tokens.slice(i + times * period, i + (times + 1) * period).join() === tokens.slice(i, i + period).join() && i + (times + 1) * period <= tokens.length) times++;
      if (times >= 3 && period * times > best.period * best.times) best = { period, times };
    }
    const unit = tokens.slice(i, i + best.period);
    out.push(best.times === 1 ? unit[0] : `${best.period > 1 ? `[${unit.join(',')}]` : unit[0]}\u00d7${best.times}`);
    i += best.period * best.times;
  }
  return out;
}
