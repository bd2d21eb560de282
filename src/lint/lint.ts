// `oftrace lint`: static mistakes in a bridge's flow tables and ports that no
// single trace shows — rules that can never match, jumps into empty tables,
// outputs to ports that do not exist, patch ports that lead nowhere.
import type { Flow } from '../meta-flow/flow.js';
import { formatMatch } from '../meta-flow/match.js';
import type { Ofpact } from '../ofp/ofpact.js';
import { OFPP_MAX, formatPort } from '../ofp/ports.js';
import type { Bridge, Interface, Snapshot, SourceRef } from '../model/snapshot.js';
import type { Rule } from '../model/rule.js';
import type { ProgressSink } from '../ingest/progress.js';
import { maskKey } from '../model/rule-groups.js';

export type FindingKind = 'shadowed' | 'empty-table' | 'no-such-port' | 'patch-peer';

export interface Finding {
  kind: FindingKind;
  bridge: string;
  /** Where the offending rule, group or interface is written; absent when the dumps do not say. */
  source?: SourceRef;
  message: string;
}

/** Lints a bridge, reporting to `progress` the rules read so far (a million take a while). */
export function lintBridge(snap: Snapshot, br: Bridge, progress?: ProgressSink): Finding[] {
  const shadows: Finding[] = [], jumps: Finding[] = [];
  const check = actionChecker(br, jumps);
  const total = br.tables.counts().reduce((n, [, c]) => n + c, 0);
  let done = 0;
  // A table at a time, each parsed once and let go: a million-flow bridge need not fit in memory parsed.
  for (const [, rules] of br.tables.eachOnce()) {
    shadows.push(...shadowed(br, rules));
    for (const r of rules) check(r.actions, ruleText(r), r.source);
    progress?.(`linting ${br.name}`, (done += rules.length), total);
  }
  for (const g of br.groups.values()) for (const b of g.buckets) check(b.actions, `group_id=${g.groupId}`, g.source);
  return [...shadows, ...jumps, ...patchPeers(snap, br)];
}

/** The rule as ovs-ofctl add-flow would take it, minus actions: `table=55,priority=100,metadata=0x2`. */
const ruleText = (r: Rule) => [`table=${r.table}`, `priority=${r.priority}`, formatMatch(r.match)].filter(Boolean).join(',');
const isConjunctive = (r: Rule) => r.actions.some((a) => a.type === 'conjunction');

/** One mask's rules of a table, by their values under it: the rule a packet with those values would meet first. */
interface MaskIndex {
  wc: Flow;
  members: number[];
  first: Map<string, { rule: Rule; at: number }>;
}

/** `flow`'s values under an index's mask, as a key of MaskIndex.first. */
function valuesKey(flow: Flow, ix: MaskIndex): string {
  let key = '';
  for (const m of ix.members) key += (flow[m] & ix.wc[m]).toString(36) + ',';
  return key;
}

/** Whether mask `a` matches only bits that mask `b` matches too. */
function maskWithin(a: MaskIndex, b: Flow): boolean {
  return a.members.every((m) => (a.wc[m] & ~b[m]) === 0n);
}

/**
 * The rules of one table that a strictly higher-priority rule of the table always wins over:
 * one whose mask lies within the rule's and which agrees with it there.
 * Rules are indexed by mask and values, so an OVN-size table of thousands of
 * rules costs a lookup per mask rather than a comparison per pair of rules.
 */
function shadowed(br: Bridge, rules: readonly Rule[]): Finding[] {
  const out: Finding[] = [];
  const byMask = new Map<string, MaskIndex>();
  rules.forEach((rule, at) => {
    // A conjunction clause decides nothing alone, so it shadows nothing.
    if (isConjunctive(rule)) return;
    const { wc } = rule.match;
    const key = maskKey(wc);
    let ix = byMask.get(key);
    if (!ix) byMask.set(key, (ix = { wc, members: [...wc.keys()].filter((m) => wc[m]), first: new Map() }));
    const values = valuesKey(rule.match.flow, ix);
    const seen = ix.first.get(values);
    if (!seen || rule.priority > seen.rule.priority) ix.first.set(values, { rule, at });
  });
  const within = new Map<string, MaskIndex[]>();
  for (const b of rules) {
    const key = maskKey(b.match.wc);
    let masks = within.get(key);
    if (!masks) within.set(key, (masks = [...byMask.values()].filter((ix) => maskWithin(ix, b.match.wc))));
    // The highest priority wins; between equals, the first in the dump.
    let best: { rule: Rule; at: number } | undefined;
    for (const ix of masks) {
      const a = ix.first.get(valuesKey(b.match.flow, ix));
      if (a && a.rule.priority > b.priority && (!best || a.rule.priority > best.rule.priority || (a.rule.priority === best.rule.priority && a.at < best.at))) best = a;
    }
    if (best) {
      const a = best.rule;
      out.push({
        kind: 'shadowed', bridge: br.name, source: b.source,
        message: `${ruleText(b)} can never match: shadowed by ${ruleText(a)} (${a.source.file}:${a.source.line})`,
      });
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

/** Checks an action list for jumps to empty tables and outputs to ports the bridge lacks, into `out`. */
function actionChecker(br: Bridge, out: Finding[]): (acts: readonly Ofpact[], what: string, source: SourceRef) => void {
  const ofports = knownOfports(br);
  return (acts, what, source) => {
    for (const a of allActions(acts)) {
      // resubmit's table 255 means "this table", which is not empty.
      const table = a.type === 'goto_table' || (a.type === 'resubmit' && a.tableId !== 255) ? a.tableId : undefined;
      if (table !== undefined && !br.tables.source(table)?.count) {
        out.push({ kind: 'empty-table', bridge: br.name, source, message: `${what}: ${a.type} to table ${table}, which has no rules` });
      }
      const port = a.type === 'output' || a.type === 'output_trunc' || a.type === 'enqueue' ? a.port : undefined;
      if (port !== undefined && port < OFPP_MAX && ofports && !ofports.has(port)) {
        out.push({ kind: 'no-such-port', bridge: br.name, source, message: `${what}: output to port ${formatPort(port)}, which ${br.name} does not have` });
      }
    }
  };
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
