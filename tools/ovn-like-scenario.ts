// Writes test/oracle/scenarios/ovn-like-lazy-tables.json: a bench/ovn-like.ts
// pipeline small enough to record with a real ovs-vswitchd, and packets that hit
// its ACL rules or miss them through the prefix and ports tries. Run from the
// repository root: node --import tsx tools/ovn-like-scenario.ts; then npm run record.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSnapshot } from '../bench/ovn-like.js';
const dir = mkdtempSync(join(tmpdir(), 'scen-'));
const g = generateSnapshot(dir, { flows: 2000, seed: 5, datapaths: 4, ports: 16 });
const flows = readFileSync(g.flowsFile, 'utf8').split('\n').slice(1).filter(Boolean)
  .map((l) => l.replace(/^ cookie=0x0, duration=[^,]+, (table=\d+), n_packets=\d+, n_bytes=\d+, idle_age=\d+, /, '$1,'));
const ports = [...readFileSync(join(dir, 'ovs-appctl_dpif.show'), 'utf8').matchAll(/^ {4}(tap\S+) (\d+)\//gm)].map(([, name, of]) => ({ name, ofport: Number(of) }));
const hits = g.packets.filter((_, i) => i % 7 === 0).slice(0, 16);
const variants = hits.slice(0, 8).flatMap((p, i) => [
  p.replace(/tp_dst=\d+/, `tp_dst=${40000 + i}`),             // ACL miss: the ports trie decides
  p.replace(/nw_src=[\d.]+/, `nw_src=192.168.${i}.7`),         // outside the ACL prefixes: the nw_src trie
  p.replace(/^tcp,/, 'udp,').replace(/nw_dst=[\d.]+/, `nw_dst=11.0.${i}.3`).replace('tp_src=', 'udp_src=').replace('tp_dst=', 'udp_dst='), // udp ACLs on reg15
]);
const scen = {
  name: 'ovn-like-lazy-tables',
  description: 'An OVN-like 40-table pipeline (bench/ovn-like.ts: 2000 flows, seed 5, 4 datapaths, 16 ports): many rules per mask filed by metadata and registers, nw_src/nw_dst prefixes and tp_dst ports over all datapaths. Checks that building only the rules a lookup can reach leaves rules and megaflows as OVS has them.',
  bridges: [{ name: 'br-int', fail_mode: 'secure', ports, flows }],
  traces: [...hits, ...variants].map((flow) => ({ bridge: 'br-int', flow })),
};
writeFileSync('test/oracle/scenarios/ovn-like-lazy-tables.json', JSON.stringify(scen, null, 1) + '\n');
rmSync(dir, { recursive: true, force: true });
console.log(`${flows.length} flows, ${scen.traces.length} traces`);
