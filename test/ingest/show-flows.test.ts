// `oftrace show` and `oftrace flows BR [--table N] [--json]` on the bundled example snapshots.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';

const examples = new URL('../../examples/', import.meta.url).pathname;
const snapshots = readdirSync(examples).filter((d) => statSync(join(examples, d)).isDirectory());

/** `flows per table: 0:8 20:1` -> {0: 8, 20: 1}, per bridge. */
function flowsPerTable(show: string): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  let bridge = '';
  for (const line of show.split('\n')) {
    const b = /^bridge ([^\s:]+)/.exec(line);
    if (b) out.set((bridge = b[1]), new Map());
    const t = /^ {2}flows per table: (.*)$/.exec(line);
    if (t) for (const pair of t[1].split(' ')) out.get(bridge)!.set(Number(pair.split(':')[0]), Number(pair.split(':')[1]));
  }
  return out;
}

describe('show on a snapshot with a native tunnel underlay', () => {
  it('counts its routes and neighbors', async () => {
    const dumps = new URL('../fixtures/family-native-tunnels/dumps', import.meta.url).pathname;
    expect((await runCli(['--dumps', dumps, 'show'])).stdout).toMatch(/^native tunnel underlay: 4 routes, 4 neighbors$/m);
  });
});

describe('show and flows on the example snapshots', () => {
  it('has examples', () => expect(snapshots.length).toBeGreaterThanOrEqual(3));

  for (const name of snapshots) {
    const dumps = join(examples, name);
    it(`${name}: show lists bridges, ports and flows per table`, async () => {
      const r = await runCli(['--dumps', dumps, 'show']);
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toMatch(/^bridge br-int \(fail_mode secure\): \d+ ports, \d+ flows, \d+ groups, \d+ learned MACs$/m);
      expect(r.stdout).toMatch(/^ {2}port \S+: ofport \d+, datapath none, type patch, peer \S+$/m);
      expect(r.stdout).toMatch(/^ {2}port br-int: ofport LOCAL, datapath \d+, type internal$/m);
      for (const [bridge, tables] of flowsPerTable(r.stdout)) {
        const total = [...tables.values()].reduce((a, b) => a + b, 0);
        expect(r.stdout).toMatch(new RegExp(`^bridge ${bridge}.*: \\d+ ports, ${total} flows`, 'm'));
      }
    });

    it(`${name}: flows BR prints every rule back in dump-flows syntax, --table and --json agree with show`, async () => {
      const show = flowsPerTable((await runCli(['--dumps', dumps, 'show'])).stdout);
      for (const [bridge, tables] of show) {
        const all = await runCli(['--dumps', dumps, 'flows', bridge]);
        expect(all.exitCode).toBe(0);
        const lines = all.stdout.trimEnd().split('\n');
        expect(lines.length).toBe([...tables.values()].reduce((a, b) => a + b, 0));
        for (const l of lines) expect(l).toMatch(/^ cookie=0x[0-9a-f]+, .*table=\d+, .* actions=\S+$/);

        const [table, count] = [...tables].at(-1)!;
        const one = await runCli(['--dumps', dumps, 'flows', bridge, '--table', String(table)]);
        const oneLines = one.stdout.trimEnd().split('\n');
        expect(oneLines.length).toBe(count);
        for (const l of oneLines) expect(l).toContain(` table=${table}, `);

        const json = await runCli(['--dumps', dumps, 'flows', bridge, '--json']);
        const rules = JSON.parse(json.stdout) as { table: number; priority: number; match: string; actions: string; source: { file: string; line: number } }[];
        expect(rules.length).toBe(lines.length);
        for (const [i, rule] of rules.entries()) {
          expect(lines[i]).toContain(` table=${rule.table}, `);
          expect(lines[i]).toContain(`actions=${rule.actions}`);
          if (rule.match) expect(lines[i]).toContain(rule.match);
          expect(rule.source.file).toContain(`dump-flows_${bridge}`);
        }
      }
    });
  }

  it('flows: an unknown bridge or a bad --table is an input error', async () => {
    const dumps = join(examples, 'neutron-brex-brint');
    const unknown = await runCli(['--dumps', dumps, 'flows', 'br-nope']);
    expect(unknown).toEqual({ stdout: '', stderr: 'oftrace: br-nope: unknown bridge\n', exitCode: 1 });
    for (const bad of ['x', '255', '-1', '1.5']) {
      const r = await runCli(['--dumps', dumps, 'flows', 'br-int', '--table', bad]);
      expect(r).toEqual({ stdout: '', stderr: 'oftrace: --table: expected a table id from 0 to 254\n', exitCode: 1 });
    }
  });

  it('flows --table on a table without rules prints nothing', async () => {
    const r = await runCli(['--dumps', join(examples, 'neutron-brex-brint'), 'flows', 'br-int', '--table', '200']);
    expect(r).toEqual({ stdout: '', stderr: '', exitCode: 0 });
  });
});
