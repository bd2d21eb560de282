// Where dumps come from: a sosreport-style folder (`--dumps`) or explicit
// files (`--flows BR=FILE`, ...), with `-` meaning standard input. This file
// only finds and reads text; load.ts turns it into a Snapshot.
import { isAscii } from 'node:buffer';
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../model/errors.js';

export type DumpKind = 'vsctl' | 'flows' | 'ports' | 'dpif' | 'dpctl' | 'fdb' | 'groups' | 'tlv' | 'routes' | 'neigh';

export interface DumpText {
  kind: DumpKind;
  /** Bridge the dump belongs to (per-bridge kinds only). */
  bridge?: string;
  /** OpenFlow version named in the command (`-O OpenFlow13`), if any. */
  ofVersion?: string;
  file: string;
  text: string;
  /** The file's bytes in shared memory, for a large dump a worker thread helps load (filing-worker.ts). */
  shared?: SharedText;
}

/** A text's bytes on a SharedArrayBuffer and their encoding: a worker thread decodes the same text without a copy. */
export interface SharedText {
  bytes: Uint8Array;
  encoding: 'latin1' | 'utf8';
}

/**
 * Files from this size on are read into shared memory, so that a worker
 * thread helps load them: a flow dump of about 350,000 lines. (The worker
 * costs more than it saves at 200,000 lines, and saves ~15% at 500,000.)
 */
export const SHARED_MIN_BYTES = 64 * 2 ** 20;

/** sosreport file names (`ovs-ofctl_-O_OpenFlow13_dump-flows_br-int`) -> kind. */
const SOS_NAMES: [RegExp, DumpKind][] = [
  [/^ovs-vsctl(?:_-t_\d+)?_show$/, 'vsctl'],
  [/^ovs-ofctl(?:_-O_(OpenFlow1\d))?(?:_--names|_--no-names)?_dump-flows_(.+)$/, 'flows'],
  [/^ovs-ofctl(?:_-O_(OpenFlow1\d))?_(?:show|dump-ports-desc)_(.+)$/, 'ports'],
  [/^ovs-appctl_dpif\.show$/, 'dpif'],
  [/^ovs-appctl_dpctl\.show(?:_-s)?(?:_.+)?$/, 'dpctl'],
  [/^ovs-appctl_fdb\.show_(.+)$/, 'fdb'],
  [/^ovs-ofctl(?:_-O_(OpenFlow1\d))?_dump-groups_(.+)$/, 'groups'],
  [/^ovs-ofctl(?:_-O_(OpenFlow1\d))?_dump-tlv-map_(.+)$/, 'tlv'],
  [/^ovs-appctl_ovs\.route\.show$/, 'routes'],
  [/^ovs-appctl_tnl\.(?:neigh|arp)\.show$/, 'neigh'],
];

export function classifyDumpName(name: string): Omit<DumpText, 'file' | 'text'> | undefined {
  for (const [re, kind] of SOS_NAMES) {
    const m = re.exec(name);
    if (!m) continue;
    const groups = m.slice(1);
    const bridge = groups.length > 0 ? groups[groups.length - 1] : undefined;
    const ofVersion = groups.length > 1 ? groups[0] : undefined;
    // fdb's single group is the bridge.
    return { kind, bridge, ofVersion };
  }
  return undefined;
}

/** A file's text; a missing or unreadable file is an InputError naming it. */
export function readText(file: string): string {
  return readSource(file).text;
}

/** A file's text, and its shared bytes when it is large. */
function readSource(file: string): Pick<DumpText, 'text' | 'shared'> {
  // `-` is standard input, which the launcher reads once and hands to runCli;
  // reading fd 0 here would block or fail when oftrace runs in-process.
  if (file === '-') return { text: '' };
  try {
    const bytes = readBytes(file);
    // Dumps are nearly always ASCII, which decodes as Latin-1 several times faster than as UTF-8.
    const encoding = isAscii(bytes) ? 'latin1' : 'utf8';
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString(encoding);
    return bytes.buffer instanceof SharedArrayBuffer ? { text, shared: { bytes, encoding } } : { text };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw fileError(e, file);
  }
}

/** A file system error as an InputError naming the file. */
function fileError(e: unknown, file: string): InputError {
  const err = e as NodeJS.ErrnoException;
  return new InputError(err.code === 'ENOENT' ? 'no such file' : `cannot read (${err.code ?? err.message})`, file);
}

/** Whether `path` is a folder; an entry that cannot be looked at is an InputError naming it. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch (e) {
    throw fileError(e, path);
  }
}

/** A file's bytes: on a SharedArrayBuffer from SHARED_MIN_BYTES on (reading into it costs no more). */
function readBytes(file: string): Uint8Array {
  const fd = openSync(file, 'r');
  try {
    const stat = fstatSync(fd);
    // A pipe (`<(ovs-ofctl dump-flows br-int)`) ends; a device such as /dev/zero may never.
    if (stat.isCharacterDevice() || stat.isBlockDevice()) throw new InputError('a device, not a dump file', file);
    const size = stat.size;
    if (size < SHARED_MIN_BYTES) return readFileSync(fd);
    const bytes = new Uint8Array(new SharedArrayBuffer(size));
    let at = 0;
    for (let n = 1; at < size && n > 0; at += n) n = readSync(fd, bytes, at, size - at, at);
    // A file cut short while it was read: what was there.
    return at < size ? bytes.subarray(0, at) : bytes;
  } finally {
    closeSync(fd);
  }
}

/** A list file's lines (`--batch`, `diff --flows`): trimmed, without blank lines and `#` comments, with their numbers. */
export function listedLines(text: string): { line: string; lineNo: number }[] {
  return text.split('\n').flatMap((raw, i) => {
    const line = raw.trim();
    return line === '' || line.startsWith('#') ? [] : [{ line, lineNo: i + 1 }];
  });
}

/** All recognised dumps in a `--dumps` folder or sosreport root. */
export function readDumpsDir(dir: string): DumpText[] {
  if (!existsSync(dir) || !isFolder(dir)) throw new InputError('not a folder', dir);
  const sos = join(dir, 'sos_commands', 'openvswitch');
  const root = existsSync(sos) ? sos : dir;
  if (!isFolder(root)) throw new InputError('not a folder', root);
  const out: DumpText[] = [];
  for (const name of readdirSync(root).sort()) {
    const what = classifyDumpName(name);
    if (!what) continue;
    // A folder with a dump's name is not skipped: the snapshot would silently lack that dump.
    const file = join(root, name);
    if (isFolder(file)) throw new InputError('a folder, not a dump file', file);
    out.push(readOnUse(what, file));
  }
  if (out.length === 0) throw new InputError('no OVS dumps found (expected sosreport names such as ovs-ofctl_dump-flows_br-int)', dir);
  return out;
}

/**
 * A dump read when its text is first asked for: a sosreport holds flow
 * dumps oftrace never reads (one per OpenFlow version, load.ts chooseFlows),
 * and a million flows take 190 MB each.
 */
function readOnUse(what: Omit<DumpText, 'file' | 'text'>, file: string): DumpText {
  let read: Pick<DumpText, 'text' | 'shared'> | undefined;
  return {
    ...what,
    file,
    get text() {
      return (read ??= readSource(file)).text;
    },
    get shared() {
      return (read ??= readSource(file)).shared;
    },
  };
}

/** `BR=FILE` option values. */
export function readBridgeFile(kind: DumpKind, spec: string): DumpText {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InputError(`expected BRIDGE=FILE, got "${spec}"`, `--${kind}`);
  const file = spec.slice(eq + 1);
  return { kind, bridge: spec.slice(0, eq), file, ...readSource(file) };
}

export function readPlainFile(kind: DumpKind, file: string): DumpText {
  return { kind, file, ...readSource(file) };
}
