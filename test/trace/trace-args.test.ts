// Specifications for the arguments of ofproto/trace (parse_flow_and_packet):
// which argument is the packet, the datapath or bridge, and the flow; with
// OVS 3.1's answers on the recorded switch of test/fixtures/family-packets-hex
// (br0: p1..p3 = datapath ports 1..3; br1: p4 = OpenFlow 10; one datapath).
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readDumpsDir } from '../../src/ingest/sources.js';
import { loadSnapshot } from '../../src/ingest/load.js';
import { M } from '../../src/meta-flow/flow.js';
import { parseTraceArgs } from '../../src/trace/flow-parse.js';
import { World } from '../../src/xlate/world.js';

const DUMPS = fileURLToPath(new URL('../fixtures/family-packets-hex/dumps', import.meta.url));
const world = new World(loadSnapshot(readDumpsDir(DUMPS)));
const ODP_ARP = 'in_port(1),eth(src=00:00:00:00:00:01,dst=00:00:00:00:00:02),eth_type(0x0806)';
const UDP_PACKET = '000000000002000000000001080045000020000100004011' + '00000a0000010a00000214e90035000c000061626364';

/** The bridge and in_port a trace resolves to, or OVS's error. */
function resolve(args: string[], generate = false): string {
  const r = parseTraceArgs(world, args, generate);
  return typeof r === 'string' ? r : `${r.bridge.name} in_port=${r.flow[M.in_port]}${r.packet ? ' packet' : ''}`;
}

describe('datapath flows', () => {
  it('name the datapath by its type, with or without "ovs-", not by its dpif name', () => {
    expect(resolve(['ovs-dummy', ODP_ARP])).toBe('br0 in_port=1');
    expect(resolve(['dummy', ODP_ARP])).toBe('br0 in_port=1');
    expect(resolve(['dummy@ovs-dummy', ODP_ARP])).toBe('Cannot find the datapath');
    expect(resolve(['br0', ODP_ARP])).toBe('Cannot find the datapath');
  });

  it('may omit the datapath when there is only one', () => {
    expect(resolve([ODP_ARP])).toBe('br0 in_port=1');
  });

  it('go to the bridge of their input port, with its OpenFlow number', () => {
    expect(resolve(['ovs-dummy', 'in_port(p4),eth(),eth_type(0x0806)'])).toBe('br1 in_port=10');
    expect(resolve(['ovs-dummy', 'in_port(br0),eth(),eth_type(0x0806)'])).toBe('br0 in_port=65534');
  });

  it('need an OpenFlow port and no recirculation state', () => {
    expect(resolve(['ovs-dummy', 'in_port(ovs-dummy)'])).toBe('no OpenFlow port for datapath port 0');
    expect(resolve(['ovs-dummy', 'eth()'])).toBe('no OpenFlow port for datapath port 4294967295');
    expect(resolve(['ovs-dummy', 'recirc_id(0x5),in_port(1)'])).toBe('no recirculation data for recirc_id 0x5');
  });
});

describe('bridge flows', () => {
  it('after a name that is no bridge, report the bridge', () => {
    expect(resolve(['ovs-dummy', 'in_port=1'])).toBe('ovs-dummy: unknown bridge');
    expect(resolve(['ovs-dummy', 'in_port(1),eth(foo=1)'])).toBe('ovs-dummy: unknown bridge');
  });

  it('without a bridge, report the datapath syntax error', () => {
    expect(resolve(['in_port=1'])).toBe('syntax error at in_port=1 (or the bridge name was omitted)');
  });
});

describe('a packet after the flow', () => {
  it('is the last argument when it reads as hex', () => {
    expect(resolve(['br0', 'in_port=2', UDP_PACKET])).toBe('br0 in_port=2 packet');
    expect(resolve(['ovs-dummy', ODP_ARP, UDP_PACKET])).toBe('br0 in_port=1 packet');
    expect(resolve([ODP_ARP, UDP_PACKET])).toBe('br0 in_port=1 packet');
  });

  it('must read as hex in the third argument', () => {
    expect(resolve(['br0', 'in_port=1', 'zz'])).toBe('Trailing garbage in packet data');
    expect(resolve(['br0', 'in_port=1', '0011'])).toBe('Packet data too short for Ethernet');
  });

  it('in the second argument leaves a flow without bridge', () => {
    expect(resolve(['br0', UDP_PACKET])).toBe('syntax error at br0 (or the bridge name was omitted)');
  });

  it('is not looked for with -generate', () => {
    expect(resolve(['br0', 'in_port=1', UDP_PACKET], true)).toBe('Syntax error');
  });

  it('makes four arguments too many', () => {
    expect(resolve(['extra', 'br0', 'in_port=1', UDP_PACKET])).toBe('too many arguments');
  });
});
