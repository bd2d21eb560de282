// The process entry of `oftrace`, for bin/oftrace and for the single-file
// executable (scripts/build-exe.mjs bundles it as CommonJS for Node's SEA,
// which runs one CJS script with no top-level await): read stdin only when an
// option names `-`, print runCli's captured output, and set exitCode instead
// of calling process.exit so a large write into a pipe is not cut short.
import { readFileSync } from 'node:fs';
import { isFilingWorker, runFilingWorker, setFilingWorkers } from '../ingest/filing-worker.js';
import { runCli } from './main.js';
import { progressBar } from './progress-bar.js';

// `oftrace ... | head`: the reader leaving early is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code !== 'EPIPE') throw e;
});

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const needsStdin = argv.some((a, i) => a.endsWith('=-') || (a === '-' && i > 0));
  const stdin = needsStdin ? readFileSync(0, 'utf8') : undefined;
  const tty = Boolean(process.stdout.isTTY);
  const bar = process.stderr.isTTY ? progressBar((s) => process.stderr.write(s), process.stderr.columns) : undefined;
  const r = await runCli(argv, stdin, { color: tty && !process.env.NO_COLOR, tty, progress: bar?.sink });
  bar?.done();
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  process.exitCode = r.exitCode;
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
