// The benchmark's OVN-like generator (bench/ovn-like.ts): seeded, and what it
// writes is a snapshot oftrace loads whose sample packets cross the whole
// pipeline (both conntrack recirculations) to an output port. Keeps
// `npm run bench:trace` from rotting; it asserts no timing.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { generateSnapshot } from '../../bench/ovn-like.js';
import { runCli } from '../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'oftrace-gen-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('generates the same dump for the same seed, with the flow count asked for', () => {
  const a = generateSnapshot(join(tmp, 'a'), { flows: 1500, seed: 7 });
  const b = generateSnapshot(join(tmp, 'b'), { flows: 1500, seed: 7 });
  expect(a.flows).toBe(1500);
  const text = readFileSync(a.flowsFile, 'utf8');
  expect(text.split('\n').filter((l) => l.startsWith(' cookie=')).length).toBe(1500);
  expect(text).toBe(readFileSync(b.flowsFile, 'utf8'));
  expect(a.packets).toEqual(b.packets);
});

it('writes a snapshot whose sample packets reach an output port', async () => {
  const g = generateSnapshot(join(tmp, 'c'), { flows: 2000, seed: 1 });
  for (const packet of g.packets.slice(0, 3)) {
    const r = await runCli(['--dumps', g.dir, g.bridge, packet]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^Datapath actions: ct\(commit,zone=\d+\),\d+$/m);
    expect(r.stdout.match(/recirc_id=/g)?.length).toBeGreaterThan(0);
  }
});
