// `npm run compare [-- FIXTURE...] [--show N]`: replay the recorded fixtures
// through oftrace and print agreement per fixture and the first mismatches.
import { fileURLToPath } from 'node:url';
import { basename } from 'node:path';
import { formatSummary, summarize } from './compare.js';
import { describeMismatch, listFixtures, loadRunCli, replayFixture, type ReplayResult } from './replay.js';

const args = process.argv.slice(2);
const showAt = args.indexOf('--show');
const show = showAt >= 0 ? Number(args.splice(showAt, 2)[1]) : 3;
const root = fileURLToPath(new URL('../fixtures', import.meta.url));
const runCli = await loadRunCli();
const all: ReplayResult[] = [];
for (const dir of listFixtures(root)) {
  if (args.length && !args.includes(basename(dir))) continue;
  const results = await replayFixture(dir, runCli);
  all.push(...results);
  const whole = results.filter((r) => r.comparison.agree.whole).length;
  console.log(`${basename(dir).padEnd(36)} ${whole}/${results.length}`);
}
console.log(formatSummary(summarize(all.map((r) => r.comparison))));
for (const r of all.filter((x) => !x.comparison.agree.whole).slice(0, show)) console.log('\n' + describeMismatch(r));
