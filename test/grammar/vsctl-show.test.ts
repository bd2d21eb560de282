import { describe, expect, it } from 'vitest';
import { parseVsctlShow } from '../../grammar/vsctl-show.js';
import { InputError } from '../../src/model/errors.js';
import { commonErrors, sample, seedBlock } from './helpers.js';

describe('vsctl show', () => {
  it('parses OVS 3.1 output', () => {
    const r = parseVsctlShow(sample('vsctl-show.txt'), 's');
    expect(r.uuid).toBe('b07c6976-d3df-4d84-8ddd-02db2c00ef17');
    expect(r.ovsVersion).toBe('3.1.0');
    expect(r.managers.map((m) => m.target)).toEqual(['tcp:127.0.0.1:16641', 'ptcp:6640']);
    const [tun, br0] = r.bridges;
    expect(tun).toMatchObject({ name: 'br-tun', failMode: 'secure', datapathType: 'dummy' });
    expect(tun.controllers).toEqual([{ target: 'tcp:127.0.0.1:16653', isConnected: true, other: {} }]);
    const vx = tun.ports.find((p) => p.name === 'vxlan-ac10aa82')!.interfaces[0];
    expect(vx.type).toBe('vxlan');
    expect({ ...vx.options }).toEqual({ df_default: 'true', in_key: 'flow', local_ip: '172.16.170.131', out_key: 'flow', remote_ip: '172.16.170.130' });
    expect(tun.ports.find((p) => p.name === 'bad0')!.interfaces[0].error).toMatch(/^could not open network device bad0/);
    const port = (n: string) => br0.ports.find((p) => p.name === n)!;
    expect(port('p2').tag).toBe(2);
    expect(port('p3').trunks).toEqual([1, 2]);
    expect(port('we"ird port').interfaces[0].name).toBe('we"ird port');
    expect(port('bond0').interfaces.map((i) => i.name)).toEqual(['b1', 'b2']);
    expect(port('patch-tun').interfaces[0].options.peer).toBe('patch-int');
  });

  it('parses the flattened OVS 2.3 seed', () => {
    const r = parseVsctlShow(seedBlock('neutron-br-ex-br-int-flows.txt', '[root]# ovs-vsctl show'), 'seed');
    expect(r).toMatchObject({ uuid: 'c499917e-fe06-4d6d-a5d3-ca0bbaaefdff', ovsVersion: '2.3.2' });
    expect(r.bridges.map((b) => [b.name, b.failMode, b.ports.length])).toEqual([
      ['br-tun', 'secure', 4],
      ['br-int', 'secure', 8],
      ['br-ex', undefined, 3],
    ]);
    const tap = r.bridges[1].ports[0];
    expect(tap).toMatchObject({ name: 'tap293c4a9f-81', tag: 2 });
    expect(tap.interfaces[0].type).toBe('internal');
  });

  it('keeps unknown keys and tells bridge keys from controller keys when flattened', () => {
    const r = parseVsctlShow('Bridge br0\nController "tcp:1.2.3.4:6653"\nis_connected: true\nfail_mode: standalone\nPort p\nbond_mode: balance-slb\nlacp: active\n', 'f');
    expect(r.bridges[0].failMode).toBe('standalone');
    expect(r.bridges[0].controllers[0].isConnected).toBe(true);
    expect({ ...r.bridges[0].ports[0].other }).toEqual({ bond_mode: 'balance-slb', lacp: 'active' });
  });

  it('does not pollute prototypes with __proto__ names', () => {
    const r = parseVsctlShow('Bridge __proto__\n    Port __proto__\n        Interface __proto__\n            options: {__proto__="x", constructor=y}\n        __proto__: z\n', 'f');
    const port = r.bridges[0].ports[0];
    expect(port.name).toBe('__proto__');
    expect(port.other.__proto__).toBe('z');
    expect(port.interfaces[0].options.__proto__).toBe('x');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('constructor', 'y');
  });

  it.each([
    ...commonErrors('vsctl show'),
    ['Port outside a bridge', '    Port p1\n', /^f:1:5: vsctl show: unexpected "Port"$/],
    ['a non-numeric tag', 'Bridge b\nPort p\ntag: x\n', /^f:3:6: vsctl show: unexpected "x"$/],
    ['an unterminated map', 'Bridge b\nPort p\nInterface i\noptions: {a=b\n', /^f:4:14: vsctl show: unexpected end of line$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseVsctlShow(text, 'f')).toThrow(InputError);
    expect(() => parseVsctlShow(text, 'f')).toThrow(message);
  });
});
