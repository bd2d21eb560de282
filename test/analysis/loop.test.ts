import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { loopSummary } from '../../src/analysis/loop.js';
import { formatTraceOvs } from '../../src/trace/ofproto-trace.js';
import { BROKEN, FIXED, RECORDED_BROKEN, STORM, TRAP, trace } from './helpers.js';

describe('loop detection', () => {
  it('finds the Dragonflow storm cycle once, with its rules and patch ports', () => {
    const r = trace(BROKEN, STORM[0], STORM[1]);
    expect(r.loop).toBe(true);
    expect(loopSummary(r.cycle!)).toBe('br-int 0 -> 55 -> 75 -> 105 -> 115 -> [df-snat-patch(5) -> ex-snat-patch(2)] br-ex 0 -> [ex-provider-patch(1) -> df-provider-patch(1)] br-int 0');
    expect(r.cycle!.steps.map((s) => s.rule && `${s.rule.file.split('/').pop()}:${s.rule.line}`)).toEqual([
      'ovs-ofctl_dump-flows_br-int:7', 'ovs-ofctl_dump-flows_br-int:13', 'ovs-ofctl_dump-flows_br-int:20',
      'ovs-ofctl_dump-flows_br-int:27', 'ovs-ofctl_dump-flows_br-int:32', 'ovs-ofctl_dump-flows_br-ex:2',
      'ovs-ofctl_dump-flows_br-int:7',
    ]);
    expect(r.cycle!.repeat.info?.loop).toBe(true);
  });

  it('finds none once table 115 drops broadcasts (the fixed seed)', () => {
    expect(trace(FIXED, STORM[0], STORM[1]).loop).toBe(false);
  });

  it('finds none when a table is merely visited twice in sibling resubmits', () => {
    const r = trace(BROKEN, 'br-int', 'icmp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=91:92:ac:18:04:c8,nw_src=172.24.4.8,nw_dst=172.24.4.200,icmp_type=0,ct_state=new|trk');
    expect(r.loop).toBe(false);
  });

  it('keeps OVS mode untouched, notes the loop once in pretty mode, and sets loop in JSON', async () => {
    const ovs = await runCli(['--dumps', RECORDED_BROKEN, ...STORM]);
    expect(ovs.stdout).not.toMatch(/loop/);
    expect((await runCli(['--dumps', RECORDED_BROKEN, '--format', 'ovs', ...STORM], undefined, { tty: true })).stdout).toBe(ovs.stdout);
    const pretty = await runCli(['--dumps', RECORDED_BROKEN, ...STORM], undefined, { tty: true });
    expect(pretty.stdout.match(/!! loop:/g)).toHaveLength(1);
    expect(pretty.stdout).toMatch(/via df-snat-patch\(5\) -> ex-snat-patch\(2\)/);
    const json = JSON.parse((await runCli(['--dumps', RECORDED_BROKEN, '--json', ...STORM])).stdout);
    expect(json.loop).toBe(true);
  });

  it("is skipped, with the other analyses, where only OVS's text is printed: the text is the same", () => {
    for (const [bridge, flow, ctNext] of [[STORM[0], STORM[1], []], [TRAP[0], TRAP[1], [0x21]]] as const) {
      const analyzed = trace(BROKEN, bridge, flow, [...ctNext]);
      const plain = trace(BROKEN, bridge, flow, [...ctNext], false);
      expect(formatTraceOvs(plain)).toBe(formatTraceOvs(analyzed));
      expect(analyzed.visits.size).toBeGreaterThan(0);
      expect([plain.visits.size, plain.loop]).toEqual([0, false]);
    }
  });
});
