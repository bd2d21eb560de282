// Load benchmark: a seeded, OVN-like 100k-flow `ovs-ofctl dump-flows` file,
// timed against the floor of just reading it and splitting lines.
//   npm run bench:load [-- --flows 100000 --runs 7 --seed 1]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSnapshot } from '../src/ingest/load.js';
import { prng } from '../tools/prng.js';

const { values } = parseArgs({
  options: { flows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' }, seed: { type: 'string', default: '1' } },
});
const N_FLOWS = Number(values.flows);
const RUNS = Number(values.runs);

/** One flow line shaped like ovn-controller's br-int flows as OVS 3.1 prints them. */
function flowLine(rand: () => number): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const int = (n: number) => Math.floor(rand() * n);
  const hex = (n: number) => '0x' + int(n).toString(16);
  const ip = () => `10.${int(256)}.${int(256)}.${1 + int(254)}`;
  const table = int(80);
  const match = [`metadata=${hex(4096)}`];
  if (rand() < 0.6) match.push(`reg14=${hex(64)}`);
  if (rand() < 0.3) match.push(`reg15=${hex(64)}`);
  const l3 = pick(['ip', 'tcp', 'udp', 'arp', 'ipv6', 'ip'] as const);
  match.unshift(l3);
  if (l3 === 'ip' || l3 === 'tcp' || l3 === 'udp') {
    if (rand() < 0.7) match.push(`nw_src=${ip()}${rand() < 0.3 ? '/24' : ''}`);
    if (rand() < 0.5) match.push(`nw_dst=${ip()}`);
    if (l3 !== 'ip' && rand() < 0.8) match.push(`tp_dst=${pick([22, 53, 80, 443, 6641, 8080])}`);
  } else if (l3 === 'arp') {
    match.push(`arp_tpa=${ip()}`, 'arp_op=1');
  }
  if (rand() < 0.2) match.push(pick(['ct_state=+new-est+trk', 'ct_state=-new+est-rel-inv+trk', 'ct_state=+trk', 'ct_mark=0x1/0x1']));
  const actions: string[] = [];
  for (let i = 0, n = 1 + int(4); i < n; i++) {
    actions.push(pick([
      `load:${hex(65536)}->NXM_NX_REG${int(16)}[]`,
      `load:0x1->NXM_NX_XXREG0[${int(128)}]`,
      'move:NXM_NX_REG14[]->NXM_NX_REG15[]',
      `move:NXM_OF_IP_DST[]->NXM_NX_XXREG0[64..95]`,
      `set_field:${hex(256)}->reg10`,
      `ct(commit,zone=NXM_NX_REG13[0..15],exec(load:0x1->NXM_NX_CT_MARK[0]))`,
      `ct(table=${table + 1},zone=NXM_NX_REG11[0..15])`,
      'ct_clear',
    ]));
  }
  actions.push(rand() < 0.8 ? `resubmit(,${Math.min(table + 1 + int(3), 254)})` : `output:${1 + int(48)}`);
  const stats = `cookie=${hex(0xffffffff)}, duration=${int(900000)}.${String(int(1000)).padStart(3, '0')}s, table=${table}, ` +
    `n_packets=${int(1e6)}, n_bytes=${int(1e9)}, idle_age=${int(60000)}, hard_age=65534, priority=${int(65535)},`;
  return ` ${stats}${match.join(',')} actions=${actions.join(',')}`;
}

function generate(n: number, seed: number): string {
  const rand = prng(seed);
  const lines = ['NXST_FLOW reply (xid=0x4):'];
  for (let i = 0; i < n; i++) lines.push(flowLine(rand));
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

const dir = mkdtempSync(join(tmpdir(), 'oftrace-bench-'));
try {
  const file = join(dir, 'ovs-ofctl_dump-flows_br-int');
  writeFileSync(file, generate(N_FLOWS, Number(values.seed)));
  const size = readFileSync(file).length;

  let lines = 0, rules = 0;
  const floor = () => { lines = readFileSync(file, 'utf8').split('\n').length; };
  const load = () => {
    const snap = loadSnapshot([{ kind: 'flows', bridge: 'br-int', file, text: readFileSync(file, 'utf8') }]);
    rules = [...snap.bridges.get('br-int')!.tables.values()].reduce((n, t) => n + t.length, 0);
  };
  // One untimed run of each warms the JIT; the medians are over the timed runs.
  floor();
  load();
  if (rules !== N_FLOWS) throw new Error(`loaded ${rules} of ${N_FLOWS} flows`);
  const floorMs: number[] = [], loadMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    floorMs.push(time(floor));
    loadMs.push(time(load));
  }
  const f = median(floorMs), l = median(loadMs);
  console.log(`file: ${N_FLOWS} flows, ${lines - 1} lines, ${(size / 1e6).toFixed(1)} MB (seed ${values.seed})`);
  console.log(`floor (read + split lines): median ${f.toFixed(1)} ms of ${RUNS} runs`);
  console.log(`oftrace load (parse to model): median ${l.toFixed(0)} ms of ${RUNS} runs, ${Math.round(N_FLOWS / (l / 1000)).toLocaleString('en-US')} flows/s`);
  console.log(`ratio load/floor: ${(l / f).toFixed(0)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
