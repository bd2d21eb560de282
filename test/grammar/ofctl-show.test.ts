import { describe, expect, it } from 'vitest';
import { parseOfctlShow } from '../../grammar/ofctl-show.js';
import { InputError } from '../../src/model/errors.js';
import { commonErrors, sample, seedBlock } from './helpers.js';

describe('ofctl show / dump-ports-desc', () => {
  it.each(['ofctl-show-br0.txt', 'ofctl-show-br0-of13.txt', 'ofctl-dump-ports-desc-br0-of15.txt'])('parses %s', (name) => {
    const r = parseOfctlShow(sample(name), name);
    expect(r.dpid).toBe(name.includes('desc') ? undefined : '00008aaa65f4d643');
    expect(r.ports.map((p) => [p.ofport, p.name])).toEqual([
      [1, 'p1'], [2, 'p2'], [3, 'p3'], [4, 'we"ird port'], [5, 'b1'], [6, 'b2'], [7, 'patch-tun'],
      [8, '__proto__'], [9, 'odd(9): addr:x'], [10, 'vx1'], [11, 'gre1'], [65534, 'br0'],
    ]);
    const p2 = r.ports[1];
    expect(p2).toMatchObject({ mac: 'aa:55:aa:55:00:03', config: ['PORT_DOWN'], state: ['LINK_DOWN'] });
    expect(p2.other.speed).toBe('0 Mbps now, 0 Mbps max');
    expect(r.ports[0].config).toEqual([]);
    expect(r.ports[0].state).toEqual(name === 'ofctl-show-br0.txt' ? [] : ['LIVE']);
  });

  it('parses the flattened OVS 2.3 seed with current/advertised lines', () => {
    const r = parseOfctlShow(seedBlock('neutron-br-ex-br-int-flows.txt', '[root]# ovs-ofctl show br-ex'), 'seed');
    expect(r.dpid).toBe('00000cc47ab12f79');
    expect(r.ports.map((p) => [p.ofport, p.name])).toEqual([[1, 'enp4s0f1'], [2, 'phy-br-ex'], [65534, 'br-ex']]);
    expect(r.ports[0].other.current).toBe('1GB-FD COPPER AUTO_NEG');
  });

  it.each([
    ...commonErrors('ofctl show'),
    ['a bad MAC', ' 1(p1): addr:zz\n', /^f:1:14: ofctl show: unexpected "zz"$/],
    ['punctuation in config', ' 1(p1): addr:aa:55:aa:55:00:01\n config: 0 ,\n', /^f:2:12: ofctl show: unexpected ","$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseOfctlShow(text, 'f')).toThrow(InputError);
    expect(() => parseOfctlShow(text, 'f')).toThrow(message);
  });
});
