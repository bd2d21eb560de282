// Packaging: the esbuild bundle the single-file executable is made of behaves
// as the CLI does, and `npm install -g` of the checkout puts a working
// `oftrace` on the PATH. (`.ci/run` builds and checks the executable itself:
// 100 MB and several seconds is too much for every `npm test`.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { bundleCli } from '../../scripts/bundle.mjs';
import { generateSnapshot } from '../../bench/ovn-like.js';
import { setFilingWorkers } from '../../src/ingest/filing-worker.js';
import { loadSnapshot } from '../../src/ingest/load.js';
import { readDumpsDir, type SharedText } from '../../src/ingest/sources.js';
import type { Flow } from '../../src/meta-flow/flow.js';
import { parseTraceFlow } from '../../src/trace/flow-parse.js';
import { formatTraceOvs, ofprotoTrace } from '../../src/trace/ofproto-trace.js';
import { World } from '../../src/xlate/world.js';

const root = join(import.meta.dirname, '..', '..');
const dumps = join(root, 'examples', 'dragonflow-broken');
const FLOW = 'icmp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=91:92:ac:18:04:c8,nw_src=172.24.4.8,nw_dst=172.24.4.200,icmp_type=0';
const tmp = mkdtempSync(join(tmpdir(), 'oftrace-pkg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const node = (args: string[], input?: string) =>
  spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', input, env: { ...process.env, NO_COLOR: '1' } });

describe('single-file bundle (what dist/oftrace runs)', () => {
  const bundle = join(tmp, 'oftrace.cjs');

  it('bundles every dependency into one CommonJS file', async () => {
    await bundleCli(bundle);
    const text = readFileSync(bundle, 'utf8');
    // SEA's require() only sees built-in modules.
    const external = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]).filter((m) => !m.startsWith('node:') && !builtinModules.includes(m));
    expect(external).toEqual([]);
  }, 60_000);

  it('prints what the CLI prints, byte for byte, with its exit code', async () => {
    for (const args of [['--dumps', dumps, 'br-int', FLOW], ['--dumps', dumps, 'show'], ['--dumps', dumps, 'br-int', 'bogus=1']]) {
      const want = await runCli(args);
      const got = node([bundle, ...args]);
      expect(got.stdout).toBe(want.stdout);
      expect(got.stderr).toBe(want.stderr);
      expect(got.status).toBe(want.exitCode);
    }
  });

  it('reads `-` from standard input', async () => {
    const flows = readFileSync(join(dumps, 'ovs-ofctl_dump-flows_br-int'), 'utf8');
    const args = ['--flows', 'br-int=-', '--vsctl', join(dumps, 'ovs-vsctl_-t_5_show'), 'br-int', FLOW];
    const want = await runCli(args, flows);
    expect(node([bundle, ...args], flows).stdout).toBe(want.stdout);
  });
});

// A large dump is filed by a worker thread too (ingest/filing-worker.ts),
// which runs the bundle. Here the worker files every table, and the traces
// must be those of the same dump loaded on one thread.
describe('a dump filed by a worker thread', () => {
  const bundle = join(tmp, 'worker', 'oftrace.cjs');
  const load = (dir: string, shared: boolean) => {
    const dumps = readDumpsDir(dir).map((d) => (shared && d.kind === 'flows' ? { ...d, shared: shareBytes(readFileSync(d.file)) } : d));
    setFilingWorkers(shared ? bundle : undefined, 'worker');
    try {
      return new World(loadSnapshot(dumps));
    } finally {
      setFilingWorkers(undefined);
    }
  };

  beforeAll(() => bundleCli(bundle), 60_000);

  it('traces as the same dump filed on this thread, packet for packet', () => {
    const dir = join(tmp, 'ovn-like');
    const g = generateSnapshot(dir, { flows: 4000, seed: 3 });
    const [one, two] = [load(dir, false), load(dir, true)];
    const trace = (world: World, packet: string) => {
      const bridge = world.bridges.get('br-int')!;
      return formatTraceOvs(ofprotoTrace({ world, bridge, flow: parseTraceFlow(packet, bridge.names) as Flow, ctNext: [] }));
    };
    for (const packet of g.packets.slice(0, 60)) expect(trace(two, packet)).toBe(trace(one, packet));
  }, 60_000);

  it('has a bad line reported as one thread reports it, with its place', () => {
    const dir = join(tmp, 'ovn-like-bad');
    generateSnapshot(dir, { flows: 4000, seed: 3 });
    const file = join(dir, 'ovs-ofctl_dump-flows_br-int');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3000] = lines[3000].replace('priority=', 'bogus_field=1,priority=');
    writeFileSync(file, lines.join('\n'));
    const error = (shared: boolean) => {
      try {
        load(dir, shared);
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(error(false)).toMatch(/:3001:\d+: unknown field "bogus_field"$/);
    expect(error(true)).toBe(error(false));
  }, 60_000);
});

function shareBytes(bytes: Uint8Array): SharedText {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return { bytes: shared, encoding: 'latin1' };
}

describe('npm install -g', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

  it('ships a bin that is an executable node script whose imports and requires the files list covers', () => {
    const bin = join(root, pkg.bin.oftrace);
    const text = readFileSync(bin, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(bin).mode & 0o111).not.toBe(0);
    const specs = [...text.matchAll(/(?:from |\()'\.\.\/([^']+)'/g)];
    expect(specs.length).toBeGreaterThan(0);
    for (const [, spec] of specs) {
      expect(pkg.files.some((f: string) => spec === f || spec.startsWith(f + '/')), `${spec} is in "files"`).toBe(true);
    }
  });

  it('says which version it is, as package.json does', async () => {
    for (const flag of ['--version', '-V']) expect(await runCli([flag])).toEqual({ stdout: `${pkg.version}\n`, stderr: '', exitCode: 0 });
  });

  // The link npm makes for `npm install -g .` runs dist/oftrace.cjs, which prepare builds.
  it.skipIf(!existsSync(join(root, 'dist', 'oftrace.cjs')))('puts a working oftrace in PREFIX/bin', () => {
    const prefix = join(tmp, 'prefix');
    const npm = spawnSync('npm', ['install', '-g', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', root], { encoding: 'utf8' });
    expect(npm.status, npm.stderr).toBe(0);
    const r = spawnSync(join(prefix, 'bin', 'oftrace'), ['--help'], { encoding: 'utf8', cwd: tmp });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: oftrace /);
  }, 120_000);
});
