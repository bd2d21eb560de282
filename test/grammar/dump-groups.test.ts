import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDumpGroups } from '../../grammar/dump-groups.js';
import { InputError } from '../../src/model/errors.js';
import type { Bucket } from '../../src/model/group.js';

const sample = (name: string) => readFileSync(new URL(`samples/${name}`, import.meta.url), 'utf8');
/** Action types of a bucket, e.g. 'output,output'. */
const acts = (b: Bucket) => b.actions.map((a) => a.type).join(',');

describe('dump-groups', () => {
  it('parses OF1.5 output with bucket ids, selection methods and fields', () => {
    const groups = parseDumpGroups(sample('dump-groups-of15.txt'), 'g15');
    expect(groups).toHaveLength(10);
    const g1 = groups.find((g) => g.groupId === 1)!;
    expect(g1).toMatchObject({ type: 'select', selectionMethod: 'hash', fields: ['ip_src', 'nw_proto'] });
    expect(g1.source).toEqual({ file: 'g15', line: 8, column: 2 });
    expect(g1.buckets.map((b) => [b.bucketId, b.weight, b.watchPort, acts(b)])).toEqual([
      [0, 100, 1, 'output'],
      [1, 50, undefined, 'output'],
    ]);
    const g5 = groups.find((g) => g.groupId === 5)!;
    expect(g5).toMatchObject({ selectionMethod: 'dp_hash', selectionMethodParam: 7n });
    expect(groups.find((g) => g.groupId === 8)!.fields).toEqual(['eth_dst=ff:ff:ff:ff:ff:00', 'ip_src=255.255.0.0', 'tcp_dst']);
    expect(groups.find((g) => g.groupId === 7)!.buckets).toEqual([]);
  });

  it('keeps nested parentheses and commas inside one bucket', () => {
    const g9 = parseDumpGroups(sample('dump-groups-of13.txt'), 'g13').find((g) => g.groupId === 9)!;
    expect(g9.buckets.map(acts)).toEqual(['resubmit', 'ct']);
    // Action errors point into the line: column 65 is where the bucket's actions start.
    const bad = readFileSync(new URL('samples/dump-groups-of13.txt', import.meta.url), 'utf8').replace('zone=1', 'zone=?');
    expect(() => parseDumpGroups(bad, 'g13')).toThrow(/^g13:5:(6[5-9]|[7-9]\d|1\d\d): /);
  });

  it('parses OF1.1 output, fast-failover watch ports/groups and the max group id', () => {
    const groups = parseDumpGroups(sample('dump-groups-of11.txt'), 'g11');
    const ff = groups.find((g) => g.groupId === 4)!;
    expect(ff.type).toBe('ff');
    expect(ff.buckets.map((b) => [b.watchPort, b.watchGroup, acts(b)])).toEqual([
      [1, undefined, 'output'],
      [2, undefined, 'output'],
      [undefined, 3, 'group'],
    ]);
    expect(groups.find((g) => g.groupId === 4294967040)!.buckets.map(acts)).toEqual(['']);
  });

  it('accepts the bare bucket actions of OVS before 2.4', () => {
    const [g] = parseDumpGroups(' group_id=3,type=select,bucket=weight:10,output:1,mod_vlan_vid:3,bucket=output:2\n', 'old');
    expect(g.buckets.map((b) => [b.weight, acts(b)])).toEqual([
      [10, 'output,set_vlan_vid'],
      [undefined, 'output'],
    ]);
  });

  it('accepts a reply with no groups', () => {
    expect(parseDumpGroups(sample('dump-groups-empty.txt'), 'e')).toEqual([]);
  });

  it.each([
    ['garbage', 'hello world\n', /^f:1:12: dump-groups: unexpected end of line$/],
    ['bad group id', ' group_id=x1,type=all\n', /^f:1:11: dump-groups: expected a number, got "x1"$/],
    ['missing type', ' group_id=1\n', /^f:1:2: dump-groups: group without group_id and type$/],
    ['bad weight', ' group_id=1,type=all,bucket=weight:z,actions=drop\n', /^f:1:36: /],
    ['NUL byte', 'OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n\0', /^f:2: binary data/],
    ['empty file', '', /^f: dump-groups: empty input$/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseDumpGroups(text, 'f')).toThrow(InputError);
    expect(() => parseDumpGroups(text, 'f')).toThrow(message);
  });

  it('handles a 1 MB line without hanging', () => {
    const line = ' group_id=1,type=all,bucket=actions=' + 'output:1,'.repeat(120000) + 'output:2';
    const [g] = parseDumpGroups(line, 'big');
    expect(g.buckets[0].actions).toHaveLength(120001);
    expect(() => parseDumpGroups('('.repeat(1 << 20), 'big')).toThrow(InputError);
  });
});
