// OVS's debugging actions, debug_recirc and debug_slow, as OVS 3.1 traced them
// (test/xlate/debug-actions/traces.json, recorded with `npm run record` from
// scenario.json there). ovs-ofctl cannot print these actions back
// (`***decode error: OFPBAC_BAD_VENDOR_TYPE***`), so no real dump holds them and
// they are not an oracle fixture: the flows dump here is the flows as added,
// written as dump-flows would, beside the recorded show, vsctl and dpif dumps.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { compareTrace } from '../oracle/compare.js';
import type { RecordedTrace } from '../oracle/record.js';
import { traceArgs } from '../oracle/scenario.js';

const dir = fileURLToPath(new URL('./debug-actions/', import.meta.url));
const traces = JSON.parse(readFileSync(dir + 'traces.json', 'utf8')) as RecordedTrace[];

describe('debug_recirc and debug_slow, as OVS 3.1 traces them', () => {
  it.each(traces.map((t) => [t.flow, t] as const))('%s', async (_flow, trace) => {
    const r = await runCli(['--dumps', dir + 'dumps', ...traceArgs(trace)]);
    const { agree, diff } = compareTrace(trace, { stdout: r.stdout, stderr: r.stderr, exit: r.exitCode });
    expect(agree.whole, diff).toBe(true);
  });
});
