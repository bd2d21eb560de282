import { describe, expect, it } from 'vitest';
import { parseFdbShow } from '../../grammar/fdb-show.js';
import { InputError } from '../../src/model/errors.js';
import { commonErrors, sample, seedBlock } from './helpers.js';

describe('fdb show', () => {
  it('parses OVS 3.1 output with LOCAL and static entries', () => {
    const rows = parseFdbShow(sample('fdb-show-br0.txt'), 'f');
    expect(rows.map((r) => [r.port, r.vlan, r.mac, r.static])).toEqual([
      [1, 0, '50:54:00:00:00:01', false],
      [1, 0, '50:54:00:00:00:02', false],
      [1, 0, '50:54:00:00:00:03', false],
      [2, 2, '50:54:00:00:00:22', false],
      [3, 1, '50:54:00:00:00:33', false],
      [65534, 0, '50:54:00:00:00:44', false],
      [1, 0, '50:54:00:00:00:99', true],
    ]);
    expect(rows[0].age).toBeTypeOf('number');
  });

  it('accepts a header-only table', () => {
    expect(parseFdbShow(sample('fdb-show-empty.txt'), 'f')).toEqual([]);
  });

  it('parses the single-spaced seed', () => {
    const rows = parseFdbShow(seedBlock('neutron-br-ex-br-int-flows.txt', '[root]# ovs-appctl fdb/show br-ex'), 'seed');
    expect(rows).toHaveLength(7);
    expect(rows[1]).toEqual({ port: 1, vlan: 0, mac: 'fa:16:3e:2e:00:f1', age: 117, static: false });
  });

  it.each([
    ...commonErrors('fdb show'),
    ['a short MAC', ' 1 0 zz:00 3\n', /^f:1:6: fdb show: unexpected "zz:00"$/],
    ['a trailing word', ' 1 0 00:00:00:00:00:01 3 extra\n', /^f:1:26: fdb show: unexpected "extra"$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseFdbShow(text, 'f')).toThrow(InputError);
    expect(() => parseFdbShow(text, 'f')).toThrow(message);
  });
});
