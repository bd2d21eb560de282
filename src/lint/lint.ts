// `oftrace lint`: static mistakes in a bridge's flow tables and ports that no
// single trace shows — rules that can never match, jumps into empty tables,
// outputs to ports that do not exist, patch ports that lead nowhere.
import { N_MEMBERS } from '../meta-flow/flow.js';
import { formatMatch } from '../meta-flow/match.js';
import type { Ofpact } from '../ofp/ofpact.js';
import { OFPP_MAX, formatPort } from '../ofp/ports.js';
import type { Bridge, Interface, Snapshot, SourceRef } from '../model/snapshot.js';
import type { Rule } from '../model/rule.js';

export type FindingKind = 'shadowed' | 'empty-table' | 'no-such-port' | 'patch-peer';

export interface Finding {
  kind: FindingKind;
  bridge: string;
  /** Where the offending rule, group or interface is written; absent when the dumps do not say. */
  source?: SourceRef;
  message: string;
}

export function lintBridge(snap: Snapshot, br: Bridge): Finding[] {
  return [...shadowed(br), ...jumpsAndOutputs(br), ...patchPeers(snap, br)];
}

/** The rule as ovs-ofctl add-flow would take it, minus actions: `table=55,priority=100,metadata=0x2`. */
const ruleText = (r: Rule) => [`table=${r.table}`, `priority=${r.priority}`, formatMatch(r.match)].filter(Boolean).join(',');
const isConjunctive = (r: Rule) => r.actions.some((a) => a.type === 'conjunction');

/** Does every packet `b` matches also match `a`? (a's mask is within b's and they agree on it.) */
function covers(a: Rule, b: Rule): boolean {
  const am = a.match, bm = b.match;
  for (let m = 0; m < N_MEMBERS; m++) {
    const w = am.wc[m];
    if (!w) continue;
    if ((w & ~bm.wc[m]) !== 0n || (am.flow[m] & w) !== (bm.flow[m] & w)) return false;
  }
  return true;
}

/** Rules a strictly higher-priority rule of the same table always wins over. */
function shadowed(br: Bridge): Finding[] {
  const out: Finding[] = [];
  for (const rules of br.tables.values()) {
    // A conjunction clause decides nothing alone, so it shadows nothing.
    const byPriority = rules.filter((r) => !isConjunctive(r)).sort((x, y) => y.priority - x.priority);
    for (const b of rules) {
      const a = byPriority.find((r) => r.priority > b.priority && covers(r, b));
      if (a) {
        out.push({
          kind: 'shadowed', bridge: br.name, source: b.source,
          message: `${ruleText(b)} can never match: shadowed by ${ruleText(a)} (${a.source.file}:${a.source.line})`,
        });
      }
    }
  }
  return out;
}

/** Every action of a list, including those nested in clone, ct and write_actions. */
function* allActions(acts: readonly Ofpact[]): Generator<Ofpact> {
  for (const a of acts) {
    yield a;
    if (a.type === 'clone' || a.type === 'ct' || a.type === 'write_actions') yield* allActions(a.actions);
  }
}

function jumpsAndOutputs(br: Bridge): Finding[] {
  const out: Finding[] = [];
  const ofports = knownOfports(br);
  const check = (acts: readonly Ofpact[], what: string, source: SourceRef) => {
    for (const a of allActions(acts)) {
      // resubmit's table 255 means "this table", which is not empty.
      const table = a.type === 'goto_table' || (a.type === 'resubmit' && a.tableId !== 255) ? a.tableId : undefined;
      if (table !== undefined && !br.tables.get(table)?.length) {
        out.push({ kind: 'empty-table', bridge: br.name, source, message: `${what}: ${a.type} to table ${table}, which has no rules` });
      }
      const port = a.type === 'output' || a.type === 'output_trunc' || a.type === 'enqueue' ? a.port : undefined;
      if (port !== undefined && port < OFPP_MAX && ofports && !ofports.has(port)) {
        out.push({ kind: 'no-such-port', bridge: br.name, source, message: `${what}: output to port ${formatPort(port)}, which ${br.name} does not have` });
      }
    }
  };
  for (const rules of br.tables.values()) for (const r of rules) check(r.actions, ruleText(r), r.source);
  for (const g of br.groups.values()) for (const b of g.buckets) check(b.actions, `group_id=${g.groupId}`, g.source);
  return out;
}

/** The bridge's OpenFlow port numbers, or undefined when some interface's number is unknown (no ofctl show). */
function knownOfports(br: Bridge): Set<number> | undefined {
  const ifaces = br.ports.flatMap((p) => p.interfaces).filter((i) => i.name !== br.name);
  if (ifaces.some((i) => i.ofport === undefined)) return undefined;
  return new Set(ifaces.map((i) => i.ofport!));
}

function patchPeers(snap: Snapshot, br: Bridge): Finding[] {
  const all = new Map<string, Interface>();
  for (const b of snap.bridges.values()) for (const p of b.ports) for (const i of p.interfaces) all.set(i.name, i);
  const out: Finding[] = [];
  for (const p of br.ports) {
    for (const i of p.interfaces) {
      if (i.type !== 'patch') continue;
      const peerName = i.options.peer;
      const peer = peerName === undefined ? undefined : all.get(peerName);
      let problem: string | undefined;
      if (peerName === undefined) problem = 'has no peer option';
      else if (!peer) problem = `names peer ${peerName}, which no bridge has`;
      else if (peer.type !== 'patch') problem = `names peer ${peerName}, which is not a patch port`;
      else if (peer.options.peer !== i.name) problem = `names peer ${peerName}, whose peer is ${peer.options.peer ?? 'unset'}`;
      if (problem) out.push({ kind: 'patch-peer', bridge: br.name, source: i.source, message: `patch port ${i.name} ${problem}: packets sent to it are dropped` });
    }
  }
  return out;
}

/** Compiler style: `file:line: message`. */
export function formatFinding(f: Finding): string {
  return `${f.source ? `${f.source.file}:${f.source.line}` : f.bridge}: ${f.message}`;
}
