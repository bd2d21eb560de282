// Shared bits of the analysis tests: the seed commands and a traced result.
import { fileURLToPath } from 'node:url';
import { loadFromOptions } from '../../src/cli/main.js';
import { parseTraceFlow } from '../../src/trace/flow-parse.js';
import { ofprotoTrace, type TraceResult } from '../../src/trace/ofproto-trace.js';
import { World } from '../../src/xlate/world.js';

export const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

export const BROKEN = root('examples/dragonflow-broken');
export const FIXED = root('examples/dragonflow-fixed');
export const RECORDED_BROKEN = root('test/fixtures/seed-dragonflow-broken/dumps');

/** The ARP broadcast storm between br-ex NORMAL and br-int table 115. */
export const STORM = ['br-ex', 'arp,in_port=LOCAL,dl_src=12:5d:01:40:2a:4f,dl_dst=ff:ff:ff:ff:ff:ff,arp_spa=172.24.4.1,arp_tpa=172.24.4.200,arp_op=1'];
/** The table-55 chain: with a real TTL, table 76's rewrite of metadata leaks into the later resubmits. */
export const TRAP = ['br-int', 'icmp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=91:92:ac:18:04:c8,nw_src=172.24.4.8,nw_dst=172.24.4.200,nw_ttl=64,icmp_type=0', '--ct-next', 'trk,new'];

export function trace(dumps: string, bridgeName: string, flowText: string, ctNext: number[] = [], analyze = true): TraceResult {
  const world = new World(loadFromOptions({ dumps }, { out: () => {}, err: () => {} }));
  const bridge = world.bridges.get(bridgeName)!;
  const flow = parseTraceFlow(flowText, bridge.names);
  if (typeof flow === 'string') throw new Error(flow);
  return ofprotoTrace({ world, bridge, flow, ctNext, analyze });
}
