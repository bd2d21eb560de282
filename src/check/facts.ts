// What a trace did, in the terms check specs and diffs speak: the ports the
// packet leaves the switch by, the bridge:table path, the first pass's
// datapath actions and megaflow, and whether translation looped.
import type { TraceResult } from '../trace/ofproto-trace.js';
import type { OdpAction } from '../xlate/odp-actions.js';
import type { TraceNode } from '../xlate/trace-tree.js';
import type { World, XBridge, XPort } from '../xlate/world.js';

export interface OutputPort {
  /** Datapath port number, as `Datapath actions:` prints it. */
  odpPort: number;
  /** The interface behind it, when the snapshot knows it. */
  name?: string;
  bridge?: string;
  ofport?: number;
}

export interface PathStep {
  /** `bridge:table`, as check specs' `visits` name it. */
  at: string;
  /** The matched rule as the trace prints it (`match, priority N`), or the miss text. */
  rule: string;
}

export interface TraceFacts {
  /** Every datapath output of every pass, in order (a port sent to twice appears twice). */
  outputs: OutputPort[];
  datapathActions: string;
  megaflow: string;
  /** Every table lookup, in trace order, all passes. */
  path: PathStep[];
  loop: boolean;
  /** `bridge:table` where the packet re-entered a state it had before, when the detector marked it. */
  loopAt?: string;
}

export function traceFacts(result: TraceResult, world: World, bridge: XBridge): TraceFacts {
  const resolve = outputResolver(world, bridge);
  const outputs: OutputPort[] = [];
  const path: PathStep[] = [];
  // The loop detector may not be in every build; its marks on table nodes count too.
  let loop = 'loop' in result && Boolean(result.loop);
  let loopAt: string | undefined;
  const walk = (nodes: TraceNode[]) => {
    for (const n of nodes) {
      if (n.type === 'table' && n.info?.bridge !== undefined && n.info.table !== undefined) {
        path.push({ at: `${n.info.bridge}:${n.info.table}`, rule: tableRuleText(n) });
      }
      if (n.info?.loop) {
        loop = true;
        loopAt ??= `${n.info.bridge}:${n.info.table}`;
      }
      walk(n.subs);
    }
  };
  for (const p of result.passes) {
    walk(p.tree);
    outputs.push(...resolve(p.out.odp));
  }
  const first = result.passes[0];
  return { outputs, datapathActions: first.datapathActions, megaflow: first.megaflow, path, loop, loopAt };
}

/** A table node's text without OVS's `NN. ` prefix: the rule's match and priority, or the miss text. */
export function tableRuleText(n: TraceNode): string {
  return n.text.replace(/^\s*\d+\.\s*/, '');
}

/** Output ports of a datapath action list, including those inside clone/sample/check_pkt_len. */
function odpOutputs(acts: readonly OdpAction[]): number[] {
  return acts.flatMap((a) => {
    switch (a.type) {
      case 'output': return [a.port >>> 0];
      case 'clone': case 'sample': return odpOutputs(a.actions);
      case 'check_pkt_len': return [...odpOutputs(a.gt), ...odpOutputs(a.le)];
      default: return [];
    }
  });
}

/**
 * The datapath outputs of an action list, mapped back to interfaces across
 * all bridges. Without dpif/show the numbers are OpenFlow ones and may repeat
 * across bridges; the traced bridge's ports win then, as the likeliest reading.
 */
export function outputResolver(world: World, traced: XBridge): (acts: readonly OdpAction[]) => OutputPort[] {
  const map = new Map<number, XPort>();
  const bridges = [traced, ...[...world.bridges.values()].filter((b) => b !== traced)];
  for (const b of bridges) {
    for (const p of b.ports.values()) if (p.odpPort !== undefined && !map.has(p.odpPort)) map.set(p.odpPort, p);
  }
  return (acts) => odpOutputs(acts).map((port) => {
    const x = map.get(port);
    return x ? { odpPort: port, name: x.name, bridge: x.bridge.name, ofport: x.ofport } : { odpPort: port };
  });
}

/** How an output is shown: `eth-ext(3)` by name and OpenFlow number, else the datapath number. */
export function formatOutput(o: OutputPort): string {
  return o.name === undefined ? `dp${o.odpPort}` : `${o.name}(${o.ofport === 65534 ? 'LOCAL' : o.ofport})`;
}

/** Outputs for a report line, repeats counted: `tap-vm4(11) x32, eth-ext(3)`. */
export function formatOutputs(outputs: readonly OutputPort[]): string {
  if (outputs.length === 0) return '(none)';
  const counts = new Map<string, number>();
  for (const o of outputs) counts.set(formatOutput(o), (counts.get(formatOutput(o)) ?? 0) + 1);
  return [...counts].map(([s, n]) => (n > 1 ? `${s} x${n}` : s)).join(', ');
}

/** Whether a spec's port (a name, an OpenFlow number or LOCAL) names this output. */
export function outputMatches(o: OutputPort, port: string): boolean {
  if (o.name === port) return true;
  if (port === 'LOCAL') return o.ofport === 65534;
  return /^\d+$/.test(port) && o.ofport === Number(port);
}
