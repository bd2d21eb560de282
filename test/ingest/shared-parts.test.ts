// Rules of one dump share what repeats (masks, parsed action lists), and a
// line that fails part way leaves nothing behind for the next one.
import { describe, expect, it } from 'vitest';
import { parseFlowsDump } from '../../src/ingest/flows.js';
import { M, newFlow } from '../../src/meta-flow/flow.js';

const dump = (...lines: string[]) => ['NXST_FLOW reply (xid=0x4):', ...lines.map((l) => ` cookie=0x0, duration=1.0s, table=0, n_packets=0, n_bytes=0, ${l}`)].join('\n') + '\n';

describe('rules parsed from one dump', () => {
  it('share one mask array per mask and one action list per action text', () => {
    const { rules } = parseFlowsDump(dump(
      'priority=10,tcp,nw_src=10.0.0.1 actions=resubmit(,1)',
      'priority=10,tcp,nw_src=10.0.0.2 actions=resubmit(,1)',
      'priority=10,udp,nw_src=10.0.0.2 actions=resubmit(,2)',
    ), { file: 'f' });
    expect(rules[0].match.wc).toBe(rules[1].match.wc);
    expect(rules[0].actions).toBe(rules[1].actions);
    expect(rules[2].match.wc).toBe(rules[0].match.wc); // udp and tcp: the same bits
    expect(rules[2].actions).not.toBe(rules[0].actions);
    expect(rules.map((r) => r.match.flow[M.nw_src])).toEqual([0x0a000001n, 0x0a000002n, 0x0a000002n]);
  });

  it('after a line that fails in its match, parse the next with no wildcards of it', () => {
    const errors: string[] = [];
    const { rules } = parseFlowsDump(dump('priority=1,tcp,nw_src=10.0.0.1,bogus=1 actions=drop', 'priority=2 actions=drop'), { file: 'f' }, (e) => errors.push(e.message));
    expect(errors).toHaveLength(1);
    expect(rules).toHaveLength(1);
    expect(rules[0].match.wc).toEqual(newFlow());
  });
});
