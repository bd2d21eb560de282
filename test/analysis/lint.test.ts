import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { parseFlowsDump } from '../../src/ingest/flows.js';
import type { Rule } from '../../src/model/rule.js';
import { prng } from '../../tools/prng.js';
import { root } from './helpers.js';

const dumps = (f: string) => root(`test/analysis/lint-dumps/${f}`);
const SYNTHETIC = ['--vsctl', dumps('vsctl-show.txt'), '--ports', `br0=${dumps('ofctl-show-br0.txt')}`, '--flows', `br0=${dumps('dump-flows-br0.txt')}`];

describe('oftrace lint', () => {
  it('reports each kind of finding with file:line and exits 1', async () => {
    const r = await runCli([...SYNTHETIC, 'lint', 'br0']);
    expect(r.exitCode).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => l.slice(l.lastIndexOf('/', l.indexOf(':')) + 1));
    expect(lines).toEqual([
      'dump-flows-br0.txt:3: table=0,priority=50,tcp,tp_dst=80 can never match: shadowed by table=0,priority=100,ip (' + dumps('dump-flows-br0.txt') + ':2)',
      'dump-flows-br0.txt:2: table=0,priority=100,ip: resubmit to table 10, which has no rules',
      'dump-flows-br0.txt:4: table=0,priority=10: output to port 7, which br0 does not have',
      'dump-flows-br0.txt:5: table=1,priority=10: goto_table to table 2, which has no rules',
      'vsctl-show.txt:10: patch port patch-a names peer patch-gone, which no bridge has: packets sent to it are dropped',
    ]);
  });

  it('finds nothing in the Dragonflow seeds and the recorded patch-port fixture', async () => {
    for (const dir of ['examples/dragonflow-broken', 'examples/dragonflow-fixed', 'test/fixtures/family-patch-ports/dumps']) {
      const r = await runCli(['--dumps', root(dir), 'lint']);
      expect(r.stdout).toBe('');
      expect(r.exitCode).toBe(0);
    }
  });

  it('finds the never-matching priority-0 rules of the Neutron seed', async () => {
    const r = await runCli(['--dumps', root('examples/neutron-brex-brint'), 'lint', 'br-int']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/ovs-ofctl_dump-flows_br-int:12: table=0,priority=0 can never match: shadowed by table=0,priority=1 \(\S+:11\)\n$/);
  });

  it('reports its progress table by table, up to every rule of the bridge (a million-flow lint takes a while)', async () => {
    const reports: [string, number, number][] = [];
    await runCli([...SYNTHETIC, 'lint', 'br0'], undefined, { progress: (what, done, total) => reports.push([what, done, total]) });
    const lint = reports.filter(([what]) => what === 'linting br0');
    expect(lint.map(([, done]) => done)).toEqual([3, 4]);
    expect(lint.every(([, , total]) => total === 4)).toBe(true);
  });

  it('rejects an unknown bridge', async () => {
    expect((await runCli([...SYNTHETIC, 'lint', 'nope'])).exitCode).toBe(2);
  });
});

describe('oftrace lint: shadowed rules, as a definition', () => {
  /** Every packet `b` matches also matches `a`: a's mask lies within b's and they agree on it. */
  const covers = (a: Rule, b: Rule) => a.match.wc.every((w, m) => !w || ((w & ~b.match.wc[m]) === 0n && (a.match.flow[m] & w) === (b.match.flow[m] & w)));
  const isConjunctive = (r: Rule) => r.actions.some((a) => a.type === 'conjunction');

  it('reports, for each rule, the first rule by priority then dump order that covers it at a higher priority', async () => {
    const rand = prng(11);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const dir = mkdtempSync(join(tmpdir(), 'oftrace-lint-'));
    for (let round = 0; round < 20; round++) {
      // Small value pools, so rules often share masks and values.
      const lines = Array.from({ length: 120 }, () => {
        const items = [`priority=${pick([1, 2, 3, 5])}`];
        if (rand() < 0.7) items.push(pick(['ip', 'tcp', 'udp']));
        if (rand() < 0.5) items.push(`in_port=${pick([1, 2])}`);
        if (rand() < 0.4) items.push(`reg0=${pick(['0x1', '0x3', '0x1/0x1', '0/0x2'])}`);
        const l3 = items.some((x) => ['ip', 'tcp', 'udp'].includes(x));
        if (l3 && rand() < 0.6) items.push(`nw_src=${pick(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3', '10.2.0.0/16'])}`);
        if (l3 && items.includes('tcp') && rand() < 0.5) items.push(`tp_dst=${pick([80, 443])}`);
        const conj = rand() < 0.05;
        return ` table=${round % 2}, ${items.join(',')} actions=${conj ? 'conjunction(1,1/2)' : 'drop'}`;
      });
      const file = join(dir, `flows-${round}.txt`);
      writeFileSync(file, 'NXST_FLOW reply (xid=0x4):\n' + lines.join('\n') + '\n');
      const rules = parseFlowsDump(lines.join('\n'), { file }).rules;
      const expected: string[] = [];
      for (const b of rules) {
        const a = rules.filter((r) => r.table === b.table && !isConjunctive(r)).sort((x, y) => y.priority - x.priority)
          .find((r) => r.priority > b.priority && covers(r, b));
        if (a) expected.push(`${b.source.line}<-${a.source.line}`);
      }
      const r = await runCli(['--flows', `br0=${file}`, 'lint', 'br0']);
      const found = r.stdout.split('\n').flatMap((l) => {
        const m = /^\S+:(\d+): .* can never match: shadowed by .* \(\S+:(\d+)\)$/.exec(l);
        return m ? [`${Number(m[1]) - 1}<-${Number(m[2]) - 1}`] : [];
      });
      expect(found.sort()).toEqual(expected.sort());
      expect(expected.length).toBeGreaterThan(0);
    }
  });
});
