// Specifications for conjunctive matches (classifier_lookup__'s soft match
// loop), the OpenFlow 1.1+ action set (ofpacts_execute_action_set) and select
// group hashing.  Expected values come from OVS 3.1 traces recorded in
// test/fixtures/family-learn-conjunction, family-of13-action-sets and
// family-groups.
import { describe, expect, it } from 'vitest';
import { M, ETH_TYPE, IPPROTO, allOnes, newFlow } from '../../src/meta-flow/flow.js';
import { parseFlowsDump } from '../../src/ingest/flows.js';
import { formatActions, parseActions } from '../../src/ofp/actions.js';
import { Classifier } from '../../src/xlate/classifier.js';
import { groupByMask } from '../../src/model/rule-groups.js';
import { actionSetToList } from '../../src/xlate/xlate.js';
import { flowHashSymmetricL4 } from '../../src/xlate/hash.js';
import { hashInt } from '../../src/xlate/hmap-order.js';

const TABLE_20 = `
 priority=1000,tcp,nw_src=10.0.0.1,tp_dst=22 actions=output:4
 priority=200,tcp,nw_src=10.0.0.9,tp_dst=8080 actions=conjunction(300,1/2)
 priority=200,tcp,nw_dst=10.9.9.9,tp_dst=8080 actions=conjunction(300,2/2)
 priority=200,conj_id=300,tcp actions=output:3
 priority=100,ip,nw_src=10.0.0.1 actions=conjunction(100,1/2)
 priority=100,ip,nw_src=10.0.0.2 actions=conjunction(100,1/2)
 priority=100,tcp,tp_dst=80 actions=conjunction(100,2/2),conjunction(200,2/3)
 priority=100,tcp,tp_dst=443 actions=conjunction(100,2/2)
 priority=100,ip,nw_dst=192.168.0.0/16 actions=conjunction(200,1/3)
 priority=100,tcp,tp_src=0x400/0xfc00 actions=conjunction(200,3/3)
 priority=100,conj_id=100,ip actions=output:2
 priority=100,conj_id=200,ip actions=output:1
 priority=1 actions=drop
`;

function tcp(nwSrc: number, nwDst: number, tpSrc: number, tpDst: number) {
  const f = newFlow();
  Object.assign(f, { [M.dl_type]: ETH_TYPE.IP, [M.nw_proto]: IPPROTO.TCP, [M.nw_src]: BigInt(nwSrc), [M.nw_dst]: BigInt(nwDst), [M.tp_src]: BigInt(tpSrc), [M.tp_dst]: BigInt(tpDst) });
  return f;
}
const ip = (s: string) => s.split('.').reduce((a, b) => a * 256 + Number(b), 0);

describe('conjunctive match', () => {
  const cls = new Classifier(groupByMask(parseFlowsDump(TABLE_20, { file: 't20' }).rules));
  const lookup = (src: string, dst: string, tpSrc: number, tpDst: number) => {
    const r = cls.lookup(tcp(ip(src), ip(dst), tpSrc, tpDst), newFlow());
    return r && `${r.priority} ${formatActions(r.actions)}`;
  };

  it.each([
    ['all clauses of conjunction 100 match', '10.0.0.1', '10.0.0.2', 40000, 80, '100 output:2'],
    ['another clause-1 alternative', '10.0.0.2', '10.0.0.2', 40000, 443, '100 output:2'],
    ['clause 1 missing: the lower-priority hard match', '10.0.0.3', '10.0.0.2', 40000, 443, '1 drop'],
    ['a higher-priority plain flow wins', '10.0.0.1', '10.0.0.2', 40000, 22, '1000 output:4'],
    ['three clauses of 200', '10.0.0.5', '192.168.3.3', 1500, 80, '100 output:1'],
    ['third clause of 200 missing', '10.0.0.5', '192.168.3.3', 3000, 80, '1 drop'],
    ['conjunction at a higher priority', '10.0.0.9', '10.9.9.9', 3000, 8080, '200 output:3'],
  ])('%s', (_what, src, dst, tpSrc, tpDst, expected) => {
    expect(lookup(src, dst, tpSrc, tpDst)).toBe(expected);
  });

  it('leaves conj_id out of the flow and keeps the bits both lookups examined', () => {
    const flow = tcp(ip('10.0.0.1'), ip('10.0.0.2'), 40000, 80);
    const wc = newFlow();
    cls.lookup(flow, wc);
    expect(flow[M.conj_id]).toBe(0n);
    expect(wc[M.nw_src]).toBe(allOnes(32));
    expect(wc[M.conj_id]).toBe(allOnes(32));
  });
});

describe('action set', () => {
  const list = (text: string) => actionSetToList(parseActions(text, { file: 'x', line: 1, column: 1 })).map((a) => formatActions([a])).join(',');

  it.each([
    // The later output overrides the earlier one.
    ['output:2,output:3', 'output:3'],
    // A group wins over an output, whatever the order.
    ['output:2,group:1,output:3', 'group:1'],
    // Without output, group, resubmit or ct nothing runs.
    ['set_field:00:00:00:00:00:66->eth_dst', ''],
    // Set actions run before the output, in the order written, all of them.
    ['output:3,set_field:00:00:00:00:00:22->eth_dst,set_field:00:00:00:00:00:33->eth_dst', 'set_field:00:00:00:00:00:22->eth_dst,set_field:00:00:00:00:00:33->eth_dst,output:3'],
    // pop_vlan goes first.
    ['output:3,pop_vlan', 'pop_vlan,output:3'],
  ])('%s -> %s', (set, expected) => {
    expect(list(set)).toBe(expected);
  });
});

describe('select group hashing', () => {
  it('scores buckets as hash_int(bucket_id, flow_hash_symmetric_l4) & 0xffff, times the weight', () => {
    // family-groups#5: group 5, weights 1 and 1000.
    const f = newFlow();
    Object.assign(f, {
      [M.dl_src]: 1n, [M.dl_dst]: 2n, [M.dl_type]: ETH_TYPE.IP, [M.nw_proto]: IPPROTO.ICMP,
      [M.nw_src]: BigInt(ip('10.0.1.1')), [M.nw_dst]: BigInt(ip('10.0.0.5')), [M.tp_src]: 8n,
    });
    const basis = flowHashSymmetricL4(f, 0);
    expect(hashInt(0, basis) & 0xffff).toBe(14689);
    expect((hashInt(1, basis) & 0xffff) * 1000).toBe(37543000);
  });
});
