// A snapshot's ports are joined by interface name across dumps: vsctl show
// lists them (types, peers, tags), ofctl show gives their OpenFlow numbers,
// dpif/show their datapath numbers. ofctl show prints at most 15 characters
// of a name (OFP_MAX_PORT_NAME_LEN), and a chassis has thousands of ports.
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/ingest/load.js';
import type { DumpText } from '../../src/ingest/sources.js';
import type { Bridge } from '../../src/model/snapshot.js';

function vsctl(names: string[]): DumpText {
  const ports = names.map((n) => `        Port ${n}\n            Interface ${n}\n                type: dummy\n`).join('');
  return { kind: 'vsctl', file: 'vsctl', text: `6a1f0c2e-0000-4000-8000-00000000be01\n    Bridge br0\n${ports}` };
}

function ofctlShow(ports: [number, string][]): DumpText {
  const blocks = ports.map(([n, name]) => ` ${n}(${name}): addr:aa:55:aa:55:00:01\n     config:     0\n     state:      0\n`).join('');
  return { kind: 'ports', bridge: 'br0', file: 'ofctl', text: `OFPT_FEATURES_REPLY (xid=0x2): dpid:0000aa66aa660001\nn_tables:254, n_buffers:0\n${blocks}` };
}

function dpifShow(ports: [number, number, string][]): DumpText {
  const lines = ports.map(([ofport, dp, name]) => `    ${name} ${ofport}/${dp}: (dummy)\n`).join('');
  return { kind: 'dpif', file: 'dpif', text: `dummy@ovs-dummy: hit:0 missed:0\n  br0:\n${lines}` };
}

/** Each interface of the bridge: name -> [ofport, datapath port]. */
function joined(br: Bridge): Map<string, [number | undefined, number | undefined]> {
  return new Map(br.ports.flatMap((p) => p.interfaces.map((i) => [i.name, [i.ofport, i.dpPort]] as const)));
}

describe('ports joined by interface name', () => {
  it('ofctl show and dpif/show number the interfaces vsctl show lists', () => {
    const snap = loadSnapshot([vsctl(['p1', 'p2']), ofctlShow([[1, 'p1'], [2, 'p2']]), dpifShow([[1, 3, 'p1'], [2, 4, 'p2']])]);
    expect(joined(snap.bridges.get('br0')!)).toEqual(new Map([['p1', [1, 3]], ['p2', [2, 4]]]));
  });

  it('a name ofctl show cut to 15 characters joins the one longer name that starts with it', () => {
    const snap = loadSnapshot([vsctl(['tap0123456789abcdef']), ofctlShow([[7, 'tap0123456789ab']])]);
    expect(joined(snap.bridges.get('br0')!)).toEqual(new Map([['tap0123456789abcdef', [7, undefined]]]));
  });

  it('a cut name that two longer names start with joins neither: it becomes a port of its own', () => {
    const snap = loadSnapshot([vsctl(['tap0123456789abX1', 'tap0123456789abX2']), ofctlShow([[7, 'tap0123456789ab']])]);
    expect(joined(snap.bridges.get('br0')!)).toEqual(new Map([
      ['tap0123456789abX1', [undefined, undefined]], ['tap0123456789abX2', [undefined, undefined]], ['tap0123456789ab', [7, undefined]],
    ]));
  });

  it('a port vsctl show does not list becomes a port of its own, which dpif/show then numbers', () => {
    const snap = loadSnapshot([vsctl(['p1']), ofctlShow([[1, 'p1'], [9, 'extra']]), dpifShow([[9, 5, 'extra']])]);
    expect(joined(snap.bridges.get('br0')!).get('extra')).toEqual([9, 5]);
  });

  it('a chassis of 5,000 ports joins every one (a lookup per line, not a search of all ports)', () => {
    // Neutron's tap<port uuid>, which ofctl show cuts to `tap` and 12 characters of the uuid.
    const names = Array.from({ length: 5000 }, (_, i) => `tap${i.toString(16).padStart(8, '0')}-4a2b-4c3d`);
    const snap = loadSnapshot([
      vsctl(names), ofctlShow(names.map((n, i) => [i + 1, n.slice(0, 15)])), dpifShow(names.map((n, i) => [i + 1, i + 2, n])),
    ]);
    const ports = joined(snap.bridges.get('br0')!);
    expect(ports.size).toBe(5000);
    expect(names.every((n, i) => ports.get(n)![0] === i + 1 && ports.get(n)![1] === i + 2)).toBe(true);
  });
});
