// A hand-written flows file whose matches lack some fields' prerequisites
// (`tp_dst=80` without `tcp`, `dl_type=0x86dd,nw_src=...`, `icmp6,nd_target=`
// without an ND type, `dl_type=0x0806,tp_src=1`): ovs-ofctl add-flow drops
// those fields (ofputil_normalize_match), and so does oftrace, saying so.
// The traces are OVS 3.1's, with the same file added by ovs-ofctl add-flows
// (test/ingest/dumps/normalized-match/traces.txt).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';

const DIR = fileURLToPath(new URL('dumps/normalized-match/', import.meta.url));
const recorded = readFileSync(`${DIR}traces.txt`, 'utf8').split(/^### /m).filter(Boolean).map((t) => {
  const nl = t.indexOf('\n');
  return { flow: t.slice(0, nl), ovs: t.slice(nl + 1) };
});

describe('a match lacking prerequisites, normalized as ovs-ofctl add-flow does', () => {
  it('has the recorded traces', () => expect(recorded).toHaveLength(5));
  for (const { flow, ovs } of recorded) {
    it(flow, async () => {
      const r = await runCli(['--dumps', DIR, 'br0', flow]);
      expect(r.stdout).toBe(ovs);
    });
  }

  it('warns once per line it changes, naming the line and the fields dropped', async () => {
    const r = await runCli(['--dumps', DIR, 'br0', 'in_port=1,arp']);
    const dump = `${DIR}ovs-ofctl_dump-flows_br0`;
    const dropped: [number, string][] = [[2, 'tp_dst'], [3, 'tp_dst'], [4, 'nw_src'], [5, 'nd_target'], [7, 'tp_src']];
    expect(r.stderr.split('\n').filter(Boolean)).toEqual(dropped.map(([line, field]) =>
      `warning: ${dump}:${line}: ${field} dropped from the match, which lacks its prerequisites, as ovs-ofctl add-flow drops it`));
  });
});
