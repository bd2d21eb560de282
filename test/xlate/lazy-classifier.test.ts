// A classifier fed by a dump's lazily built table (ingest/table-index.ts)
// must be the classifier fed by every rule parsed up front: same rule, same
// wildcards, for any packet. Random tables mix the shapes the lazy index
// treats differently: metadata-stage filing fields (in_port, metadata,
// registers, masked or not), values whose mask comes from the value
// (ct_state), prefixes for the nw tries, ports for the ports trie; values
// written the ways OVS accepts (names, hex or decimal, upper case), fields
// that are part of a member (dl_vlan, xreg0), lines with and without stats.
import { describe, expect, it } from 'vitest';
import { indexFlowsDump, parseFlowsDump } from '../../src/ingest/flows.js';
import { IndexedTable } from '../../src/ingest/table-index.js';
import { M, ETH_TYPE, IPPROTO, newFlow, type Flow } from '../../src/meta-flow/flow.js';
import { groupByMask } from '../../src/model/rule-groups.js';
import { PortNames } from '../../src/ofp/ports.js';
import { Classifier } from '../../src/xlate/classifier.js';
import { prng } from '../../tools/prng.js';

function randomTable(seed: number, n: number): string {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (k: number) => Math.floor(rand() * k);
  const ip = () => `10.${int(3)}.${int(4)}.${int(8)}`;
  const parts: (() => string | undefined)[] = [
    () => (rand() < 0.5 ? pick([`in_port=${1 + int(4)}`, 'in_port=LOCAL', `in_port=p${1 + int(2)}`]) : undefined),
    () => (rand() < 0.6 ? pick([`metadata=0x${(1 + int(3)).toString(16)}`, `metadata=0x${int(4)}/0x1`]) : undefined),
    () => (rand() < 0.4 ? pick([`reg0=0x${int(3)}`, `reg0=0x${int(4)}/0x3`, `reg0=${int(3)}`, `xreg0=0x${int(3)}`]) : undefined),
    () => (rand() < 0.2 ? pick(['ct_state=+trk', 'ct_state=+est+trk', 'ct_state=-new+trk']) : undefined),
    () => (rand() < 0.3 ? pick([`dl_dst=fa:16:3e:00:00:0${int(3)}`, `dl_dst=FA:16:3E:00:00:0${int(3)}`, 'dl_dst=01:00:00:00:00:00/01:00:00:00:00:00']) : undefined),
    () => (rand() < 0.3 ? pick([`dl_vlan=${5 + int(2)}`, `vlan_tci=0x100${5 + int(2)}`, `vlan_tci=0x1000/0x1000`]) : undefined),
  ];
  const l3 = [
    () => `nw_src=${ip()}${pick(['', '/16', '/24', '/30'])}`,
    () => `nw_dst=${ip()}${pick(['', '/8', '/24'])}`,
    () => `tp_dst=${pick(['80', '443', '22'])}`,
    () => `tp_src=${pick(['0x400/0xfc00', '1024', '2048'])}`,
  ];
  const lines = ['NXST_FLOW reply (xid=0x4):'];
  const seen = new Set<string>();
  while (lines.length <= n) {
    const fields = parts.map((p) => p()).filter(Boolean) as string[];
    // The last, a field and a keyword setting one member, is what OVS's parser takes (the keyword wins).
    const proto = pick(['', 'ip', 'tcp', 'udp', 'dl_type=0x0806,ip']);
    if (proto) fields.splice(fields.findIndex((f) => f.startsWith('dl_dst')) + 1 || fields.length, 0, proto);
    if (proto) for (const f of l3) if (rand() < 0.4 && (proto !== 'ip' || !f().startsWith('tp_'))) fields.push(f());
    const match = `priority=${pick([0, 10, 100, 100, 200, 32768])}${fields.length ? ',' + fields.join(',') : ''}`;
    const key = match.replace(/,tp_(src|dst)=[^,]*/g, (m) => (proto === 'ip' ? '' : m));
    if (seen.has(key)) continue;
    seen.add(key);
    // Dumps as ovs-ofctl prints them, and as people trim them by hand.
    const stats = pick([' cookie=0x0, duration=1.0s, table=0, n_packets=0, n_bytes=0, ', ' cookie=0x0, duration=1.0s, table=0, n_packets=0, n_bytes=0, idle_age=3, ', ' table=0, ', '']);
    lines.push(`${stats}${key} actions=output:${1 + int(4)}`);
  }
  return lines.join('\n') + '\n';
}

function randomPacket(rand: () => number): Flow {
  const int = (k: number) => Math.floor(rand() * k);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const f = newFlow();
  f[M.in_port] = BigInt(pick([1, 2, 3, 4, 0xfffe]));
  f[M.metadata] = BigInt(int(4));
  f[M.reg0] = BigInt(int(5));
  f[M.reg1] = BigInt(int(3));
  f[M.vlan_tci0] = BigInt(pick([0, 0x1005, 0x1006]));
  f[M.ct_state] = BigInt([0, 0x20, 0x22, 0x21][int(4)]);
  f[M.dl_dst] = BigInt(0xfa163e000000 + int(4));
  f[M.dl_type] = rand() < 0.8 ? ETH_TYPE.IP : ETH_TYPE.ARP;
  f[M.nw_proto] = [IPPROTO.TCP, IPPROTO.UDP, 1n][int(3)];
  f[M.nw_src] = BigInt((10 << 24) + (int(3) << 16) + (int(4) << 8) + int(8));
  f[M.nw_dst] = BigInt((10 << 24) + (int(3) << 16) + (int(4) << 8) + int(8));
  f[M.tp_src] = BigInt([1024, 1030, 2048, 5000][int(4)]);
  f[M.tp_dst] = BigInt([80, 443, 22, 8080][int(4)]);
  return f;
}

describe('lazily built tables', () => {
  it('give the classifier the rules and wildcards of a fully parsed table, on random tables and packets', () => {
    let hits = 0, lookups = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const text = randomTable(seed, 80);
      const ctx = { file: `t${seed}`, ports: new PortNames([[1, 'p1'], [2, 'p2']]) };
      const eager = new Classifier(groupByMask(parseFlowsDump(text, ctx).rules));
      const table = new IndexedTable(indexFlowsDump(text, ctx).byTable.get(0)!, ctx);
      // One classifier for every packet, as a batch of traces has it, and
      // (every 8th packet) a fresh one, where earlier lookups handed out no rule.
      const lazy = new Classifier(table.groups());
      const rand = prng(100 + seed);
      for (let i = 0; i < 200; i++) {
        const flow = randomPacket(rand);
        const wcEager = newFlow();
        const a = eager.lookup(flow.slice(), wcEager);
        for (const [name, cls] of i % 8 ? [['batch', lazy]] as const : [['batch', lazy], ['fresh', new Classifier(table.groups())]] as const) {
          const wcLazy = newFlow();
          const b = cls.lookup(flow.slice(), wcLazy);
          expect(b?.source.line, `seed ${seed} packet ${i} (${name})`).toBe(a?.source.line);
          expect(wcLazy, `seed ${seed} packet ${i} wildcards (${name})`).toEqual(wcEager);
        }
        lookups++;
        if (a && a.priority > 0) hits++;
      }
    }
    // Most packets hit a rule above the catch-all ones.
    expect(hits / lookups).toBeGreaterThan(0.5);
  }, 20_000);

  it('give the same lookups when another thread filed the lines (its filed table cloned as postMessage clones it)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const text = randomTable(seed, 80);
      const ctx = { file: `t${seed}`, ports: new PortNames([[1, 'p1'], [2, 'p2']]) };
      const lines = indexFlowsDump(text, ctx).byTable.get(0)!;
      const here = new IndexedTable(lines, ctx), there = new IndexedTable(lines, ctx), adopted = new IndexedTable(lines, ctx);
      there.fileAll();
      adopted.adopt(structuredClone(there.filedTable()));
      const [a, b] = [new Classifier(here.groups()), new Classifier(adopted.groups())];
      const rand = prng(200 + seed);
      for (let i = 0; i < 100; i++) {
        const flow = randomPacket(rand);
        const [wcA, wcB] = [newFlow(), newFlow()];
        expect(b.lookup(flow.slice(), wcB)?.source.line, `seed ${seed} packet ${i}`).toBe(a.lookup(flow.slice(), wcA)?.source.line);
        expect(wcB, `seed ${seed} packet ${i} wildcards`).toEqual(wcA);
      }
    }
  });

  it('build only the rules whose metadata-stage fields can match the packet', () => {
    const text = ['NXST_FLOW reply (xid=0x4):',
      ...Array.from({ length: 100 }, (_, i) => ` table=0, priority=10,metadata=0x${(i + 1).toString(16)},ip,nw_dst=10.0.${i}.0/24 actions=drop`)].join('\n');
    const table = new IndexedTable(indexFlowsDump(text, { file: 'f' }).byTable.get(0)!, { file: 'f' });
    const cls = new Classifier(table.groups());
    const flow = newFlow();
    Object.assign(flow, { [M.metadata]: 7n, [M.dl_type]: ETH_TYPE.IP, [M.nw_dst]: BigInt((10 << 24) + (6 << 8) + 1) });
    expect(cls.lookup(flow, newFlow())?.source.line).toBe(8);
    // The first line (for the shape's mask) and the one filed under metadata=0x7.
    expect((table as unknown as { built: unknown[] }).built.filter(Boolean)).toHaveLength(2);
  });

  it('build, over a batch of distinct packets, only the rules those packets need, however many lookups ask', () => {
    const text = ['NXST_FLOW reply (xid=0x4):',
      ...Array.from({ length: 2000 }, (_, i) => ` table=0, priority=10,metadata=0x${(1 + (i % 4)).toString(16)},ip,nw_src=10.1.${i >> 8}.${i & 255} actions=drop`),
      ' table=0, priority=0 actions=drop'].join('\n');
    const table = new IndexedTable(indexFlowsDump(text, { file: 'f' }).byTable.get(0)!, { file: 'f' });
    const cls = new Classifier(table.groups());
    for (let i = 0; i < 1000; i += 2) {
      const flow = Object.assign(newFlow(), { [M.metadata]: BigInt(1 + (i % 4)), [M.dl_type]: ETH_TYPE.IP, [M.nw_src]: BigInt((10 << 24) + (1 << 16) + i) });
      expect(cls.lookup(flow, newFlow())?.source.line).toBe(i + 2);
    }
    // The 500 lines hit, and the catch-all.
    expect((table as unknown as { built: unknown[] }).built.filter(Boolean).length).toBeLessThanOrEqual(501);
  });

  // Items whose text value is not what the rule's member holds: the lookup
  // must still find the line, however the index files it.
  it.each([
    ['dl_vlan=5 (the rule also sets the VLAN CFI bit)', 'priority=10,dl_vlan=5', { [M.vlan_tci0]: 0x1005n }],
    ['a field and a keyword on one member (the keyword wins)', 'priority=10,dl_type=0x0806,ip', { [M.dl_type]: ETH_TYPE.IP }],
    ['a port by name', 'priority=10,in_port=p2', { [M.in_port]: 2n }],
    ['a port as OpenFlow 1.1 numbers it (LOCAL)', 'priority=10,in_port=4294967294', { [M.in_port]: 0xfffen }],
    ['an octal value (a leading 0, as strtoull reads it)', 'priority=10,reg0=010', { [M.reg0]: 8n }],
    ['xreg0, two registers (reg0 the high half)', 'priority=10,xreg0=0x100000002', { [M.reg0]: 1n, [M.reg1]: 2n }],
  ])('find a line with %s', (_, match, packet) => {
    const text = `NXST_FLOW reply (xid=0x4):\n priority=20,in_port=7 actions=drop\n ${match} actions=drop\n priority=0 actions=drop\n`;
    const ctx = { file: 'f', ports: new PortNames([[2, 'p2']]) };
    const table = new IndexedTable(indexFlowsDump(text, ctx).byTable.get(0)!, ctx);
    const flow = Object.assign(newFlow(), packet);
    expect(new Classifier(table.groups()).lookup(flow, newFlow())?.source.line).toBe(3);
  });
});
