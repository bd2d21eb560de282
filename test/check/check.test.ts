import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { workdir, writeSpec } from './helpers.js';

/** A spec on the helper snapshot with one case per entry: [name, flow, expect YAML lines]. */
function spec(cases: [string, string, string[]][]): string {
  return ['snapshot: ./snap', 'cases:', ...cases.flatMap(([name, flow, exp]) => [
    `  - name: ${name}`, '    bridge: br0', `    flow: ${flow}`, '    expect:', ...exp.map((l) => `      ${l}`),
  ])].join('\n') + '\n';
}

async function check(text: string, ...args: string[]) {
  const dir = workdir();
  const file = writeSpec(dir, text);
  return { dir, file, ...(await runCli(['check', file, ...args])) };
}

describe('oftrace check: packets in the datapath-flow syntax', () => {
  it('traces a case given as `ofproto/trace DATAPATH ODP_FLOW` takes it: datapath port 2 is p1', async () => {
    const text = ['snapshot: ./snap', 'cases:',
      '  - name: from p1', '    bridge: ovs-dummy', "    flow: 'in_port(2),eth(),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,ttl=64)'",
      '    expect:', '      outputs_include: [p2, p3]', '      datapath_actions: "3,4"',
      '  - name: unknown datapath port', '    bridge: ovs-dummy', "    flow: 'in_port(9),eth(),eth_type(0x0800)'",
      '    expect:', '      drop: true'].join('\n') + '\n';
    const r = await check(text);
    expect(r.stderr).toMatch(/spec\.yaml:11: case "unknown datapath port": bad flow: no OpenFlow port for datapath port 9/);
    expect(r.exitCode).toBe(2);
    const ok = await check(text.split('  - name: unknown')[0]);
    expect(ok.stdout).toMatch(/^PASS from p1$/m);
    expect(ok.exitCode).toBe(0);
  });
});

describe('oftrace check: expectation kinds', () => {
  const kinds: [string, string, string, string][] = [
    // kind, flow, a passing expectation, a failing one
    ['outputs_include', 'in_port=1', 'outputs_include: [p2, 3]', 'outputs_include: [p1]'],
    ['outputs_exclude', 'in_port=1', 'outputs_exclude: [p1, br0]', 'outputs_exclude: [3]'],
    ['max_outputs', 'in_port=1', 'max_outputs: 2', 'max_outputs: 1'],
    ['drop true', 'in_port=2', 'drop: true', 'drop: false'],
    ['drop false', 'in_port=1', 'drop: false', 'drop: true'],
    ['datapath_actions', 'in_port=1', 'datapath_actions: "3,4"', 'datapath_actions: "4,3"'],
    ['megaflow', 'in_port=3', 'megaflow: recirc_id=0,eth,in_port=3,dl_type=0x0000', 'megaflow: recirc_id=0,in_port=3'],
    ['visits', 'in_port=3', 'visits: ["br0:0", "br0:5"]', 'visits: ["br0:7"]'],
    ['loop', 'in_port=3', 'loop: false', 'loop: true'],
  ];
  for (const [kind, flow, pass, fail] of kinds) {
    it(`${kind}: passes and fails`, async () => {
      const r = await check(spec([['good', flow, [pass]], ['bad', flow, [fail]]]));
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^PASS good$/m);
      expect(r.stdout).toMatch(/^FAIL bad$/m);
      expect(r.stdout).toContain(`     ${fail.split(':')[0]}:\n       expected: `);
      expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 1 failed');
      expect(r.exitCode).toBe(1);
    });
  }

  it('shows expected vs actual and the trace tree of a failing case', async () => {
    const r = await check(spec([['bad', 'in_port=1', ['outputs_include: [p1]']]]));
    expect(r.stdout).toContain('expected: leaves by p1');
    expect(r.stdout).toContain('actual:   does not leave by p1; outputs: p2(2), p3(3)');
    expect(r.stdout).toContain('        0. in_port=1, priority 100');
    expect(r.stdout).toContain('       Datapath actions: 3,4');
  });

  it('exits 0 when every case passes, with no colour when not on a terminal', async () => {
    const r = await check(spec([['a', 'in_port=1', ['max_outputs: 2']], ['b', 'in_port=2', ['drop: true']]]));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('PASS a\nPASS b\n\n2 passed, 0 failed\n');
  });

  it('colours the report when asked (a terminal), but not the summary line', async () => {
    const dir = workdir();
    const file = writeSpec(dir, spec([['bad', 'in_port=1', ['drop: true']]]));
    const r = await runCli(['check', file], undefined, { color: true });
    expect(r.stdout).toContain('\x1b[');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed');
  });
});

describe('oftrace check: ct_next', () => {
  it('reads a list of bare flags, [trk,est], as one ct_state, as the issue writes it', async () => {
    const r = await check(spec([['a', 'in_port=1', ['drop: true']]]).replace('    expect:', '    ct_next: [trk,est]\n    expect:'));
    expect(r.stderr).toBe('');
    expect(r.exitCode).not.toBe(2);
    expect(r.stdout).toMatch(/^\d+ passed, \d+ failed$/m);
  });
});

describe('oftrace check: bad specs exit 2 with file:line', () => {
  const bad: [string, string, RegExp][] = [
    ['unknown expect key', spec([['a', 'in_port=1', ['drop: true', 'outputs: [p1]']]]), /spec\.yaml:8: case "a": expect: unknown key "outputs"/],
    ['unknown case key', spec([['a', 'in_port=1', ['drop: true']]]).replace('    expect:', '    bridgee: x\n    expect:'), /spec\.yaml:6: case 1: unknown key "bridgee"/],
    ['YAML syntax', 'snapshot: ./snap\ncases:\n  - name: [unclosed\n', /spec\.yaml:\d+: /],
    ['missing cases', 'snapshot: ./snap\n', /spec\.yaml:1: spec: missing "cases"/],
    ['wrong type', spec([['a', 'in_port=1', ['max_outputs: two']]]), /spec\.yaml:7: case "a": max_outputs must be a number/],
    ['visits format', spec([['a', 'in_port=1', ['visits: [br0]']]]), /spec\.yaml:7: case "a": visits: "br0" is not BRIDGE:TABLE/],
    ['ct_next item', spec([['a', 'in_port=1', ['drop: true']]]).replace('    expect:', '    ct_next: ["trk,est", bogus]\n    expect:'), /spec\.yaml:6: case "a": ct_next: bogus: unknown connection tracking state flag.*each item is one recirculation/],
    ['duplicate name', spec([['a', 'in_port=1', ['drop: true']], ['a', 'in_port=2', ['drop: true']]]), /spec\.yaml:8: duplicate case name "a"/],
    ['empty expect', spec([['a', 'in_port=1', ['{}']]]).replace('expect:\n      {}', 'expect: {}'), /spec\.yaml:6: case "a": expect has no expectations/],
    ['unknown bridge', spec([['a', 'in_port=1', ['drop: true']]]).replace('bridge: br0', 'bridge: br9'), /spec\.yaml:4: case "a": br9: unknown bridge/],
    ['bad flow', spec([['a', 'in_port=1,nw_dsst=1.2.3.4', ['drop: true']]]), /spec\.yaml:5: case "a": bad flow: /],
    ['YAML error on its own line', spec([['a', 'in_port=1', ['drop: true']]]).replace('    bridge: br0', '    bridge: br0\n    bridge: br0'), /spec\.yaml:5: Map keys must be unique/],
    ['YAML nested too deeply', 'snapshot: ./snap\ncases: ' + '['.repeat(5000) + '\n', /spec\.yaml:2: nested too deeply\n$/],
    ['missing snapshot folder', spec([['a', 'in_port=1', ['drop: true']]]).replace('./snap', './nowhere'), /spec\.yaml:1: snapshot: .*nowhere: not a folder/],
    // A misspelt port would make `outputs_exclude` pass whatever the packet does.
    ['outputs_exclude names no port', spec([['a', 'in_port=1', ['outputs_exclude:', '  - p2', '  - tap9']]]), /spec\.yaml:9: case "a": outputs_exclude: no port named "tap9" in the snapshot\n$/],
    ['outputs_include names no OpenFlow port', spec([['a', 'in_port=1', ['outputs_include: [p2, 7]']]]), /spec\.yaml:7: case "a": outputs_include: no bridge has OpenFlow port 7\n$/],
    ['visits names no bridge', spec([['a', 'in_port=1', ['visits: ["br0:0", "br1:0"]']]]), /spec\.yaml:7: case "a": visits: no bridge named "br1" in the snapshot\n$/],
    ['visits names no table', spec([['a', 'in_port=1', ['visits: ["br0:255"]']]]), /spec\.yaml:7: case "a": visits: "br0:255": tables are numbered 0 to 254\n$/],
  ];
  for (const [what, text, message] of bad) {
    it(what, async () => {
      const r = await check(text);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(r.exitCode).toBe(2);
    });
  }

  it('a spec file that is not there', async () => {
    const r = await runCli(['check', '/nonexistent/spec.yaml']);
    expect(r.stderr).toMatch(/spec\.yaml: cannot read \(ENOENT\)/);
    expect(r.exitCode).toBe(2);
  });
});

describe('oftrace check --junit / --json', () => {
  it('writes one JUnit testcase per case, with the trace as failure text', async () => {
    const junit = join(workdir(), 'junit.xml');
    const r = await check(spec([['good', 'in_port=1', ['max_outputs: 2']], ['bad <&> "one"', 'in_port=3', ['outputs_exclude: [p1]', 'visits: ["br0:9"]']]]), '--junit', junit);
    const xml = readFileSync(junit, 'utf8');
    expect(r.exitCode).toBe(1);
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="oftrace check" tests="2" failures="1"/);
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(xml).toContain('<testcase classname="');
    expect(xml).toContain('name="good"/>');
    expect(xml).toContain('name="bad &lt;&amp;&gt; &quot;one&quot;">');
    // Two mismatches: one message attribute line each, joined by an encoded newline.
    expect(xml).toMatch(/message="outputs_exclude: [^"]*&#10;visits: [^"]*"/);
    expect(xml).toContain(' 5. priority 0\n    output:1\n');
    expect(xml).toContain('Datapath actions: 2\n');
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it('a JUnit file that cannot be written is a usage error (exit 2), not a failed check', async () => {
    const text = spec([['good', 'in_port=1', ['max_outputs: 2']]]);
    for (const [junit, message] of [['/nonexistent/dir/x.xml', /x\.xml: cannot write \(ENOENT\)/], ['', /--junit needs a file name/]] as const) {
      const r = await check(text, '--junit', junit);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.exitCode).toBe(2);
    }
  });

  it('--json prints machine-readable results with each case\'s trace', async () => {
    const r = await check(spec([['good', 'in_port=1', ['max_outputs: 2']], ['bad', 'in_port=2', ['drop: false']]]), '--json');
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ schema: 'oftrace/check/v1', passed: 1, failed: 1 });
    expect(out.cases[0]).toMatchObject({ name: 'good', passed: true, mismatches: [], outputsSummary: 'p2(2), p3(3)' });
    expect(out.cases[1].mismatches).toEqual([{ key: 'drop', expected: 'not dropped (some output)', actual: 'outputs: (none)' }]);
    expect(out.cases[0].trace.outputs).toEqual([
      { odpPort: 3, name: 'p2', bridge: 'br0', ofport: 2 },
      { odpPort: 4, name: 'p3', bridge: 'br0', ofport: 3 },
    ]);
  });
});

describe('the dragonflow examples', () => {
  it('the fixed snapshot passes its spec', async () => {
    const r = await runCli(['check', 'examples/dragonflow-fixed.yaml']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe([
      'PASS vm2 ICMP reply to the SNAT address goes out the provider patch',
      'PASS ARP broadcast from br-ex LOCAL does not storm back into br-ex',
      'PASS vm3 to vm1 on the tenant network is untouched',
      '', '3 passed, 0 failed', '',
    ].join('\n'));
    expect(r.exitCode).toBe(0);
  });

  it('the broken snapshot fails it: the DNAT branch leaks to tap-vm4, the ARP storms', async () => {
    const r = await runCli(['check', 'examples/dragonflow-broken.yaml']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^FAIL vm2 ICMP reply/m);
    expect(r.stdout).toContain('actual:   leaves by tap-vm4; outputs: tap-vm4(11), br-ex(LOCAL), eth-ext(3)');
    expect(r.stdout).toMatch(/^FAIL ARP broadcast/m);
    expect(r.stdout).toMatch(/actual: {3}\d+ outputs: tap-vm4\(11\) x\d+/);
    expect(r.stdout).toMatch(/^PASS vm3 to vm1/m);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('1 passed, 2 failed');
  });
});

it('examples exist where the README says', () => {
  for (const f of ['examples/dragonflow-fixed.yaml', 'examples/dragonflow-broken.yaml']) expect(existsSync(f)).toBe(true);
});

describe('oftrace --json (oftrace/trace/v1)', () => {
  it('has tables with rule sources, outputs by name and number, recirculations and field changes', async () => {
    const r = await runCli(['--dumps', 'examples/dragonflow-fixed', '--json', 'br-int',
      'icmp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=91:92:ac:18:04:c8,nw_src=172.24.4.8,nw_dst=172.24.4.200,icmp_type=0']);
    expect(r.exitCode).toBe(0);
    const t = JSON.parse(r.stdout);
    expect(t).toMatchObject({ schema: 'oftrace/trace/v1', bridge: 'br-int', bridges: ['br-int', 'br-ex'], loop: false });
    expect(t.outputs.map((o: { name: string }) => o.name)).toEqual(['br-ex', 'eth-ext']);
    const [first, second] = t.passes;
    expect(first.recirculation).toBeNull();
    expect(first.tables[0]).toEqual({
      bridge: 'br-int', table: 0, rule: 'ip,in_port=10, priority 100',
      source: { file: 'examples/dragonflow-fixed/ovs-ofctl_dump-flows_br-int', line: expect.any(Number) },
      actions: ['load:0x7->NXM_NX_REG6[]', 'load:0x2->OXM_OF_METADATA[]', 'ct(table=20,zone=OXM_OF_METADATA[0..15])', 'drop'],
      notes: expect.any(Array), depth: 0,
    });
    expect(first.fieldChanges).toEqual([
      { field: 'reg6', before: null, after: '0x7' },
      { field: 'metadata', before: null, after: '0x2' },
    ]);
    expect(first.outputs).toEqual([]);
    expect(first.datapathActions).toBe('ct(zone=2),recirc(0x1)');
    expect(second.recirculation).toEqual({ id: 1, ctState: 'new|trk' });
    expect(second.outputs).toEqual([
      { odpPort: 5, name: 'br-ex', bridge: 'br-ex', ofport: 65534 },
      { odpPort: 6, name: 'eth-ext', bridge: 'br-ex', ofport: 3 },
    ]);
    expect(second.tables.map((x: { bridge: string; table: number }) => `${x.bridge}:${x.table}`)).toEqual(['br-int:20', 'br-int:55', 'br-int:75', 'br-int:80', 'br-ex:0', 'br-int:0']);
  });
});
