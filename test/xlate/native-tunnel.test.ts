// Native tunnel output on the recorded family-native-tunnels snapshot, for
// the tunnels oftrace does not build headers for: it says so in the tree
// rather than print a header OVS would not.
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/ingest/load.js';
import { readDumpsDir } from '../../src/ingest/sources.js';
import { parseTraceFlow } from '../../src/trace/flow-parse.js';
import { formatTraceOvs, ofprotoTrace } from '../../src/trace/ofproto-trace.js';
import { World } from '../../src/xlate/world.js';
import type { Flow } from '../../src/meta-flow/flow.js';

const dumps = new URL('../fixtures/family-native-tunnels/dumps', import.meta.url).pathname;

function traceWith(port: string, options: Record<string, string>, flow: string): string {
  const snap = loadSnapshot(readDumpsDir(dumps));
  const iface = snap.bridges.get('int-br')!.ports.flatMap((p) => p.interfaces).find((i) => i.name === port)!;
  Object.assign(iface.options, options);
  const world = new World(snap);
  const bridge = world.bridges.get('int-br')!;
  return formatTraceOvs(ofprotoTrace({ world, bridge, flow: parseTraceFlow(flow, bridge.names) as Flow, ctNext: [] }));
}

describe('native tunnel output', () => {
  it('pushes the VXLAN header OVS pushes', () => {
    expect(traceWith('vx', {}, 'in_port=2,ip,nw_dst=10.0.0.1')).toMatch(/vxlan\(flags=0x8000000,vni=0x4d\)\),out_port\(100\)\)/);
  });

  it.each([
    ['VXLAN-GPE', 'vx', { exts: 'gpe' }, 'in_port=2,ip,nw_dst=10.0.0.1', 'oftrace does not build VXLAN-GPE headers yet'],
    ['GRE with sequence numbers', 'gre0', { seq: 'true' }, 'in_port=2,ip,nw_dst=10.0.0.5', 'oftrace does not build GRE headers with sequence numbers yet'],
  ])('says it does not build %s headers', (_, port, options, flow, message) => {
    const out = traceWith(port, options, flow);
    expect(out).toContain(` >> ${message}\n`);
    expect(out).not.toMatch(/tnl_push/);
  });
});
