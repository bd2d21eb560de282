// `oftrace check SPEC` (a CI gate: exit 0 all pass, 1 some fail, 2 bad
// spec) and `oftrace diff --before DIR --after DIR` (exit 1 when anything
// changed).
import { readFileSync, writeFileSync } from 'node:fs';
import { InputError } from '../model/errors.js';
import { parseSpec, type CheckSpec } from '../check/spec.js';
import { loadWorld, runCheck } from '../check/run.js';
import { diffPackets, parseFlowList } from '../check/diff.js';
import { checkToJson, formatCheckJunit, formatCheckText, formatDiffText } from '../render/check-report.js';
import type { Io } from './main.js';

export interface CheckOptions {
  junit?: string;
  json?: boolean;
}

export interface DiffOptions {
  /** Required options: commander rejects a missing one. */
  before: string;
  after: string;
  spec?: string;
  flows?: string;
}

const USAGE = 2;

function readInput(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
}

const readSpec = (file: string): CheckSpec => parseSpec(readInput(file), file);

/** A report file (--junit); one that cannot be written is a usage error, not a failed check. */
function writeReport(file: string, text: string): void {
  if (file === '') throw new InputError('--junit needs a file name');
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new InputError(`cannot write (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
}

/** Runs `body`, turning input problems (bad spec, unreadable snapshot) into exit 2. */
function guarded(io: Io, body: () => number): number {
  try {
    return body();
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    io.err(`oftrace: ${e.message}\n`);
    return USAGE;
  }
}

export function checkCommand(specFile: string, opts: CheckOptions, io: Io): number {
  return guarded(io, () => {
    const spec = readSpec(specFile);
    let world;
    try {
      world = loadWorld(spec.snapshot, (m) => io.err(m + '\n'));
    } catch (e) {
      // Say which spec line named the snapshot, then what is wrong with it.
      if (e instanceof InputError) throw new InputError(`snapshot: ${e.message}`, spec.file, spec.snapshotLine);
      throw e;
    }
    const results = runCheck(spec, world);
    if (opts.junit !== undefined) writeReport(opts.junit, formatCheckJunit(spec, results));
    if (opts.json) io.out(JSON.stringify(checkToJson(spec, results, world), null, 2) + '\n');
    else io.out(formatCheckText(results, io.color ?? false));
    return results.some((r) => r.mismatches.length) ? 1 : 0;
  });
}

export function diffCommand(opts: DiffOptions, io: Io): number {
  if (!opts.spec === !opts.flows) {
    io.err('oftrace diff: give the packets with one of --spec SPEC or --flows FILE\n');
    return USAGE;
  }
  const { before, after, spec, flows } = opts;
  return guarded(io, () => {
    const packets = spec ? readSpec(spec).cases : parseFlowList(readInput(flows!), flows!);
    const warn = (m: string) => io.err(m + '\n');
    const diffs = diffPackets(packets, loadWorld(before, warn), loadWorld(after, warn));
    io.out(formatDiffText(diffs, io.color ?? false));
    return diffs.some((d) => d.changes.length) ? 1 : 0;
  });
}
