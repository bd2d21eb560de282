import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { BROKEN, RECORDED_BROKEN, STORM, TRAP } from './helpers.js';

describe('--why', () => {
  it('names the field that kept table 75 from matching, and where the packet got it', async () => {
    const plain = await runCli(['--dumps', BROKEN, ...TRAP]);
    const why = await runCli(['--dumps', BROKEN, '--why', '75', ...TRAP]);
    // OVS's text first, untouched; the notes after it.
    expect(why.stdout.startsWith(plain.stdout)).toBe(true);
    const notes = why.stdout.slice(plain.stdout.length);
    expect(notes).toContain("oftrace notes (not part of OVS's output):");
    expect(notes).toContain('pass 2, bridge br-int: 75. No match.');
    expect(notes).toMatch(/priority 50 \(\S+ovs-ofctl_dump-flows_br-int:23\): metadata: packet 0x1, rule 0x2 \(set at table 76 by an earlier resubmit\)/);
    // Lookups that matched list the higher-priority rules they passed over.
    expect(notes).toMatch(/75\. reg7=0x4, priority 100\n {4}\?\? why: higher-priority rules that did not match:\n.*priority 200 .*reg7: packet 0x4, rule 0x9/);
  });

  it('explains every miss in pretty mode (recorded storm: table 76 wants IP)', async () => {
    const r = await runCli(['--dumps', RECORDED_BROKEN, '--pretty', ...STORM]);
    expect(r.stdout).toMatch(/76\. reg0=0x2, priority 0\n\s+\?\? why: no rule matched; closest:\n\s+priority 100 \(\S+:24\): dl_type: packet 0x806, rule 0x800/);
  });

  it('rejects a table that is not a number', async () => {
    expect((await runCli(['--dumps', BROKEN, '--why', 'x', ...TRAP])).exitCode).toBe(2);
  });
});

describe('--explain', () => {
  it('marks what the reg7=0x9 branch left behind at each later resubmit of table 55', async () => {
    const r = await runCli(['--dumps', BROKEN, '--explain', '--pretty', ...TRAP]);
    // A note's own lines are indented five past its `~~`.
    const notes = [...r.stdout.matchAll(/( *)~~ explain: .*\n((?:\1 {5}\S.*\n)*)/g)].map((m) => m[2]);
    expect(notes).toHaveLength(3);
    expect(notes[0]).toContain('metadata 0x2 -> 0x1 (set at table 76)');
    expect(notes[0]).toContain('dl_dst 91:92:ac:18:04:c8 -> fa:16:3e:5c:bd:e0 (set at table 76)');
    expect(notes[0]).not.toContain('reg7'); // table 55 reloads reg7 itself
    // The ct() in the third branch cleared conntrack state for the last one.
    expect(notes[2]).toContain('ct_state new|trk -> 0 (set at table 105)');
  });

  it('sees only the ct() when TTL 0 stops table 76 before its rewrites (recorded trace)', async () => {
    const args = ['--dumps', RECORDED_BROKEN, ...TRAP.map((a) => a.replace('nw_ttl=64,', ''))];
    const plain = await runCli(args);
    const notes = (await runCli([...args, '--explain'])).stdout.slice(plain.stdout.length);
    expect(notes).toContain('pass 2, bridge br-int: 75. metadata=0x2, priority 50\n    ~~ explain: earlier resubmits changed the packet this lookup sees:\n         ct_state new|trk -> 0 (set at table 105)\n');
    expect(notes).not.toContain('metadata 0x2');
  });
});
