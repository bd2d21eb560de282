#!/usr/bin/env node
// `npm run build:exe`: oftrace as one executable file, dist/oftrace, with
// Node's single executable applications (SEA): a copy of the running node
// with the bundled CLI (bundle.mjs) injected. Linux only as written (macOS
// would need the blob re-signed); the result runs on the OS/arch that built it.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'postject';
import { BUNDLE, bundleCli, root, writeCodeCache } from './bundle.mjs';

const work = join(root, 'dist', 'sea');
const blob = join(work, 'sea-prep.blob');
const exe = join(root, 'dist', 'oftrace');
// The fuse string Node's own binaries carry; postject flips it to say a blob is present.
const SENTINEL_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });

await bundleCli();
writeCodeCache();

const config = join(work, 'sea-config.json');
writeFileSync(config, JSON.stringify({
  main: BUNDLE,
  output: blob,
  // Without this every run prints an ExperimentalWarning on stderr.
  disableExperimentalSEAWarning: true,
  // V8's code cache of the script, made at build time: start-up skips compiling it.
  useCodeCache: true,
}, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

// Copy (not link) the running node: postject rewrites the file in place.
rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
await inject(exe, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SENTINEL_FUSE });
console.log(`built ${exe}`);
