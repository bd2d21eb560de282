import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { foldRuns } from '../../src/render/pretty.js';
import { BROKEN, RECORDED_BROKEN, STORM, TRAP } from './helpers.js';

const ANSI = /\u001b\[/;

describe('pretty output', () => {
  it('is the default on a terminal only', async () => {
    const piped = await runCli(['--dumps', BROKEN, ...TRAP]);
    const tty = await runCli(['--dumps', BROKEN, ...TRAP], undefined, { tty: true });
    expect(piped.stdout).not.toMatch(/ovs-ofctl_dump-flows_br-int:\d+/);
    expect(tty.stdout).toMatch(/20\. priority 1 {2}\S+ovs-ofctl_dump-flows_br-int:10/);
  });

  it('colours only when asked (the launcher passes color: tty && !NO_COLOR)', async () => {
    expect((await runCli(['--dumps', BROKEN, ...TRAP], undefined, { tty: true })).stdout).not.toMatch(ANSI);
    expect((await runCli(['--dumps', BROKEN, ...TRAP], undefined, { tty: true, color: true })).stdout).toMatch(ANSI);
  });

  it('puts port names beside numbers, in rules and datapath actions', async () => {
    const r = await runCli(['--dumps', BROKEN, '--pretty', ...TRAP]);
    expect(r.stdout).toContain('output:12(tap-vm3)');
    expect(r.stdout).toContain('0. ip,in_port=10(tap9c7d035e-be), priority 100');
    expect(r.stdout).toMatch(/Datapath actions: set\(eth\(.*\)\),set\(ipv4\(.*\)\),3\(tap-vm3\),4\(tap-vm4\),ct\(zone=1\),recirc\(0x2\)/);
  });

  it('folds the storm: the loop body and the repeated datapath outputs', async () => {
    const ovs = await runCli(['--dumps', RECORDED_BROKEN, ...STORM]);
    const r = await runCli(['--dumps', RECORDED_BROKEN, '--pretty', ...STORM]);
    expect(r.stdout).toMatch(/… \d+ more lines of OVS's trace: the loop repeating/);
    expect(r.stdout.split('\n').length).toBeLessThan(ovs.stdout.split('\n').length / 10);
    expect(r.stdout).toContain('Datapath actions: [4(tap-vm4),5(br-ex)]×32,6(eth-ext)×33');
  });

  it('foldRuns keeps short runs as they are', () => {
    expect(foldRuns(['1', '2', '1', '2'])).toEqual(['1', '2', '1', '2']);
    expect(foldRuns(['1', '1', '1', '2'])).toEqual(['1×3', '2']);
  });
});
