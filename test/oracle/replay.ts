// Replays recorded traces through oftrace in-process and compares with what OVS printed.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type Comparison, SECTIONS, type TraceOutput, compareTrace } from './compare.js';
import type { RecordedTrace } from './record.js';
import { traceArgs } from './scenario.js';

type RunCli = (argv: string[], stdin?: string) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

export interface ReplayResult {
  key: string; // "<fixture>#<index>"
  trace: RecordedTrace;
  actual: TraceOutput;
  comparison: Comparison;
}

/** undefined while src/api.ts (or what it re-exports) does not load yet, so the oracle still runs. */
export async function loadRunCli(): Promise<RunCli | undefined> {
  try {
    const api = (await import('../../src/api.js')) as { runCli?: RunCli };
    return typeof api.runCli === 'function' ? api.runCli : undefined;
  } catch {
    return undefined;
  }
}

export function listFixtures(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => join(root, d))
    .filter((d) => existsSync(join(d, 'traces.json')) && existsSync(join(d, 'dumps')))
    .sort();
}

const NOTHING_AGREES: Comparison = {
  agree: Object.fromEntries(SECTIONS.map((s) => [s, false])) as Comparison['agree'],
  diff: 'oftrace: src/api.ts runCli is not available',
};

async function runOftrace(runCli: RunCli, argv: string[]): Promise<TraceOutput> {
  try {
    const r = await runCli(argv);
    return { stdout: r.stdout, stderr: r.stderr, exit: r.exitCode };
  } catch (e) {
    return { stdout: '', stderr: `oftrace threw: ${(e as Error).stack ?? e}`, exit: -1 };
  }
}

export async function replayFixture(dir: string, runCli: RunCli | undefined): Promise<ReplayResult[]> {
  const traces = JSON.parse(readFileSync(join(dir, 'traces.json'), 'utf8')) as RecordedTrace[];
  const results: ReplayResult[] = [];
  for (const [i, trace] of traces.entries()) {
    const key = `${basename(dir)}#${i}`;
    if (!runCli) {
      results.push({ key, trace, actual: { stdout: '', stderr: '', exit: -1 }, comparison: NOTHING_AGREES });
      continue;
    }
    const actual = await runOftrace(runCli, ['--dumps', join(dir, 'dumps'), ...traceArgs(trace)]);
    results.push({ key, trace, actual, comparison: compareTrace(trace, actual) });
  }
  return results;
}

export function describeMismatch(r: ReplayResult): string {
  const args = traceArgs({ ...r.trace, flow: `'${r.trace.flow}'` }).join(' ');
  return `${r.key}: ofproto/trace ${args}\n${r.comparison.diff ?? ''}`;
}
