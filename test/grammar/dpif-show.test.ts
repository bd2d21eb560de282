import { describe, expect, it } from 'vitest';
import { parseDpctlShow, parseDpifShow } from '../../grammar/dpif-show.js';
import { InputError } from '../../src/model/errors.js';
import { commonErrors, sample } from './helpers.js';

describe('dpif/show', () => {
  it('parses OVS 3.1 output', () => {
    const [dp, ...rest] = parseDpifShow(sample('dpif-show.txt'), 'd');
    expect(rest).toEqual([]);
    expect(dp.name).toBe('dummy@ovs-dummy');
    expect([...dp.bridges.keys()]).toEqual(['br-tun', 'br0']);
    const br0 = dp.bridges.get('br0')!;
    expect(br0.get('br0')).toMatchObject({ ofport: 65534, dpPort: 100, type: 'dummy-internal' });
    expect(br0.get('patch-tun')).toMatchObject({ ofport: 7, dpPort: undefined, type: 'patch' });
    expect(br0.get('patch-tun')!.details.get('peer')).toBe('patch-int');
    expect(br0.get('vx1')).toMatchObject({ ofport: 10, dpPort: 4789, type: 'vxlan' });
    expect(br0.get('odd(9): addr:x')).toMatchObject({ ofport: 9, dpPort: 9 });
    expect(br0.get('we"ird port')).toMatchObject({ ofport: 4, dpPort: 4 });
    expect(br0.get('__proto__')).toMatchObject({ ofport: 8, dpPort: 7 });
  });

  it('parses OVS 2.x tab-indented output with per-bridge stats', () => {
    const [dp] = parseDpifShow('system@ovs-system: hit:3 missed:2\n\tbr-int: hit:0 missed:0\n\t\tbr-int 65534/2: (internal)\n\t\teth0 1/3: (system)\n', 'old');
    expect(dp.bridges.get('br-int')!.get('eth0')).toMatchObject({ ofport: 1, dpPort: 3, type: 'system' });
  });

  it.each([
    ...commonErrors('dpif show'),
    ['a port outside a bridge', 'dummy@x: hit:0\n  p1 1/1: (dummy)\n', /^f:2:3: dpif show: unexpected "p1"$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseDpifShow(text, 'f')).toThrow(InputError);
    expect(() => parseDpifShow(text, 'f')).toThrow(message);
  });
});

describe('dpctl/show', () => {
  it.each(['dpctl-show.txt', 'dpctl-show-s.txt'])('parses %s', (name) => {
    const [dp] = parseDpctlShow(sample(name), name);
    expect(dp.name).toBe('dummy@ovs-dummy');
    expect(dp.other.get('flows')).toBe('0');
    expect(dp.other.get('lookups')).toMatch(/^hit:\d+ missed:\d+ lost:\d+$/);
    expect([...dp.ports.values()].map((p) => [p.dpPort, p.name, p.type])).toEqual([
      [0, 'ovs-dummy', 'dummy-internal'], [1, 'p1', 'dummy'], [2, 'p2', 'dummy'], [3, 'p3', 'dummy'],
      [4, 'we"ird port', 'dummy'], [5, 'b1', 'dummy'], [6, 'b2', 'dummy'], [7, '__proto__', 'dummy'],
      [8, 'br-tun', 'dummy-internal'], [9, 'odd(9): addr:x', 'dummy'], [10, 'gre_sys', 'gre'],
      [100, 'br0', 'dummy-internal'], [4789, 'vxlan_sys_4789', 'vxlan'],
    ]);
    expect(dp.ports.get(4789)!.details.get('packet_type')).toBe('ptap');
  });

  it('gives plain system ports (no type printed) type "system"', () => {
    const [dp] = parseDpctlShow('system@ovs-system:\n  port 1: eth0\n    RX bytes:10 (10.0 B)  TX bytes:0\n', 'k');
    expect(dp.ports.get(1)).toMatchObject({ name: 'eth0', type: 'system' });
  });

  it.each([
    ...commonErrors('dpctl show'),
    ['words without statistics', 'd@x:\n hello world\n', /^f:2:2: dpctl show: unexpected "hello"$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseDpctlShow(text, 'f')).toThrow(InputError);
    expect(() => parseDpctlShow(text, 'f')).toThrow(message);
  });
});
