import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { FLOWS, makeSnapshot, workdir } from './helpers.js';

function flowsFile(dir: string, lines: string[]): string {
  const file = join(dir, 'packets.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe('oftrace diff', () => {
  it('exits 0 and says SAME when nothing changed', async () => {
    const dir = workdir();
    const r = await runCli(['diff', '--before', join(dir, 'snap'), '--after', join(dir, 'snap'), '--flows', flowsFile(dir, ['# comment', 'br0 in_port=1', '', 'br0 in_port=3'])]);
    expect(r.stdout).toMatch(/^SAME {4}\S+packets\.txt:2$/m);
    expect(r.stdout).toMatch(/^SAME {4}\S+packets\.txt:4$/m);
    expect(r.stdout).toContain('\n0 changed, 2 unchanged\n');
    expect(r.exitCode).toBe(0);
  });

  it('reports changed outputs, datapath actions and where the paths diverge', async () => {
    const dir = workdir();
    // After: table 5 sends p3's packets to p2 instead of p1, matching on in_port.
    const after = makeSnapshot(join(dir, 'after'), [...FLOWS.slice(0, 3), 'table=5, priority=10,in_port=3 actions=output:2', FLOWS[3]]);
    const r = await runCli(['diff', '--before', join(dir, 'snap'), '--after', after, '--flows', flowsFile(dir, ['br0 in_port=1', 'br0 in_port=3'])]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain([
      'CHANGED ' + join(dir, 'packets.txt') + ':2',
      '        br0 in_port=3',
      '        outputs:',
      '          before: p1(1)',
      '          after:  p2(2)',
      '        datapath actions:',
      '          before: 2',
      '          after:  3',
    ].join('\n'));
    expect(r.stdout).toContain([
      '        paths diverge at br0:5 (lookup 2):',
      '          before: br0:5 priority 0',
      '          after:  br0:5 in_port=3, priority 10',
    ].join('\n'));
    expect(r.stdout).toMatch(/^SAME {4}\S+:1$/m);
    expect(r.stdout).toContain('\n1 changed, 1 unchanged\n');
  });

  it('names the packets by spec case with --spec', async () => {
    const r = await runCli(['diff', '--before', 'examples/dragonflow-broken', '--after', 'examples/dragonflow-fixed', '--spec', 'examples/dragonflow-fixed.yaml']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^CHANGED vm2 ICMP reply to the SNAT address goes out the provider patch$/m);
    expect(r.stdout).toContain('paths diverge at br-int:55 (lookup 3):\n          before: br-int:55 metadata=0x2,dl_dst=01:00:00:00:00:00/01:00:00:00:00:00, priority 100\n          after:  br-int:55 metadata=0x2,dl_dst=91:92:ac:18:04:c8, priority 200');
    expect(r.stdout).toContain('paths diverge at br-int:115');
    expect(r.stdout).toMatch(/^SAME {4}vm3 to vm1 on the tenant network is untouched$/m);
    expect(r.stdout).toContain('\n2 changed, 1 unchanged\n');
  });

  it('a packet neither snapshot can trace is an error, not a change', async () => {
    const dir = workdir();
    const r = await runCli(['diff', '--before', join(dir, 'snap'), '--after', join(dir, 'snap'), '--flows', flowsFile(dir, ['br0 in_port=1', 'br9 in_port=1'])]);
    expect(r.stderr).toMatch(/packets\.txt:2: br9: unknown bridge/);
    expect(r.exitCode).toBe(2);
  });

  it('exits 2 on usage errors', async () => {
    const dir = workdir();
    const snap = join(dir, 'snap');
    expect((await runCli(['diff', '--before', snap, '--after', snap])).exitCode).toBe(2);
    expect((await runCli(['diff', '--before', snap, '--flows', 'x'])).exitCode).toBe(2);
    const bad = await runCli(['diff', '--before', snap, '--after', snap, '--flows', flowsFile(dir, ['br0'])]);
    expect(bad.stderr).toMatch(/packets\.txt:1: expected BRIDGE FLOW/);
    expect(bad.exitCode).toBe(2);
  });
});
