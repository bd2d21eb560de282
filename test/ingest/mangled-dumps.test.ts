// Bad input never crashes: every recorded fixture's dumps, mangled at random
// (bytes dropped, stray characters, pieces of the file pasted elsewhere,
// a file cut short, a digit made huge), then traced as recorded. Whatever the
// damage, oftrace either traces, or reports one line: `oftrace: FILE:LINE:COL:
// ...` (exit 1; only an emptied file has no place to name), or the error
// ovs-appctl itself would give for the packet (exit 2). Never a stack trace.
// OFTRACE_MANGLED_CASES=N runs more cases than the default.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { prng } from '../../tools/prng.js';
import type { RecordedTrace } from '../oracle/record.js';
import { listFixtures } from '../oracle/replay.js';
import { traceArgs } from '../oracle/scenario.js';

const CASES = Number(process.env.OFTRACE_MANGLED_CASES ?? 200);
const STRAY = ' ,=()/:.-_0123456789abcdefxyzABCDEFX\t"\'\\[]{}>*+!#\n';

const tmp = mkdtempSync(join(tmpdir(), 'oftrace-mangled-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const families = listFixtures(join(import.meta.dirname, '..', 'fixtures')).map((dir) => ({
  dir,
  traces: (JSON.parse(readFileSync(join(dir, 'traces.json'), 'utf8')) as RecordedTrace[]).filter((t) => t.exit === 0),
})).filter((f) => f.traces.length);

const rand = prng(20261122);
const int = (n: number) => Math.floor(rand() * n);

/** One to three random edits of `text`. */
function mangle(text: string): string {
  const edits = [
    (t: string, at: number) => t.slice(0, at) + t.slice(at + 1 + int(4)),
    (t: string, at: number) => t.slice(0, at) + STRAY[int(STRAY.length)] + t.slice(at),
    (t: string, at: number) => { const from = int(t.length); return t.slice(0, at) + t.slice(from, from + int(20)) + t.slice(at); },
    (t: string, at: number) => t.slice(0, at),
    (t: string, at: number) => (/\d/.test(t[at] ?? '') ? t.slice(0, at) + '9999999999' + t.slice(at + 1) : t),
  ];
  for (let n = 1 + int(3); n > 0; n--) text = edits[int(edits.length)](text, int(text.length + 1));
  return text;
}

describe('mangled dumps', () => {
  it(`never crash: ${CASES} random manglings of the recorded fixtures' dumps`, async () => {
    const outcomes = { traced: 0, inputError: 0, ovsError: 0 };
    for (let n = 0; n < CASES; n++) {
      const family = families[int(families.length)];
      const trace = family.traces[int(family.traces.length)];
      const dumps = join(tmp, `case${n}`);
      cpSync(join(family.dir, 'dumps'), dumps, { recursive: true });
      const files = readdirSync(dumps);
      const file = join(dumps, files[int(files.length)]);
      writeFileSync(file, mangle(readFileSync(file, 'latin1')), 'latin1');
      const argv = ['--dumps', dumps, ...traceArgs(trace)];
      const what = `case ${n}: ${file} mangled, then ${JSON.stringify(argv.slice(2))}`;
      const r = await runCli(argv);
      expect(r.stderr, what).not.toMatch(/\n\s+at /);
      if (r.exitCode === 0) outcomes.traced++;
      else {
        expect(r.stderr, what).toMatch(/^[^\n]+\n$/);
        if (r.exitCode === 1) {
          outcomes.inputError++;
          expect(r.stderr, what).toMatch(/^oftrace: /);
          if (r.stderr.includes(dumps) && !/: (empty input|empty file)/.test(r.stderr)) expect(r.stderr, what).toMatch(/^oftrace: [^:]+:\d+:\d+: /);
        } else {
          outcomes.ovsError++;
          expect(r.exitCode, what).toBe(2);
        }
      }
      rmSync(dumps, { recursive: true });
    }
    // The manglings reach both outcomes, or the test proves little.
    expect(outcomes.traced, JSON.stringify(outcomes)).toBeGreaterThan(CASES / 10);
    expect(outcomes.inputError, JSON.stringify(outcomes)).toBeGreaterThan(CASES / 10);
  }, 120_000);
});
