// How a finished trace is printed: OVS's exact text (the default when piped),
// the pretty tree (the default on a terminal), JSON, or OVS 2.x's layout.
import { formatNotesAppendix, traceNotes } from '../analysis/notes.js';
import { formatTraceLegacy } from '../render/legacy.js';
import { formatTracePretty } from '../render/pretty.js';
import { traceToJson } from '../render/json.js';
import { formatTraceOvs, type TraceResult } from '../trace/ofproto-trace.js';
import type { World, XBridge } from '../xlate/world.js';
import type { Io } from './main.js';

export interface OutputOptions {
  format?: string;
  json?: boolean;
  pretty?: boolean;
  /** --why TABLE (repeatable). */
  why?: number[];
  explain?: boolean;
}

const formatOf = (opts: OutputOptions, io: Io) => (opts.json ? 'json' : opts.format ?? (opts.pretty || io.tty ? 'pretty' : 'ovs'));

/** Whether the output shows more than OVS's own text (what TraceRequest.analyze records). */
export function showsAnalysis(opts: OutputOptions, io: Io): boolean {
  return formatOf(opts, io) !== 'ovs' || Boolean(opts.why?.length) || opts.explain === true;
}

export function writeTrace(result: TraceResult, world: World, bridge: XBridge, opts: OutputOptions, io: Io): void {
  const format = formatOf(opts, io);
  const why = new Set(opts.why ?? []);
  const explain = opts.explain ?? false;
  if (format === 'json') {
    io.out(JSON.stringify(traceToJson(result, world, bridge), null, 2) + '\n');
  } else if (format === 'pretty') {
    const notes = traceNotes(result, { why, whyOnMiss: true, explain });
    io.out(formatTracePretty(result, world, { color: io.color ?? false, notes }));
  } else {
    io.out(format === 'legacy' ? formatTraceLegacy(result, bridge.name) : formatTraceOvs(result));
    // Only notes that were asked for: OVS mode is otherwise OVS's text exactly.
    if (why.size || explain) io.out(formatNotesAppendix(result, traceNotes(result, { why, whyOnMiss: false, explain })));
  }
}
