import { describe, expect, it } from 'vitest';
import { compareTrace, renumberRecirc, splitSections, summarize } from './compare.js';

const CT_TRACE = `Flow: tcp,in_port=5

bridge("br-int")
----------------
 0. ip,in_port=5, priority 100
    ct(table=30,zone=16,nat)

Final flow: unchanged
Megaflow: recirc_id=0,eth,ip,in_port=5,nw_frag=no
Datapath actions: ct(zone=16,nat),recirc(0xe)

===============================================================================
recirc(0xe) - resume conntrack with ct_state=est|trk
===============================================================================

Flow: recirc_id=0xe,ct_state=est|trk,eth,tcp,in_port=5

bridge("br-int")
----------------
    thaw
        Resuming from table 30
30. priority 1
    drop

Final flow: unchanged
Megaflow: recirc_id=0xe,ct_state=+est+trk,eth,ip,in_port=5,nw_frag=no
Datapath actions: drop
`;

describe('renumberRecirc', () => {
  it('numbers ids by first appearance, in every spelling', () => {
    const text = 'recirc(0x7),recirc_id=0x5 recirc_id(0x7) controller(recirc_id=5) recirc(0xa)';
    expect(renumberRecirc(text)).toBe('recirc(0x1),recirc_id=0x2 recirc_id(0x1) controller(recirc_id=2) recirc(0x3)');
  });
  it('keeps recirc_id=0, which means no recirculation', () => {
    expect(renumberRecirc('recirc_id=0,eth recirc(0x9)')).toBe('recirc_id=0,eth recirc(0x1)');
  });
  it('makes traces from daemons with different histories equal', () => {
    expect(renumberRecirc(CT_TRACE)).toBe(renumberRecirc(CT_TRACE.replaceAll('0xe', '0x3')));
  });
});

describe('splitSections', () => {
  it('concatenates every pass of a recirculating trace', () => {
    const s = splitSections(CT_TRACE);
    expect(s.finalFlow).toBe('unchanged\nunchanged');
    expect(s.megaflow).toBe('recirc_id=0,eth,ip,in_port=5,nw_frag=no\nrecirc_id=0xe,ct_state=+est+trk,eth,ip,in_port=5,nw_frag=no');
    expect(s.datapathActions).toBe('ct(zone=16,nat),recirc(0xe)\ndrop');
    expect(s.tree).toContain('Resuming from table 30');
    expect(s.tree).toContain('recirc(0xe) - resume conntrack');
    expect(s.tree).not.toContain('Megaflow');
  });
  it('returns empty summaries for an error', () => {
    expect(splitSections('')).toEqual({ tree: '', finalFlow: '', megaflow: '', datapathActions: '' });
  });
});

describe('compareTrace', () => {
  const ok = (stdout: string) => ({ stdout, stderr: '', exit: 0 });
  it('agrees modulo recirc ids', () => {
    const r = compareTrace(ok(CT_TRACE), ok(CT_TRACE.replaceAll('0xe', '0x1')));
    expect(Object.values(r.agree).every(Boolean)).toBe(true);
    expect(r.diff).toBeUndefined();
  });
  it('reports the first differing line of the most telling section', () => {
    const r = compareTrace(ok(CT_TRACE), ok(CT_TRACE.replace('Datapath actions: drop', 'Datapath actions: 3')));
    expect(r.agree).toMatchObject({ datapathActions: false, megaflow: true, finalFlow: true, tree: true, whole: false });
    expect(r.diff).toContain('Datapath actions, line 2');
    expect(r.diff).toContain('- drop\n+ 3');
  });
  it('ignores the ovs-appctl error trailer but not the status', () => {
    const ovs = { stdout: '', stderr: 'Bad flow\novs-appctl: ovs-vswitchd: server returned an error\n', exit: 2 };
    expect(compareTrace(ovs, { stdout: '', stderr: 'Bad flow\n', exit: 1 }).agree.whole).toBe(true);
    const r = compareTrace(ovs, ok(''));
    expect(r.agree.datapathActions).toBe(false);
    expect(r.diff).toContain('exit status');
  });
});

describe('summarize', () => {
  it('counts and rounds percentages per section', () => {
    const yes = compareTrace({ stdout: 'x', stderr: '', exit: 0 }, { stdout: 'x', stderr: '', exit: 0 });
    const no = compareTrace({ stdout: 'x', stderr: '', exit: 0 }, { stdout: 'y', stderr: '', exit: 0 });
    const s = summarize([yes, no, no]);
    expect(s.total).toBe(3);
    expect(s.agree.whole).toBe(1);
    expect(s.agree.datapathActions).toBe(3);
    expect(s.percent.whole).toBe(33.3);
  });
});
