import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
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

  it('rejects an unknown bridge', async () => {
    expect((await runCli([...SYNTHETIC, 'lint', 'nope'])).exitCode).toBe(2);
  });
});
