// The differential oracle over the recorded fixtures, as a ratchet: agreement.json holds the
// sections each trace agreed on last time; a trace that fully agreed must keep agreeing.
// UPDATE_AGREEMENT=1 npx vitest run test/oracle   rewrites agreement.json.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SECTIONS, type Section, formatSummary, summarize } from './compare.js';
import { describeMismatch, listFixtures, loadRunCli, replayFixture, type ReplayResult } from './replay.js';

const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));
const AGREEMENT = fileURLToPath(new URL('./agreement.json', import.meta.url));

type Agreement = Record<string, Section[]>;

const agreedSections = (r: ReplayResult) => SECTIONS.filter((s) => r.comparison.agree[s]);

it('oftrace agrees with the recorded OVS traces (ratchet)', { timeout: 300_000 }, async () => {
  const runCli = await loadRunCli();
  const results: ReplayResult[] = [];
  for (const dir of listFixtures(FIXTURES)) results.push(...(await replayFixture(dir, runCli)));

  console.log(
    `oracle: ${results.length} recorded traces${runCli ? '' : ' (src/api.ts runCli unavailable)'}\n` +
      formatSummary(summarize(results.map((r) => r.comparison))),
  );

  const current: Agreement = Object.fromEntries(results.map((r) => [r.key, agreedSections(r)]));
  if (process.env.UPDATE_AGREEMENT) {
    writeFileSync(AGREEMENT, JSON.stringify(current, null, 1) + '\n');
    return;
  }
  const previous: Agreement = existsSync(AGREEMENT) ? JSON.parse(readFileSync(AGREEMENT, 'utf8')) : {};
  const regressed = results.filter(
    (r) => previous[r.key]?.length === SECTIONS.length && current[r.key].length < SECTIONS.length,
  );
  const improved = results.filter((r) => (previous[r.key]?.length ?? 0) < current[r.key].length).length;
  if (improved) console.log(`oracle: ${improved} traces agree on more sections; UPDATE_AGREEMENT=1 to ratchet up`);
  expect(regressed.map(describeMismatch)).toEqual([]);
});
