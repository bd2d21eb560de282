// A classifier fed by a dump's lazily built table (ingest/table-index.ts)
// must be the classifier fed by every rule parsed up front: same rule, same
// wildcards, for any packet. Random tables mix the shapes the lazy index
// treats differently: metadata-stage filing fields (in_port, metadata,
// registers, masked or not), values whose mask comes from the value
// (ct_state), prefixes for the nw tries, ports for the ports trie.
import { describe, expect, it } from 'vitest';
import { indexFlowsDump, parseFlowsDump } from '../../src/ingest/flows.js';
import { IndexedTable } from '../../src/ingest/table-index.js';
import { M, ETH_TYPE, IPPROTO, newFlow, type Flow } from '../../src/meta-flow/flow.js';
import { groupByMask } from '../../src/model/rule-groups.js';
import { Classifier } from '../../src/xlate/classifier.js';
import { prng } from '../../tools/prng.js';

function randomTable(seed: number, n: number): string {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const int = (k: number) => Math.floor(rand() * k);
  const ip = () => `10.${int(3)}.${int(4)}.${int(8)}`;
  const parts: (() => string | undefined)[] = [
    () => (rand() < 0.5 ? `in_port=${1 + int(4)}` : undefined),
    () => (rand() < 0.6 ? `metadata=0x${(1 + int(3)).toString(16)}` : undefined),
    () => (rand() < 0.4 ? pick([`reg0=0x${int(3)}`, `reg0=0x${int(4)}/0x3`]) : undefined),
    () => (rand() < 0.2 ? pick(['ct_state=+trk', 'ct_state=+est+trk', 'ct_state=-new+trk']) : undefined),
    () => (rand() < 0.3 ? `dl_dst=fa:16:3e:00:00:0${int(3)}` : undefined),
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
    const proto = pick(['', 'ip', 'tcp', 'udp']);
    if (proto) fields.splice(fields.findIndex((f) => f.startsWith('dl_dst')) + 1 || fields.length, 0, proto);
    if (proto) for (const f of l3) if (rand() < 0.4 && (proto !== 'ip' || !f().startsWith('tp_'))) fields.push(f());
    const match = `priority=${pick([0, 10, 100, 100, 200, 32768])}${fields.length ? ',' + fields.join(',') : ''}`;
    const key = match.replace(/,tp_(src|dst)=[^,]*/g, (m) => (proto === 'ip' ? '' : m));
    if (seen.has(key)) continue;
    seen.add(key);
    lines.push(` cookie=0x0, duration=1.0s, table=0, n_packets=0, n_bytes=0, ${key} actions=output:${1 + int(4)}`);
  }
  return lines.join('\n') + '\n';
}

function randomPacket(rand: () => number): Flow {
  const int = (k: number) => Math.floor(rand() * k);
  const f = newFlow();
  f[M.in_port] = BigInt(1 + int(4));
  f[M.metadata] = BigInt(int(4));
  f[M.reg0] = BigInt(int(5));
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
    for (let seed = 1; seed <= 12; seed++) {
      const text = randomTable(seed, 150);
      const ctx = { file: `t${seed}` };
      const eager = new Classifier(groupByMask(parseFlowsDump(text, ctx).rules));
      const lines = indexFlowsDump(text, ctx).byTable.get(0)!;
      const lazy = new Classifier(new IndexedTable(0, lines, ctx).groups());
      const rand = prng(100 + seed);
      for (let i = 0; i < 300; i++) {
        const flow = randomPacket(rand);
        const wcEager = newFlow(), wcLazy = newFlow();
        const a = eager.lookup(flow.slice(), wcEager);
        const b = lazy.lookup(flow.slice(), wcLazy);
        expect(b?.source.line, `seed ${seed} packet ${i}`).toBe(a?.source.line);
        lookups++;
        if (a && a.priority > 0) hits++;
        expect(wcLazy, `seed ${seed} packet ${i} wildcards`).toEqual(wcEager);
      }
    }
    // Most packets hit a rule above the catch-all ones.
    expect(hits / lookups).toBeGreaterThan(0.5);
  });

  it('build only the rules whose metadata-stage fields can match the packet', () => {
    const text = ['NXST_FLOW reply (xid=0x4):',
      ...Array.from({ length: 100 }, (_, i) => ` table=0, priority=10,metadata=0x${(i + 1).toString(16)},ip,nw_dst=10.0.${i}.0/24 actions=drop`)].join('\n');
    const table = new IndexedTable(0, indexFlowsDump(text, { file: 'f' }).byTable.get(0)!, { file: 'f' });
    const cls = new Classifier(table.groups());
    const flow = newFlow();
    Object.assign(flow, { [M.metadata]: 7n, [M.dl_type]: ETH_TYPE.IP, [M.nw_dst]: BigInt((10 << 24) + (6 << 8) + 1) });
    expect(cls.lookup(flow, newFlow())?.source.line).toBe(8);
    // The first line (for the shape's mask) and the one filed under metadata=0x7.
    expect((table as unknown as { built: unknown[] }).built.filter(Boolean)).toHaveLength(2);
  });
});
