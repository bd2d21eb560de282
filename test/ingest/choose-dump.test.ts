// A sosreport holds a bridge's flows several times, one dump per OpenFlow
// version. ofproto/trace prints actions as they were added, and a dump prints
// them as its version encodes them, so oftrace uses the dump that matches how
// the flows were added: OpenFlow 1.0/1.1 flow_mods reset counters, which an
// OpenFlow 1.3 dump prints as `reset_counts` (as recorded from OVS 3.1 in
// test/fixtures/family-registers-setfield). Only that dump is read line by line;
// of the port lists, groups and TLV maps, one version per bridge is read.
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../../src/ingest/load.js';
import type { DumpText } from '../../src/ingest/sources.js';
import { formatActions } from '../../src/ofp/actions.js';

const plain = (flows: string): DumpText => ({ kind: 'flows', bridge: 'br0', file: 'ovs-ofctl_dump-flows_br0', text: `NXST_FLOW reply (xid=0x4):\n${flows}` });
const of13 = (flows: string): DumpText => ({
  kind: 'flows', bridge: 'br0', ofVersion: 'OpenFlow13', file: 'ovs-ofctl_-O_OpenFlow13_dump-flows_br0', text: `OFPST_FLOW reply (OF1.3) (xid=0x2):\n${flows}`,
});

const ADDED_WITH_OF10 = {
  plain: ' cookie=0x0, duration=5.000s, table=0, n_packets=0, n_bytes=0, idle_age=5, priority=110,in_port=2 actions=mod_dl_src:00:00:00:00:aa:aa,output:3\n',
  of13: ' cookie=0x0, duration=5.000s, table=0, n_packets=0, n_bytes=0, reset_counts priority=110,in_port=2 actions=set_field:00:00:00:00:aa:aa->eth_src,output:3\n',
};
const ADDED_WITH_OF13 = {
  plain: ADDED_WITH_OF10.plain,
  of13: ADDED_WITH_OF10.of13.replace('reset_counts ', ''),
};

/** The actions of table 0's rules, as a trace prints them. */
function actions(dumps: DumpText[], lenient = false): string[] {
  const warnings: string[] = [];
  const snap = loadSnapshot(dumps, { lenient, warn: (m) => warnings.push(m) });
  return [...snap.bridges.get('br0')!.tables.get(0)!.map((r) => formatActions(r.actions)), ...warnings];
}

describe("choosing among a bridge's dumps", () => {
  it('flows added with OpenFlow 1.0 (the 1.3 dump prints reset_counts): the plain dump', () => {
    expect(actions([plain(ADDED_WITH_OF10.plain), of13(ADDED_WITH_OF10.of13)])).toEqual(['mod_dl_src:00:00:00:00:aa:aa,output:3']);
  });

  it('flows added with OpenFlow 1.3: the 1.3 dump, whichever comes first', () => {
    expect(actions([of13(ADDED_WITH_OF13.of13), plain(ADDED_WITH_OF13.plain)])).toEqual(['set_field:00:00:00:00:aa:aa->eth_src,output:3']);
  });

  it('an OpenFlow 1.2 dump does not tell (its flow stats have no flags): the 1.3 dump does', () => {
    const of12: DumpText = { ...of13(ADDED_WITH_OF10.of13.replace('reset_counts ', '')), ofVersion: 'OpenFlow12', file: 'ovs-ofctl_-O_OpenFlow12_dump-flows_br0' };
    expect(actions([of12, of13(ADDED_WITH_OF10.of13), plain(ADDED_WITH_OF10.plain)])).toEqual(['mod_dl_src:00:00:00:00:aa:aa,output:3']);
  });

  it('mixed (some flows added with each version): the plain dump only when more than half print reset_counts', () => {
    const flow = (prio: number, reset: boolean) => ADDED_WITH_OF10.of13.replace('priority=110', `priority=${prio}`).replace('reset_counts ', reset ? 'reset_counts ' : '');
    const plainFlows = [110, 111, 112].map((p) => ADDED_WITH_OF10.plain.replace('priority=110', `priority=${p}`)).join('');
    expect(actions([plain(plainFlows), of13(flow(110, true) + flow(111, false) + flow(112, false))])[0]).toMatch(/^set_field/);
    expect(actions([plain(plainFlows), of13(flow(110, true) + flow(111, true) + flow(112, false))])[0]).toMatch(/^mod_dl_src/);
  });

  it('reads only the dump it uses: a bad line in the other is not reported, one in the used dump is', () => {
    const bad = ' priority=1,nw_src=10.0.0.3x actions=drop\n';
    expect(actions([plain(ADDED_WITH_OF13.plain + bad), of13(ADDED_WITH_OF13.of13)])).toEqual(['set_field:00:00:00:00:aa:aa->eth_src,output:3']);
    expect(() => actions([plain(ADDED_WITH_OF13.plain), of13(ADDED_WITH_OF13.of13 + bad)])).toThrow(/ovs-ofctl_-O_OpenFlow13_dump-flows_br0:3:20: bad value for nw_src/);
  });

  it('an empty OpenFlow 1.3 dump is an error, and with --lenient a warning that leaves the plain dump', () => {
    const empty: DumpText = { ...of13(''), text: '' };
    expect(() => actions([plain(ADDED_WITH_OF10.plain), empty])).toThrow(/empty file/);
    expect(actions([plain(ADDED_WITH_OF10.plain), empty], true)).toEqual([
      'mod_dl_src:00:00:00:00:aa:aa,output:3', 'warning: skipped: ovs-ofctl_-O_OpenFlow13_dump-flows_br0: empty file, expected `ovs-ofctl dump-flows` output',
    ]);
  });

  it("groups: of a sosreport's dump per version, the newest; plain files given twice are both read", () => {
    const groups = (version: string | undefined, text: string): DumpText => ({ kind: 'groups', bridge: 'br0', ofVersion: version, file: `groups-${version}`, text });
    const bucketActions = (dumps: DumpText[]) =>
      [...loadSnapshot(dumps).bridges.get('br0')!.groups.values()].map((g) => `${g.groupId}:${g.buckets.map((b) => formatActions(b.actions)).join(' ')}`);
    expect(bucketActions([
      groups('OpenFlow10', 'NXST_GROUP_DESC reply (xid=0x2):\n group_id=1,type=all,bucket=bucket_id:0,actions=mod_dl_dst:00:00:00:00:00:09,output:3\n'),
      groups('OpenFlow13', 'OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n group_id=1,type=all,bucket=bucket_id:0,actions=set_field:00:00:00:00:00:09->eth_dst,output:3\n'),
    ])).toEqual(['1:set_field:00:00:00:00:00:09->eth_dst,output:3']);
    expect(bucketActions([
      groups(undefined, 'OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n group_id=1,type=all,bucket=actions=output:3\n'),
      groups(undefined, 'OFPST_GROUP_DESC reply (OF1.3) (xid=0x2):\n group_id=2,type=all,bucket=actions=output:4\n'),
    ])).toEqual(['1:output:3', '2:output:4']);
  });
});
