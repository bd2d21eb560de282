// The whole CLI as one CommonJS file, dist/oftrace.cjs: what bin/oftrace runs
// (one file parses and starts several times faster than the ~500 modules of
// the compiled tree and its dependencies) and what Node's single executable
// applications embed (one CJS script whose require() sees only built-in
// modules), so every dependency is bundled in, ESM ones (chevrotain,
// commander, chalk, yaml) included. `node scripts/bundle.mjs` builds it.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(root, 'dist', 'oftrace.cjs');

/** Bundle src/cli/launch.ts into `outfile`; throws on a build error. */
export async function bundleCli(outfile = BUNDLE) {
  // A code cache left from the last bundle must not meet the new one (V8 checks little more than the length).
  rmSync(outfile + '.cache', { force: true });
  await build({
    entryPoints: [join(root, 'src', 'cli', 'launch.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

/**
 * V8's code cache for the bundle, which bin/oftrace compiles with: written by
 * bin/oftrace itself after a trace on a bundled example, so it holds the
 * functions a trace runs, compiled by this Node.
 */
export function writeCodeCache() {
  const example = join(root, 'examples', 'dragonflow-broken');
  const flow = 'icmp,in_port=10,dl_src=fa:16:3e:d4:b7:7b,dl_dst=91:92:ac:18:04:c8,nw_src=172.24.4.8,nw_dst=172.24.4.200,icmp_type=0';
  execFileSync(process.execPath, [join(root, 'bin', 'oftrace'), '--dumps', example, 'br-int', flow], {
    env: { ...process.env, OFTRACE_WRITE_CODE_CACHE: '1' }, stdio: 'ignore',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleCli();
  writeCodeCache();
}
