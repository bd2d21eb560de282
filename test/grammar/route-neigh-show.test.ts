// The native-tunnel underlay dumps: ovs/route/show and tnl/neigh/show, as
// OVS 3.1 prints them (samples recorded with family-native-tunnels).
import { describe, expect, it } from 'vitest';
import { parseNeighShow } from '../../grammar/neigh-show.js';
import { parseRouteShow } from '../../grammar/route-show.js';
import { classifyDumpName } from '../../src/ingest/sources.js';
import { formatIpMapped } from '../../src/meta-flow/values.js';
import { InputError } from '../../src/model/errors.js';
import { commonErrors, sample } from './helpers.js';

describe('ovs/route/show', () => {
  it('reads user routes with a gateway and a pkt_mark, IPv4 mapped into IPv6', () => {
    const routes = parseRouteShow(sample('route-show.txt'), 'f');
    expect(routes.map((r) => [formatIpMapped(r.prefix), r.plen, r.mark, r.dev, r.gw && formatIpMapped(r.gw), formatIpMapped(r.src), r.local, r.user])).toEqual([
      ['1.1.2.0', 120, 0, 'br0', undefined, '1.1.2.88', false, true],
      ['1.1.3.0', 120, 7, 'br0', '1.1.2.93', '1.1.2.88', false, true],
      ['10.9.0.0', 112, 0, 'br0', '1.1.2.1', '1.1.2.88', false, true],
      ['2001:db8::', 64, 0, 'br0', undefined, '2001:db8::88', false, true],
    ]);
  });

  it('reads the system routes a host caches, local ones marked', () => {
    const text = 'Route Table:\nCached: 10.0.0.1/32 dev eth0 SRC 10.0.0.1 local\nCached: 0.0.0.0/0 dev eth0 GW 10.0.0.254 SRC 10.0.0.1\nCached: ::1/128 dev lo SRC ::1 local\n';
    expect(parseRouteShow(text, 'f').map((r) => [formatIpMapped(r.prefix), r.plen, r.local, r.user])).toEqual([
      ['10.0.0.1', 128, true, false], ['0.0.0.0', 96, false, false], ['::1', 128, true, false],
    ]);
  });

  it.each([
    ...commonErrors('ovs/route/show'),
    ['a bad address', 'User: 1.1.2.0/24 dev br0 SRC 1.1.2.x\n', /^f:1:30: ovs\/route\/show: not an IP address: "1.1.2.x"$/],
    ['a prefix too long', 'User: 1.1.2.0/40 dev br0 SRC 1.1.2.1\n', /^f:1:7: ovs\/route\/show: prefix length out of range: "1.1.2.0\/40"$/],
    ['no device', 'User: 1.1.2.0/24 SRC 1.1.2.1\n', /^f:1:18: ovs\/route\/show: unexpected "SRC"/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseRouteShow(text, 'f')).toThrow(InputError);
    expect(() => parseRouteShow(text, 'f')).toThrow(message);
  });
});

describe('tnl/neigh/show', () => {
  it('reads IPv4 and IPv6 neighbors by bridge', () => {
    const n = parseNeighShow(sample('neigh-show.txt'), 'f');
    expect(n.map((e) => [formatIpMapped(e.ip), e.mac.toString(16), e.bridge, e.stale])).toEqual([
      ['1.1.2.92', 'aa55aa550001', 'br0', false], ['1.1.2.93', 'aa55aa550003', 'br0', false],
      ['2001:db8::92', 'aa55aa550002', 'br0', false], ['1.1.2.1', 'aa55aa55000f', 'br0', false],
    ]);
  });

  it('marks expired entries, which lookups miss', () => {
    expect(parseNeighShow('1.1.2.9   aa:55:aa:55:00:09   br0 STALE\n', 'f')[0].stale).toBe(true);
  });

  it.each([
    ...commonErrors('tnl/neigh/show'),
    ['a bad MAC', '1.1.2.9   aa:55   br0\n', /^f:1:11: tnl\/neigh\/show: unexpected "aa:55"/],
    ['a bad address', 'x.y   aa:55:aa:55:00:09   br0\n', /^f:1:1: tnl\/neigh\/show: not an IP address: "x.y"$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseNeighShow(text, 'f')).toThrow(InputError);
    expect(() => parseNeighShow(text, 'f')).toThrow(message);
  });

  it('are found in a sosreport by their names (tnl/arp/show is the older name)', () => {
    expect(['ovs-appctl_ovs.route.show', 'ovs-appctl_tnl.neigh.show', 'ovs-appctl_tnl.arp.show'].map((n) => classifyDumpName(n)?.kind)).toEqual(['routes', 'neigh', 'neigh']);
  });
});
