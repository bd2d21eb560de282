// A private Open vSwitch (ovsdb-server + ovs-vswitchd on the userspace dummy datapath)
// in a temp dir. Daemons are stopped and the dir removed on every exit path, including
// exceptions and SIGINT/SIGTERM, so an aborted recording never leaves daemons behind.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface RunResult {
  stdout: string;
  stderr: string;
  exit: number;
}

const SCHEMA = '/usr/share/openvswitch/vswitch.ovsschema';
const DAEMONS = ['ovs-vswitchd', 'ovsdb-server'] as const; // stop order: vswitchd first

export function ovsInstalled(): boolean {
  return spawnSync('ovs-vswitchd', ['--version']).status === 0 && existsSync(SCHEMA);
}

export class Sandbox {
  readonly env: NodeJS.ProcessEnv;

  constructor(readonly dir: string) {
    this.env = { ...process.env, OVS_RUNDIR: dir, OVS_LOGDIR: dir, OVS_DBDIR: dir, OVS_SYSCONFDIR: dir };
  }

  /** Runs a command; never throws on a non-zero exit. */
  run(cmd: string, args: string[]): RunResult {
    const r = spawnSync(cmd, args, { env: this.env, cwd: this.dir, encoding: 'utf8', timeout: 30_000 });
    if (r.error) return { stdout: r.stdout ?? '', stderr: String(r.error), exit: -1 };
    return { stdout: r.stdout, stderr: r.stderr, exit: r.status ?? -1 };
  }

  /** Runs a command and throws with its stderr when it fails. */
  must(cmd: string, args: string[]): string {
    const r = this.run(cmd, args);
    if (r.exit !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.exit}: ${r.stderr.trim()}`);
    return r.stdout;
  }

  vsctl(...args: string[]) {
    return this.must('ovs-vsctl', ['--timeout=10', ...args]);
  }
  ofctl(...args: string[]) {
    return this.run('ovs-ofctl', args);
  }
  appctl(...args: string[]) {
    return this.run('ovs-appctl', args);
  }

  start(): void {
    const d = this.dir;
    this.must('ovsdb-tool', ['create', join(d, 'conf.db'), SCHEMA]);
    const common = ['--detach', '--no-chdir', '--pidfile', '--log-file'];
    this.must('ovsdb-server', [...common, `--remote=punix:${join(d, 'db.sock')}`, join(d, 'conf.db')]);
    this.must('ovs-vswitchd', [
      '--enable-dummy', '--disable-system', '--disable-system-route', ...common, `unix:${join(d, 'db.sock')}`,
    ]);
    this.vsctl('--no-wait', 'init');
  }

  private pid(daemon: string): number | undefined {
    const f = join(this.dir, `${daemon}.pid`);
    if (!existsSync(f)) return undefined;
    const pid = Number(readFileSync(f, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  /** Synchronous, so it can also run from an 'exit' handler. */
  stop(): void {
    for (const daemon of DAEMONS) {
      const pid = this.pid(daemon);
      if (pid === undefined) continue;
      spawnSync('ovs-appctl', ['-t', join(this.dir, `${daemon}.${pid}.ctl`), 'exit'], { env: this.env, timeout: 5_000 });
      for (let i = 0; i < 50 && alive(pid); i++) sleep(20);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

const live = new Set<Sandbox>();
let handlersInstalled = false;

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  const stopAll = () => {
    for (const sb of live) sb.stop();
    live.clear();
  };
  process.on('exit', stopAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(sig, () => {
      stopAll();
      process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
    });
}

/** Everything here is synchronous; let pending signal handlers run between steps. */
const turnEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Short dir under /tmp: unix socket paths must stay under ~100 chars. */
export async function withSandbox<T>(fn: (sb: Sandbox) => Promise<T> | T): Promise<T> {
  installHandlers();
  const sb = new Sandbox(mkdtempSync('/tmp/ovs-'));
  live.add(sb);
  try {
    sb.start();
    await turnEventLoop();
    const result = await fn(sb);
    await turnEventLoop();
    return result;
  } finally {
    live.delete(sb);
    sb.stop();
  }
}
