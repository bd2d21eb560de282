// Running a check spec: load its snapshot, trace every case, compare what
// happened with what the case expects.
import { readDumpsDir } from '../ingest/sources.js';
import { loadSnapshot } from '../ingest/load.js';
import { parseTraceArgs } from '../trace/flow-parse.js';
import { formatTraceOvs, ofprotoTrace, type TraceResult } from '../trace/ofproto-trace.js';
import { World } from '../xlate/world.js';
import { OvsAbortError } from '../model/errors.js';
import { formatOutputs, outputMatches, traceFacts, type TraceFacts } from './facts.js';
import { SpecError, type CheckCase, type CheckSpec, type Expect, type ExpectKey } from './spec.js';

/** One packet to trace: a spec case, or a line of a `diff --flows` file. */
export interface Packet {
  name: string;
  bridge: string;
  flow: string;
  ctNext: number[];
}

export interface Traced {
  result: TraceResult;
  facts: TraceFacts;
  /** The ofproto/trace text, for reports. */
  text: string;
}

export interface Mismatch {
  key: ExpectKey;
  expected: string;
  actual: string;
}

export interface CaseResult {
  case: CheckCase;
  traced: Traced;
  mismatches: Mismatch[];
}

/** A --dumps folder or sosreport as a World; load warnings go to `warn`. */
export function loadWorld(dir: string, warn: (msg: string) => void): World {
  return new World(loadSnapshot(readDumpsDir(dir), { warn }));
}

/**
 * Traces a packet as `ofproto/trace BRIDGE FLOW` or `ofproto/trace DATAPATH
 * ODP_FLOW` would, or says why it cannot be traced (unknown bridge, bad flow).
 */
export function tracePacket(world: World, p: Packet): Traced | string {
  const input = parseTraceArgs(world, [p.bridge, p.flow], false);
  if (typeof input === 'string') return input.endsWith(': unknown bridge') || input === 'Cannot find the datapath' ? input : `bad flow: ${input.replace(/^Bad openflow flow syntax: /, '')}`;
  const { bridge, flow } = input;
  let result: TraceResult;
  try {
    result = ofprotoTrace({ world, bridge, flow, ctNext: p.ctNext });
  } catch (e) {
    if (e instanceof OvsAbortError) return `bad flow: ${e.message}`;
    throw e;
  }
  return { result, facts: traceFacts(result, world, bridge), text: formatTraceOvs(result) };
}

/**
 * Traces every case; a case that cannot be traced, or whose expectations
 * name a port or bridge the snapshot lacks, is a spec error (exit 2), not a
 * failure: a misspelt port in `outputs_exclude` would otherwise pass forever.
 */
export function runCheck(spec: CheckSpec, world: World): CaseResult[] {
  checkNames(spec, world);
  const traced = spec.cases.map((c) => {
    const t = tracePacket(world, c);
    if (typeof t === 'string') throw new SpecError(`case ${JSON.stringify(c.name)}: ${t}`, spec.file, t.startsWith('bad flow') ? c.flowLine : c.bridgeLine);
    return t;
  });
  return spec.cases.map((c, i) => ({ case: c, traced: traced[i], mismatches: evaluate(c.expect, traced[i].facts) }));
}

/** Every port in the cases' output lists and every bridge in their `visits` must be in the snapshot. */
function checkNames(spec: CheckSpec, world: World): void {
  const ports = [...world.bridges.values()].flatMap((b) => [...b.ports.values()]);
  const names = new Set(ports.map((x) => x.name)), ofports = new Set(ports.map((x) => x.ofport));
  for (const c of spec.cases) {
    const fail = (k: keyof CheckCase['itemLines'], i: number, msg: string): never => {
      throw new SpecError(`case ${JSON.stringify(c.name)}: ${k}: ${msg}`, spec.file, c.itemLines[k]![i]);
    };
    for (const k of ['outputs_include', 'outputs_exclude'] as const) {
      c.expect[k]?.forEach((port, i) => {
        if (port === 'LOCAL' || names.has(port)) return;
        if (/^\d+$/.test(port)) {
          if (!ofports.has(Number(port))) fail(k, i, `no bridge has OpenFlow port ${port}`);
        } else fail(k, i, `no port named ${JSON.stringify(port)} in the snapshot`);
      });
    }
    c.expect.visits?.forEach((v, i) => {
      const bridge = v.slice(0, v.lastIndexOf(':'));
      if (!world.bridges.has(bridge)) fail('visits', i, `no bridge named ${JSON.stringify(bridge)} in the snapshot`);
      if (Number(v.slice(bridge.length + 1)) > 254) fail('visits', i, `${JSON.stringify(v)}: tables are numbered 0 to 254`);
    });
  }
}

export function evaluate(expect: Expect, facts: TraceFacts): Mismatch[] {
  const out: Mismatch[] = [];
  const shown = formatOutputs(facts.outputs);
  const miss = (key: ExpectKey, expected: string, actual: string) => out.push({ key, expected, actual });

  if (expect.outputs_include) {
    const missing = expect.outputs_include.filter((p) => !facts.outputs.some((o) => outputMatches(o, p)));
    if (missing.length) miss('outputs_include', `leaves by ${expect.outputs_include.join(', ')}`, `does not leave by ${missing.join(', ')}; outputs: ${shown}`);
  }
  if (expect.outputs_exclude) {
    const present = expect.outputs_exclude.filter((p) => facts.outputs.some((o) => outputMatches(o, p)));
    if (present.length) miss('outputs_exclude', `never leaves by ${expect.outputs_exclude.join(', ')}`, `leaves by ${present.join(', ')}; outputs: ${shown}`);
  }
  if (expect.max_outputs !== undefined && facts.outputs.length > expect.max_outputs) {
    miss('max_outputs', `at most ${expect.max_outputs} outputs`, `${facts.outputs.length} outputs: ${shown}`);
  }
  if (expect.drop !== undefined && expect.drop !== (facts.outputs.length === 0)) {
    miss('drop', expect.drop ? 'dropped (no output)' : 'not dropped (some output)', `outputs: ${shown}`);
  }
  if (expect.datapath_actions !== undefined && expect.datapath_actions !== facts.datapathActions) {
    miss('datapath_actions', expect.datapath_actions, facts.datapathActions);
  }
  if (expect.megaflow !== undefined && expect.megaflow !== facts.megaflow) miss('megaflow', expect.megaflow, facts.megaflow);
  if (expect.visits) {
    const seen = new Set(facts.path.map((s) => s.at));
    const missing = expect.visits.filter((v) => !seen.has(v));
    if (missing.length) miss('visits', `passes through ${expect.visits.join(', ')}`, `never reaches ${missing.join(', ')}; path: ${[...seen].join(' ') || '(no tables)'}`);
  }
  if (expect.loop !== undefined && expect.loop !== facts.loop) {
    miss('loop', expect.loop ? 'a loop' : 'no loop', !facts.loop ? 'no loop' : facts.loopAt ? `loops: re-enters ${facts.loopAt} in a state it had there before` : 'loops');
  }
  return out;
}
