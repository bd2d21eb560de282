// QoS queues on the Linux kernel datapath (dpif-netlink's queue_to_priority:
// tc class 1:(queue + 1), no priority from queue 0xf000 on). The userspace
// datapath, where a queue is its own priority, is recorded from OVS 3.1 in
// test/fixtures/family-queues; the kernel module is not there to record, so
// these follow lib/dpif-netlink.c and xlate_enqueue_action's fallback.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';

describe('queues on the kernel datapath (system@ovs-system)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oftrace-queues-'));
  writeFileSync(join(dir, 'dpif'), 'system@ovs-system: hit:0 missed:0\n  br0:\n    br0 65534/1: (internal)\n    p1 1/2: (system)\n    p2 2/3: (system)\n');
  const FLOWS = [
    'priority=100,in_port=1,tcp actions=set_queue:5,output:2',
    'priority=100,in_port=1,udp actions=set_queue:61440,output:2',
    'priority=100,in_port=2,tcp actions=enqueue:1:5',
    'priority=100,in_port=2,udp actions=enqueue:1:61440',
  ];
  writeFileSync(join(dir, 'flows'), 'NXST_FLOW reply (xid=0x4):\n' + FLOWS.map((f) => ` cookie=0x0, duration=1.0s, table=0, n_packets=0, n_bytes=0, ${f}\n`).join(''));
  const trace = async (flow: string) => {
    const r = await runCli(['--dpif', join(dir, 'dpif'), '--flows', `br0=${join(dir, 'flows')}`, 'br0', flow]);
    return r.stdout.trimEnd().split('\n').pop();
  };

  it.each([
    ['set_queue:5 is tc class 1:6', 'tcp,in_port=1', 'Datapath actions: set(skb_priority(0x10006)),3'],
    ['set_queue past 0xefff has no priority, and changes nothing', 'udp,in_port=1', 'Datapath actions: 3'],
    ['enqueue:1:5 outputs with class 1:6 and puts the priority back', 'tcp,in_port=2', 'Datapath actions: set(skb_priority(0x10006)),2'],
    ['enqueue past queue 0xefff is a plain output', 'udp,in_port=2', 'Datapath actions: 2'],
  ])('%s', async (_what, flow, actions) => {
    expect(await trace(flow)).toBe(actions);
  });
});
