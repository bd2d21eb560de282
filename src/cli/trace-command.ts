// `oftrace [options] BRIDGE FLOW [PACKET]`, `oftrace [options] [DATAPATH] ODP_FLOW [PACKET]`: the ofproto/trace clone.
import { World } from '../xlate/world.js';
import { parseTraceArgs } from '../trace/flow-parse.js';
import { parseCtNext } from '../trace/ct-state.js';
import { ofprotoTrace } from '../trace/ofproto-trace.js';
import { writeTrace, type OutputOptions } from './trace-output.js';
import type { Snapshot } from '../model/snapshot.js';
import type { Io } from './main.js';

export interface TraceOptions extends OutputOptions {
  ctNext?: string[];
  /** -generate: side effects allowed (learn shows the flow it adds). */
  generate?: boolean;
}

/** Returns the exit code: 0 traced, 2 when OVS would have refused the request. */
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
  if (args.length === 0) return fail('oftrace: expected BRIDGE and FLOW (see oftrace --help)');
  const input = parseTraceArgs(world, args, opts.generate === true);
  if (typeof input === 'string') return fail(input);
  if (world.missingDatapathPorts) {
    io.err('oftrace: warning: no datapath port numbers (ovs-appctl dpif/show); printing OpenFlow port numbers instead\n');
  }
  // A real packet has side effects, as with -generate.
  const generate = opts.generate === true || input.packet !== undefined;
  const result = ofprotoTrace({ world, bridge: input.bridge, flow: input.flow, ctNext, generate });
  writeTrace(result, world, input.bridge, opts, io);
  return 0;
}
