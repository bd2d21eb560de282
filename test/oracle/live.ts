// Live differential run: generate scenarios, record them with the real OVS, replay oftrace on
// the recorded dumps, and report agreement per section.
//   npm run test:ovs [-- --seeds 1-20] [--fields] [--require-agreement] [--keep DIR]
// --fields adds the field sweep (field-sweep.ts); --require-agreement exits 1 when any trace
// differs (CI), where a plain run only reports.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatSummary, summarize } from './compare.js';
import { fieldSweepScenario } from './field-sweep.js';
import { generateScenario } from './generator.js';
import { ovsInstalled } from './ovs-sandbox.js';
import { recordScenario } from './record.js';
import { describeMismatch, loadRunCli, replayFixture, type ReplayResult } from './replay.js';

function parseSeeds(argv: string[]): number[] {
  const i = argv.indexOf('--seeds');
  const spec = i >= 0 ? argv[i + 1] : '1-20';
  return spec.split(',').flatMap((part) => {
    const [lo, hi = lo] = part.split('-').map(Number);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) throw new Error(`bad --seeds ${spec}`);
    return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
  });
}

async function main(argv: string[]): Promise<number> {
  if (!ovsInstalled()) {
    console.log('test:ovs skipped: Open vSwitch (ovs-vswitchd) is not installed');
    return 0;
  }
  const seeds = parseSeeds(argv);
  const runCli = await loadRunCli();
  if (!runCli) console.log('oftrace: src/api.ts runCli is not available; every trace will count as a mismatch');
  // --keep DIR: record into DIR and leave it there for `npm run compare`-style digging.
  const keepAt = argv.indexOf('--keep');
  const out = keepAt >= 0 ? argv[keepAt + 1] : mkdtempSync('/tmp/oftrace-live-');
  const results: ReplayResult[] = [];
  try {
    const scenarios = [...seeds.map(generateScenario), ...(argv.includes('--fields') ? [fieldSweepScenario()] : [])];
    for (const scenario of scenarios) {
      await recordScenario(scenario, out);
      results.push(...(await replayFixture(join(out, scenario.name), runCli)));
    }
  } finally {
    if (keepAt < 0) rmSync(out, { recursive: true, force: true });
  }
  const mismatches = results.filter((r) => !r.comparison.agree.whole);
  if (runCli) for (const r of mismatches.slice(0, 5)) console.log(`\n${describeMismatch(r)}`);
  console.log(`\nseeds ${seeds[0]}..${seeds[seeds.length - 1]}${argv.includes('--fields') ? ' and the field sweep' : ''}: ${results.length} traces`);
  console.log(formatSummary(summarize(results.map((r) => r.comparison))));
  return argv.includes('--require-agreement') && mismatches.length ? 1 : 0;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(`test:ovs: ${(e as Error).message}`);
  process.exitCode = 1;
}
