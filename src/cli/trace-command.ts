// `oftrace [options] BRIDGE FLOW [PACKET]`, `oftrace [options] [DATAPATH] ODP_FLOW [PACKET]`: the ofproto/trace clone.
// `--batch FILE` runs one such trace per line of FILE against the snapshot loaded once.
import { World } from '../xlate/world.js';
import { parseTraceArgs } from '../trace/flow-parse.js';
import { parseCtNext } from '../trace/ct-state.js';
import { ofprotoTrace, type TraceResult } from '../trace/ofproto-trace.js';
import { traceToJson } from '../render/json.js';
import { listedLines, readText } from '../ingest/sources.js';
import { InputError, OvsAbortError } from '../model/errors.js';
import { showsAnalysis, writeTrace, type OutputOptions } from './trace-output.js';
import type { Snapshot } from '../model/snapshot.js';
import type { XBridge } from '../xlate/world.js';
import type { Io } from './main.js';

export interface TraceOptions extends OutputOptions {
  ctNext?: string[];
  /** -generate: side effects allowed (learn shows the flow it adds). */
  generate?: boolean;
  /** A file of traces, `BRIDGE FLOW [PACKET]` per line (`-`: standard input). */
  batch?: string;
}

type Traced = { result: TraceResult; bridge: XBridge } | string;

/** Returns the exit code: 0 traced, 2 when OVS would have refused the request (for a batch: any of them). */
export function traceCommand(snap: Snapshot, args: string[], opts: TraceOptions, io: Io): number {
  const world = new World(snap);
  const fail = (msg: string) => {
    io.err(msg + '\n');
    return 2;
  };
  const ctNext: number[] = [];
  for (const s of opts.ctNext ?? []) {
    const st = parseCtNext(s);
    if (typeof st === 'string') return fail(st);
    ctNext.push(st);
  }
  if (opts.batch !== undefined && args.length) return fail('oftrace: --batch takes its traces from the file, not BRIDGE FLOW arguments');
  if (opts.batch === undefined && args.length === 0) return fail('oftrace: expected BRIDGE and FLOW (see oftrace --help)');
  if (world.missingDatapathPorts) {
    io.err('oftrace: warning: no datapath port numbers (ovs-appctl dpif/show); printing OpenFlow port numbers instead\n');
  }
  const analyze = showsAnalysis(opts, io);
  const trace = (traceArgs: string[]): Traced => {
    const input = parseTraceArgs(world, traceArgs, opts.generate === true);
    if (typeof input === 'string') return input;
    // A real packet has side effects, as with -generate.
    const generate = opts.generate === true || input.packet !== undefined;
    try {
      return { result: ofprotoTrace({ world, bridge: input.bridge, flow: input.flow, ctNext, generate, analyze }), bridge: input.bridge };
    } catch (e) {
      // A packet OVS itself would abort on is that trace's error, not the batch's. (A bad dump
      // line a lookup comes upon still ends the run: the tables would go on without it.)
      if (e instanceof OvsAbortError) return e.message;
      throw e;
    } finally {
      for (const w of world.takeWarnings()) io.err(`oftrace: warning: ${w}\n`);
    }
  };
  if (opts.batch !== undefined) return traceBatch(opts.batch, trace, world, opts, io);
  const traced = trace(args);
  if (typeof traced === 'string') return fail(traced);
  writeTrace(traced.result, world, traced.bridge, opts, io);
  return 0;
}

/**
 * One trace per line (blank lines and `#` comments skipped). JSON output is
 * JSON Lines, each document naming its input line; the text formats put a
 * `### FILE:LINE: ARGS` line before each trace. A line OVS would refuse is
 * reported on stderr with its place, and the batch goes on.
 */
function traceBatch(file: string, trace: (args: string[]) => Traced, world: World, opts: TraceOptions, io: Io): number {
  const text = file === '-' ? io.stdin ?? '' : readText(file);
  const json = opts.json || opts.format === 'json';
  const lines = listedLines(text);
  if (lines.length === 0) throw new InputError('no traces in the batch file', file);
  let failed = 0;
  for (const { line, lineNo } of lines) {
    const where = `${file}:${lineNo}`;
    const traced = trace(line.split(/\s+/));
    if (typeof traced === 'string') {
      failed++;
      io.err(`oftrace: ${where}: ${traced}\n`);
    } else if (json) {
      io.out(JSON.stringify({ input: { file, line: lineNo, args: line }, ...traceToJson(traced.result, world, traced.bridge) }) + '\n');
    } else {
      io.out(`### ${where}: ${line}\n`);
      writeTrace(traced.result, world, traced.bridge, opts, io);
    }
  }
  return failed ? 2 : 0;
}
