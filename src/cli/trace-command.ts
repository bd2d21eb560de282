// `oftrace [options] BRIDGE FLOW`: the ofproto/trace clone.
import { World } from '../xlate/world.js';
import { parseTraceFlow } from '../trace/flow-parse.js';
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
export function traceCommand(snap: Snapshot, bridgeName: string | undefined, flowText: string | undefined, opts: TraceOptions, io: Io): number {
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
  if (bridgeName === undefined || flowText === undefined) return fail('oftrace: expected BRIDGE and FLOW (see oftrace --help)');
  // A datapath flow (`in_port(1),eth(...)`) names a datapath, not a bridge.
  if (/^[a-z_0-9]+\(/.test(flowText) && !world.bridges.has(bridgeName)) return fail(`${bridgeName}: unknown bridge`);
  if (/^[a-z_0-9]+\(/.test(flowText)) return fail('Cannot find the datapath');
  const bridge = world.bridges.get(bridgeName);
  if (!bridge) return fail(`${bridgeName}: unknown bridge`);
  const flow = parseTraceFlow(flowText, bridge.names);
  if (typeof flow === 'string') return fail(`Bad openflow flow syntax: ${flow}`);
  if (world.missingDatapathPorts) {
    io.err('oftrace: warning: no datapath port numbers (ovs-appctl dpif/show); printing OpenFlow port numbers instead\n');
  }
  const result = ofprotoTrace({ world, bridge, flow, ctNext, generate: opts.generate === true });
  writeTrace(result, world, bridge, opts, io);
  return 0;
}
