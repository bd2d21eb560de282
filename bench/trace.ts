// `npm run bench [-- options]` (also `bench:trace`): how a cold `oftrace` process scales with
// the size of a flow dump, and how fast traces go once a snapshot is loaded.
//
//   --sizes 100000,1000000  flows per generated snapshot (cold-process runs)
//   --runs 3                runs per measurement; medians are reported
//   --batch 10000           traces in one `oftrace --batch FILE` run (on the first size)
//   --timeout 600           seconds before a cold run is abandoned
//   --seed 1                generator seed
//   --ports 64              VIF ports on br-int (an OVN chassis may have thousands)
//   --versions              also write the flows and port list as OpenFlow 1.3, 1.4 and 1.5
//                           dumps, as a sosreport holds them (oftrace reads the ones it uses)
//   --ovs                   round-trip the first size through a real ovs-vswitchd
//                           (ovs-ofctl --bundle add-flows, dump-flows) and trace OVS's dump;
//                           the first --ovs-traces sample packets (default 20) are traced
//                           by OVS too, and the outputs compared section by section
//   --no-build              use dist/oftrace.cjs as it is (default: bundle first; bin/oftrace runs it)
//   --keep                  keep the generated snapshots (printed paths)
//
// The floor is a fresh `node -e` that reads the same flow dump and splits it
// into lines: the least any Node CLI must spend on the file. Cold runs are
// `node bin/oftrace --dumps DIR br-int FLOW` under /usr/bin/time -v (wall time
// measured here, peak RSS from time's report); a dump large enough to load
// on two threads (SHARED_MIN_BYTES) is also run with OFTRACE_THREADS=1. Nothing
// here asserts a timing.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SHARED_MIN_BYTES } from '../src/ingest/sources.js';
import { compareTrace, formatSummary, summarize } from '../test/oracle/compare.js';
import { generateSnapshot, BRIDGE, type Generated } from './ovn-like.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';

function args() {
  const a = process.argv.slice(2);
  const val = (name: string, dflt: string) => {
    const i = a.indexOf(name);
    return i >= 0 && i + 1 < a.length ? a[i + 1] : dflt;
  };
  return {
    sizes: val('--sizes', '100000,1000000').split(',').map(Number),
    runs: Number(val('--runs', '3')),
    batch: Number(val('--batch', '10000')),
    timeoutMs: Number(val('--timeout', '600')) * 1000,
    seed: Number(val('--seed', '1')),
    ports: Number(val('--ports', '64')),
    versions: a.includes('--versions'),
    ovs: a.includes('--ovs'),
    ovsTraces: Number(val('--ovs-traces', '20')),
    build: !a.includes('--no-build'),
    keep: a.includes('--keep'),
  };
}

interface Run {
  ok: boolean;
  wallMs: number;
  /** Peak resident set, MiB; NaN when /usr/bin/time is missing. */
  rssMiB: number;
  note?: string;
}

/** One child process, timed here; its peak RSS from /usr/bin/time -v when available. */
function measure(cmd: string[], timeoutMs: number, check?: (stdout: string) => string | undefined, env?: NodeJS.ProcessEnv): Run {
  const haveTime = existsSync(TIME);
  const argv = haveTime ? [TIME, '-v', ...cmd] : cmd;
  const t0 = performance.now();
  const r = spawnSync(argv[0], argv.slice(1), { cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 256 << 20, env: { ...process.env, ...env } });
  const wallMs = performance.now() - t0;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
  const rssMiB = rss ? Number(rss[1]) / 1024 : NaN;
  if (r.error || r.signal) return { ok: false, wallMs, rssMiB, note: r.signal ? `killed by ${r.signal} (timeout ${timeoutMs / 1000}s?)` : String(r.error) };
  if (r.status !== 0) return { ok: false, wallMs, rssMiB, note: `exit ${r.status}: ${lastLines(r.stderr, 3)}` };
  const bad = check?.(r.stdout);
  return bad ? { ok: false, wallMs, rssMiB, note: bad } : { ok: true, wallMs, rssMiB };
}

/** The child's own last stderr lines, without /usr/bin/time's report. */
const lastLines = (s: string, n: number) =>
  s.split(/^(?:Command exited with|Command terminated by|\s*Command being timed)/m)[0].trim().split('\n').slice(-n).join(' | ');
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

function repeat(n: number, f: () => Run): Run[] {
  const out: Run[] = [];
  for (let i = 0; i < n; i++) {
    const r = f();
    out.push(r);
    if (!r.ok) break; // a timeout or crash will not get better on a second try
  }
  return out;
}

/**
 * Replace the generated dumps by what a real ovs-vswitchd shows after loading
 * the flows, and compare its traces of the first `traces` sample packets
 * with oftrace's on those dumps (bin/oftrace: a large dump loads on two threads).
 */
async function roundTripThroughOvs(g: Generated, traces: number): Promise<void> {
  const { ovsInstalled, withSandbox } = await import('../test/oracle/ovs-sandbox.js');
  if (!ovsInstalled()) {
    console.log('  --ovs: Open vSwitch not installed; tracing the generated dump');
    return;
  }
  const text = readFileSync(g.flowsFile, 'utf8');
  // add-flows syntax: the dump line without its statistics.
  const addFile = g.flowsFile + '.add';
  writeFileSync(addFile, text.split('\n').slice(1).filter(Boolean)
    .map((l) => l.replace(/^ cookie=0x0, duration=[^,]+, (table=\d+), n_packets=\d+, n_bytes=\d+, idle_age=\d+, /, '$1,')).join('\n') + '\n');
  const t0 = performance.now();
  await withSandbox((sb) => {
    sb.vsctl('add-br', BRIDGE, '--', 'set', 'bridge', BRIDGE, 'datapath_type=dummy', 'fail_mode=secure');
    const ports = readFileSync(join(g.dir, 'ovs-appctl_dpif.show'), 'utf8').matchAll(/^ {4}(tap\S+) (\d+)\//gm);
    for (const [, name, ofport] of ports) {
      sb.vsctl('add-port', BRIDGE, name, '--', 'set', 'interface', name, 'type=dummy', `ofport_request=${ofport}`);
    }
    // Large files take minutes; Sandbox.run's 30 s limit is for small commands.
    const add = spawnSync('ovs-ofctl', ['--bundle', 'add-flows', BRIDGE, addFile], { env: sb.env, encoding: 'utf8', timeout: 1_800_000 });
    if (add.status !== 0) throw new Error(`ovs-ofctl add-flows: ${add.stderr || add.error}`);
    const fd = openSync(g.flowsFile, 'w');
    try {
      const dump = spawnSync('ovs-ofctl', ['dump-flows', BRIDGE], { env: sb.env, stdio: ['ignore', fd, 'pipe'], timeout: 600_000 });
      if (dump.status !== 0) throw new Error(`ovs-ofctl dump-flows: ${dump.stderr}`);
    } finally {
      closeSync(fd);
    }
    // The rest of the snapshot as OVS shows it: datapath port numbers are the dummy datapath's own.
    writeFileSync(join(g.dir, 'ovs-appctl_dpif.show'), sb.appctl('dpif/show').stdout);
    writeFileSync(join(g.dir, `ovs-ofctl_show_${BRIDGE}`), sb.ofctl('show', BRIDGE).stdout);
    writeFileSync(join(g.dir, 'ovs-vsctl_-t_5_show'), sb.vsctl('show'));
    const results = g.packets.slice(0, traces).map((packet) => {
      const ovs = sb.appctl('ofproto/trace', BRIDGE, packet);
      const ours = spawnSync(process.execPath, ['bin/oftrace', '--dumps', g.dir, BRIDGE, packet], { cwd: root, encoding: 'utf8', timeout: 600_000 });
      return compareTrace(ovs, { stdout: ours.stdout, stderr: ours.stderr, exit: ours.status ?? -1 });
    });
    console.log(`  --ovs: the first ${results.length} sample packets traced by OVS and by oftrace on OVS's dumps:`);
    console.log(formatSummary(summarize(results)).replace(/^/gm, '    '));
    const first = results.find((r) => !r.agree.whole);
    if (first) console.log(`    first difference:\n${first.diff}`);
  });
  rmSync(addFile);
  const dumped = readFileSync(g.flowsFile, 'utf8');
  const norm = (s: string) => new Set(s.split('\n').filter((l) => l.startsWith(' cookie')).map((l) => l.replace(/duration=[^,]+, |idle_age=\d+, /g, '')));
  const ours = norm(text), theirs = norm(dumped);
  const differ = [...ours].filter((l) => !theirs.has(l));
  console.log(`  --ovs: ovs-vswitchd loaded and dumped ${theirs.size} flows in ${fmt((performance.now() - t0) / 1000, 1)} s; ` +
    `${differ.length} generated lines not in OVS's dump as written${differ.length ? ` (first: ${differ[0].trim()})` : ''}`);
}

/**
 * `oftrace --batch FILE` with n traces (the packets cycled when there are fewer) as one process:
 * its wall time, and traces per second once the snapshot is loaded (the wall
 * time less the same process's cold single trace).
 */
function batch(dir: string, packets: string[], n: number, runs: number, timeoutMs: number, coldMs: number) {
  const file = `${dir}.batch.txt`;
  writeFileSync(file, Array.from({ length: n }, (_, i) => `${BRIDGE} ${packets[i % packets.length]}`).join('\n') + '\n');
  const out = `${dir}.batch.out`;
  const check = () => {
    const text = readFileSync(out, 'utf8');
    const traces = text.match(/^### /gm)?.length ?? 0;
    const outputs = text.match(/^Datapath actions: .*\d$/gm)?.length ?? 0;
    return traces === n && outputs === n ? undefined : `${traces} traces, ${outputs} reaching an output port, of ${n}`;
  };
  const rs = repeat(runs, () => measure(['/bin/sh', '-c', `exec "$0" bin/oftrace --dumps "$1" --batch "$2" > "$3"`, process.execPath, dir, file, out], timeoutMs, check));
  const good = rs.filter((r) => r.ok);
  const wall = median(good.map((r) => r.wallMs));
  return { runs: rs, wall, rate: n / ((wall - coldMs) / 1000), rss: median(good.map((r) => r.rssMiB)) };
}

async function main() {
  const o = args();
  if (o.build) {
    console.log('bundling dist/oftrace.cjs...');
    const b = spawnSync(process.execPath, [join(root, 'scripts/bundle.mjs')], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('the bundle failed; fix the build or pass --no-build');
  }
  if (!existsSync(TIME)) console.log(`(${TIME} not found: peak RSS not measured)`);
  console.log(`node ${process.version}, ${o.runs} runs per figure, medians; seed ${o.seed}\n`);
  const work = mkdtempSync(join(tmpdir(), 'oftrace-bench-'));
  try {
    for (const [k, size] of o.sizes.entries()) {
      const dir = join(work, `flows-${size}`);
      const tg = performance.now();
      const g = generateSnapshot(dir, { flows: size, seed: o.seed, ports: o.ports });
      const mb = readFileSync(g.flowsFile).length / 2 ** 20;
      console.log(`== ${g.flows} flows, ${o.ports} ports${o.versions ? ', 4 versions of its dumps' : ''} (${fmt(mb, 1)} MiB dump, generated in ${fmt((performance.now() - tg) / 1000, 1)} s)${o.keep ? ` in ${dir}` : ''}`);
      if (o.ovs && k === 0) await roundTripThroughOvs(g, o.ovsTraces);
      if (o.versions) {
        // The same flows under each version's reply header; flows added with OpenFlow 1.3+ print no reset_counts.
        const text = readFileSync(g.flowsFile, 'latin1');
        const ports = readFileSync(join(dir, `ovs-ofctl_show_${BRIDGE}`), 'latin1');
        for (const v of [3, 4, 5]) {
          writeFileSync(join(dir, `ovs-ofctl_-O_OpenFlow1${v}_dump-flows_${BRIDGE}`), text.replace(/^NXST_FLOW reply \(xid=0x4\):/, `OFPST_FLOW reply (OF1.${v}) (xid=0x2):`), 'latin1');
          for (const cmd of ['show', 'dump-ports-desc']) writeFileSync(join(dir, `ovs-ofctl_-O_OpenFlow1${v}_${cmd}_${BRIDGE}`), ports, 'latin1');
        }
      }
      const packet = g.packets[0];

      const floor = repeat(o.runs, () => measure([process.execPath, '-e',
        "const l=require('fs').readFileSync(process.argv[1],'utf8').split('\\n');if(l.length<2)process.exit(1)", g.flowsFile], o.timeoutMs));
      const coldRuns = (env?: NodeJS.ProcessEnv) => repeat(o.runs, () => measure([process.execPath, 'bin/oftrace', '--dumps', dir, BRIDGE, packet], o.timeoutMs,
        (out) => (/^Datapath actions: .*\d$/m.test(out) ? undefined : `no output port in: ${out.slice(-200)}`), env));
      const fw = median(floor.map((r) => r.wallMs)), fr = median(floor.map((r) => r.rssMiB));
      console.log(`  floor  (node reads + splits lines): wall ${fmt(fw)} ms, peak RSS ${fmt(fr)} MiB   [runs: ${floor.map((r) => fmt(r.wallMs)).join(', ')} ms]`);
      const report = (what: string, runs: Run[]) => {
        const ok = runs.filter((r) => r.ok);
        if (ok.length < runs.length) {
          const bad = runs.find((r) => !r.ok)!;
          console.log(`  ${what}: FAILED after ${fmt(bad.wallMs / 1000, 1)} s, peak RSS ${fmt(bad.rssMiB)} MiB: ${bad.note}`);
        }
        if (ok.length === 0) return ok;
        const cw = median(ok.map((r) => r.wallMs)), cr = median(ok.map((r) => r.rssMiB));
        console.log(`  ${`${what}:`.padEnd(35)} wall ${fmt(cw)} ms (${fmt(cw / fw, 1)}x floor), peak RSS ${fmt(cr)} MiB (${fmt(cr / fr, 1)}x floor)   [runs: ${ok.map((r) => fmt(r.wallMs)).join(', ')} ms]`);
        return ok;
      };
      const good = report('oftrace cold trace', coldRuns());
      // Large dumps load on two threads (src/ingest/filing-worker.ts); this is the same on one.
      if (mb * 2 ** 20 >= SHARED_MIN_BYTES) report('  the same, OFTRACE_THREADS=1', coldRuns({ OFTRACE_THREADS: '1' }));
      if (k === 0 && good.length > 0) {
        const b = batch(dir, g.packets, o.batch, o.runs, o.timeoutMs, median(good.map((r) => r.wallMs)));
        const bad = b.runs.find((r) => !r.ok);
        if (bad) console.log(`  oftrace --batch: FAILED: ${bad.note}`);
        else console.log(`  oftrace --batch (${o.batch} traces, ${Math.min(o.batch, g.packets.length)} distinct packets): wall ${fmt(b.wall)} ms, ` +
          `${fmt(b.rate)} traces/s after the load (wall less the cold trace), peak RSS ${fmt(b.rss)} MiB   [runs: ${b.runs.map((r) => fmt(r.wallMs)).join(', ')} ms]`);
      }
      if (!o.keep) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
  }
}

await main();
