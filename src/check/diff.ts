// `oftrace diff`: trace the same packets through two snapshots and say what
// changed — outputs, datapath actions, megaflows, and where the paths part.
import { listedLines } from '../ingest/sources.js';
import { InputError } from '../model/errors.js';
import { formatOutputs, type PathStep } from './facts.js';
import { tracePacket, type Packet, type Traced } from './run.js';
import type { World } from '../xlate/world.js';

export interface Change {
  what: string;
  before: string;
  after: string;
}

export interface PacketDiff {
  packet: Packet;
  changes: Change[];
}

/** A `--flows` file: `BRIDGE FLOW` per line; blank lines and `#` comments are skipped. */
export function parseFlowList(text: string, file: string): Packet[] {
  const out: Packet[] = [];
  for (const { line, lineNo } of listedLines(text)) {
    const m = /^(\S+)\s+(\S+)$/.exec(line);
    if (!m) throw new InputError('expected BRIDGE FLOW', file, lineNo);
    out.push({ name: `${file}:${lineNo}`, bridge: m[1], flow: m[2], ctNext: [] });
  }
  if (out.length === 0) throw new InputError('no flows listed', file);
  return out;
}

/** Throws when a packet can be traced in neither snapshot: that is a typo, not a change. */
export function diffPackets(packets: readonly Packet[], before: World, after: World): PacketDiff[] {
  return packets.map((packet) => {
    const a = tracePacket(before, packet), b = tracePacket(after, packet);
    if (typeof a === 'string' && typeof b === 'string') throw new InputError(`${packet.name}: ${a}`);
    return { packet, changes: compare(a, b) };
  });
}

function compare(a: Traced | string, b: Traced | string): Change[] {
  // A packet one snapshot cannot trace (its bridge is gone, say) differs only in that.
  if (typeof a === 'string' || typeof b === 'string') {
    const show = (t: Traced | string) => (typeof t === 'string' ? `cannot trace: ${t}` : 'traced');
    return [{ what: 'trace', before: show(a), after: show(b) }];
  }
  const changes: Change[] = [];
  const outA = formatOutputs(a.facts.outputs), outB = formatOutputs(b.facts.outputs);
  if (outA !== outB) changes.push({ what: 'outputs', before: outA, after: outB });
  const passes = Math.max(a.result.passes.length, b.result.passes.length);
  for (let i = 0; i < passes; i++) {
    const pa = a.result.passes[i], pb = b.result.passes[i];
    const label = i === 0 ? '' : ` (pass ${i + 1})`;
    const dpA = pa?.datapathActions ?? '(no such pass)', dpB = pb?.datapathActions ?? '(no such pass)';
    if (dpA !== dpB) changes.push({ what: `datapath actions${label}`, before: dpA, after: dpB });
    const mfA = pa?.megaflow ?? '(no such pass)', mfB = pb?.megaflow ?? '(no such pass)';
    if (mfA !== mfB) changes.push({ what: `megaflow${label}`, before: mfA, after: mfB });
  }
  const fork = divergence(a.facts.path, b.facts.path);
  if (fork) changes.push(fork);
  return changes;
}

/**
 * Where two table paths part: the first lookup that hit another table, or
 * the same table but another rule (the rule text, not its dump line, so
 * edits elsewhere in the dump do not count).
 */
function divergence(a: readonly PathStep[], b: readonly PathStep[]): Change | undefined {
  const show = (s: PathStep | undefined) => (s ? `${s.at} ${s.rule}` : '(path ends)');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]?.at === b[i]?.at && a[i]?.rule === b[i]?.rule) continue;
    const where = a[i]?.at === b[i]?.at ? `at ${a[i].at}` : i === 0 ? 'at the first lookup' : `after ${a[i - 1].at}`;
    return { what: `paths diverge ${where} (lookup ${i + 1})`, before: show(a[i]), after: show(b[i]) };
  }
  return undefined;
}
