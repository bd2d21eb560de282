// The process entry of `oftrace`, for bin/oftrace and for the single-file
// executable (scripts/build-exe.mjs bundles it as CommonJS for Node's SEA,
// which runs one CJS script with no top-level await): read stdin only when an
// option names `-`, print runCli's output as it comes, and set exitCode
// instead of calling process.exit so a large write into a pipe is not cut short.
import { readFileSync } from 'node:fs';
import { isFilingWorker, runFilingWorker, setFilingWorkers } from '../ingest/filing-worker.js';
import { runCli } from './main.js';
import { progressBar } from './progress-bar.js';

// `oftrace ... | head`: the reader leaving early is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

const OUT_BLOCK = 1 << 16;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const needsStdin = argv.some((a, i) => a.endsWith('=-') || (a === '-' && i > 0));
  const stdin = needsStdin ? readFileSync(0, 'utf8') : undefined;
  const tty = Boolean(process.stdout.isTTY);
  const bar = process.stderr.isTTY ? progressBar((s) => process.stderr.write(s), process.stderr.columns) : undefined;
  // Output is printed as it comes, standard output in blocks of OUT_BLOCK (a batch writes two pieces per
  // trace); the bar is erased before either stream shows anything, and standard output is flushed before
  // standard error so that a terminal shows the two in the order they were written.
  let pending = '';
  const flush = () => {
    if (pending) process.stdout.write(pending);
    pending = '';
  };
  const out = (s: string) => {
    bar?.done();
    pending += s;
    if (pending.length >= OUT_BLOCK) flush();
  };
  const err = (s: string) => {
    bar?.done();
    flush();
    process.stderr.write(s);
  };
  try {
    process.exitCode = (await runCli(argv, stdin, { color: tty && !process.env.NO_COLOR, tty, progress: bar?.sink, out, err })).exitCode;
  } finally {
    bar?.done();
    flush();
  }
}

if (isFilingWorker()) runFilingWorker();
else {
  // A worker thread runs this same file, bin/oftrace's bundle. The executable
  // (one embedded script, whose __filename is the executable's own path)
  // loads on one thread, as does OFTRACE_THREADS=1.
  if (typeof __filename === 'string' && __filename.endsWith('.cjs') && process.env.OFTRACE_THREADS !== '1') setFilingWorkers(__filename);
  // An unexpected exception is a bug: show it as Node would, exit 1.
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
