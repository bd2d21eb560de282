// The recorded OVS traces again, each fixture's traces as one `--batch` on
// one loaded snapshot: what a batch keeps between traces (rules brought in,
// remembered lookups, prefix tries sorted after their first lookups) must
// not change what any trace prints. Every trace that agrees with OVS alone
// (agreement.json) agrees with OVS inside the batch too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { runCli } from '../../src/api.js';
import { SECTIONS, compareTrace, type Section } from './compare.js';
import { listFixtures } from './replay.js';
import type { RecordedTrace } from './record.js';
import { traceArgs } from './scenario.js';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const agreement: Record<string, Section[]> = JSON.parse(readFileSync(fileURLToPath(new URL('./agreement.json', import.meta.url)), 'utf8'));
const tmp = mkdtempSync(join(tmpdir(), 'oftrace-batch-oracle-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('each fixture traced as one --batch agrees with OVS trace by trace', { timeout: 300_000 }, async () => {
  const mismatches: string[] = [];
  let traced = 0;
  for (const dir of listFixtures(FIXTURES)) {
    const traces = JSON.parse(readFileSync(join(dir, 'traces.json'), 'utf8')) as RecordedTrace[];
    // A batch line is `BRIDGE FLOW [PACKET]` split at blanks: traces with options, with no bridge,
    // with a blank inside an argument, or that OVS refuses stay out.
    const inBatch = traces
      .map((trace, i) => ({ trace, key: `${basename(dir)}#${i}` }))
      .filter(({ trace, key }) => trace.exit === 0 && !trace.opts.length && trace.bridge && !/\s/.test(trace.flow + (trace.packet ?? ''))
        && agreement[key]?.length === SECTIONS.length);
    if (inBatch.length < 2) continue;
    const file = join(tmp, `${basename(dir)}.batch`);
    writeFileSync(file, inBatch.map(({ trace }) => traceArgs(trace).join(' ')).join('\n') + '\n');
    const r = await runCli(['--dumps', join(dir, 'dumps'), '--batch', file]);
    const outputs = r.stdout.split(/^### .*\n/m).slice(1);
    expect(outputs.length, `${basename(dir)}: one output per batch line`).toBe(inBatch.length);
    inBatch.forEach(({ trace, key }, n) => {
      const { agree, diff } = compareTrace(trace, { stdout: outputs[n], stderr: '', exit: 0 });
      if (!SECTIONS.every((s) => agree[s])) mismatches.push(`${key} (batch line ${n + 1}):\n${diff}`);
    });
    traced += inBatch.length;
  }
  expect(mismatches).toEqual([]);
  expect(traced).toBeGreaterThan(500);
});
