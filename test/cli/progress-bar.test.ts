// The progress bar: silent for the first second, then one redrawn line on
// stderr, at most ten redraws a second, erased at the end. Loading a large
// dump reports its progress to it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/cli/progress-bar.js';
import { readDumpsDir } from '../../src/ingest/sources.js';
import { loadSnapshot } from '../../src/ingest/load.js';
import { World } from '../../src/xlate/world.js';
import { generateSnapshot } from '../../bench/ovn-like.js';

describe('progress bar', () => {
  it('draws nothing in the first second, then redraws at most every 100 ms, and erases itself', () => {
    let t = 0;
    const out: string[] = [];
    const bar = progressBar((s) => out.push(s), 80, () => t);
    bar.sink('reading f', 10, 100);
    t = 999;
    bar.sink('reading f', 20, 100);
    expect(out).toEqual([]);
    t = 1001;
    bar.sink('reading f', 50, 100);
    t = 1050;
    bar.sink('reading f', 60, 100);
    t = 1200;
    bar.sink('indexing table 3', 100, 100);
    bar.done();
    bar.done(); // output appearing again: nothing left to erase
    expect(out).toEqual([
      '\roftrace: [############............]  50% reading f\x1b[K',
      '\roftrace: [########################] 100% indexing table 3\x1b[K',
      '\r\x1b[K',
    ]);
  });

  it('leaves no trace when the work ends within the second', () => {
    const out: string[] = [];
    const bar = progressBar((s) => out.push(s), 80, () => 5);
    bar.sink('reading f', 1, 2);
    bar.done();
    expect(out).toEqual([]);
  });

  it('hears from indexing a large dump and filing its tables', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oftrace-progress-'));
    try {
      generateSnapshot(dir, { flows: 40_000, seed: 3 });
      const heard = new Set<string>();
      const snap = loadSnapshot(readDumpsDir(dir), { progress: (what, done, total) => { expect(done).toBeLessThanOrEqual(total); heard.add(what.split(' ')[0]); } });
      const br = new World(snap).bridges.get('br-int')!;
      for (const t of snap.bridges.get('br-int')!.tables.keys()) br.classifier(t);
      expect([...heard].sort()).toEqual(['indexing', 'reading']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
