// Every dump-flows line recorded from a real OVS, parsed into the model and
// printed back with formatRule, must come out exactly as OVS printed it.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOfctlShow } from '../../grammar/ofctl-show.js';
import { parseFlowsDump, type FlowsContext } from '../../src/ingest/flows.js';
import { PortNames } from '../../src/ofp/ports.js';
import { formatRule } from '../../src/render/dump-flows.js';
import { TABLE_NAMES } from './table-names.js';

const fixtures = new URL('../fixtures/', import.meta.url).pathname;
const ingestDumps = new URL('dumps/', import.meta.url).pathname;
const SEEDS = '/work/shared/seeds';

const dumpFlowsFiles = (dir: string) =>
  existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('dump-flows')).map((f) => join(dir, f)) : [];

const recorded = [
  ...readdirSync(fixtures).flatMap((family) => dumpFlowsFiles(join(fixtures, family, 'dumps'))),
  ...dumpFlowsFiles(ingestDumps),
];

/** `--names` dumps print port and table names; give the parser and printer the same names. */
function namesFor(file: string): Pick<FlowsContext, 'ports' | 'tables'> {
  if (!basename(file).includes('--names')) return {};
  const bridge = basename(file).replace(/.*_dump-flows_/, '');
  const show = join(file, '..', `ovs-ofctl_show_${bridge}`);
  const ports = new PortNames(parseOfctlShow(readFileSync(show, 'utf8'), show).ports.map((p) => [p.ofport, p.name]));
  const tables = new PortNames(Object.entries(TABLE_NAMES).map(([name, id]) => [id, name]));
  return { ports, tables };
}

/** Parses `text` as one dump and prints every rule back, paired with its source line. */
function roundTrip(text: string, file: string): { printed: string[]; original: string[] } {
  const names = namesFor(file);
  const lines = text.split('\n');
  const { rules } = parseFlowsDump(text, { file, ...names });
  return {
    printed: rules.map((r) => formatRule(r, names.ports, names.tables)),
    original: rules.map((r) => lines[r.source.line - 1]),
  };
}

describe('dump-flows round trip (recorded from OVS 3.1)', () => {
  it('has the recorded dumps', () => {
    expect(recorded.length).toBeGreaterThan(40);
    expect(recorded.filter((f) => f.includes('OpenFlow13')).length).toBeGreaterThan(15);
    expect(recorded.filter((f) => f.includes('--names')).length).toBeGreaterThanOrEqual(3);
  });
  for (const file of recorded) {
    it(file.slice(file.indexOf('test/')), () => {
      const text = readFileSync(file, 'utf8');
      const { printed, original } = roundTrip(text, file);
      expect(printed.length).toBe(text.split('\n').filter((l) => l.includes(' actions=')).length);
      expect(printed).toEqual(original);
    });
  }
});

describe('dump-flows round trip (seed documents, OVS 2.x)', () => {
  const seeds = existsSync(SEEDS) ? readdirSync(SEEDS).filter((f) => f.endsWith('.txt')) : [];
  for (const seed of seeds) {
    it(seed, () => {
      // Blog posts drop the leading space; every other byte of the line is OVS's.
      const flows = readFileSync(join(SEEDS, seed), 'utf8').split('\n').filter((l) => /^\s*cookie=.* actions=/.test(l));
      const { printed, original } = roundTrip(flows.map((l) => ' ' + l.trim()).join('\n') + '\n', seed);
      expect(flows.length).toBeGreaterThan(0);
      expect(printed).toEqual(original);
    });
  }
});

// Hand-written flows read numbers as OVS's str_to_*/strtoull(…, 0) do: a
// leading 0 is octal, 0x is hex; ports are decimal. The expected lines are
// what `ovs-ofctl parse-flow` (OVS 3.1) printed for the same input.
describe('numbers in hand-written flows, as ovs-ofctl parse-flow reads them', () => {
  it.each([
    ['priority=010,tcp,in_port=010,reg0=010,tp_dst=010', 'priority=8,tcp,reg0=0x8,in_port=10,tp_dst=8'],
    ['priority=0x10,tcp,reg1=0X1f,tp_dst=0x10', 'priority=16,tcp,reg1=0x1f,tp_dst=16'],
  ])('%s', (written, printed) => {
    const [rule] = parseFlowsDump(`NXST_FLOW reply (xid=0x4):\n ${written} actions=drop\n`, { file: 'f' }).rules;
    expect(formatRule(rule)).toBe(` ${printed} actions=drop`);
  });

  it('rejects 09, which is no octal number (ovs-ofctl: "09: bad syntax for tcp_dst value")', () => {
    expect(() => parseFlowsDump('NXST_FLOW reply (xid=0x4):\n tcp,tp_dst=09 actions=drop\n', { file: 'f' })).toThrow(/09/);
  });
});
