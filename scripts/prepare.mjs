#!/usr/bin/env node
// `prepare`: bundle the CLI into dist/oftrace.cjs (what bin/oftrace runs). npm runs this on
// `npm ci`/`npm install` in the checkout, on `npm pack`, and on
// `npm install -g .`, which links the global package to this folder but does
// not install the folder's dependencies. From a fresh clone that last case has
// neither the bundler nor the runtime dependencies the link will need, so
// install them here first, from the lock file.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const esbuild = join(root, 'node_modules', 'esbuild');

if (!existsSync(esbuild)) {
  // The outer npm's settings arrive as npm_config_* variables; `global` and
  // `prefix` among them would send this install to the global prefix.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_config_/i.test(k)));
  const npm = process.env.npm_execpath;
  const [cmd, args] = npm ? [process.execPath, [npm]] : ['npm', []];
  // `npm ci` runs this script again, with the bundler present: that builds dist/.
  execFileSync(cmd, [...args, 'ci', '--no-audit', '--no-fund'], { cwd: root, env, stdio: 'inherit' });
} else {
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
}
