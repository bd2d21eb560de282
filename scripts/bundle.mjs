// The whole CLI as one CommonJS file, dist/oftrace.cjs: what bin/oftrace runs
// (one file parses and starts several times faster than the ~500 modules of
// the compiled tree and its dependencies) and what Node's single executable
// applications embed (one CJS script whose require() sees only built-in
// modules), so every dependency is bundled in, ESM ones (chevrotain,
// commander, chalk, yaml) included. `node scripts/bundle.mjs` builds it.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE = join(root, 'dist', 'oftrace.cjs');

/** Bundle src/cli/launch.ts into `outfile`; throws on a build error. */
export async function bundleCli(outfile = BUNDLE) {
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

if (process.argv[1] === fileURLToPath(import.meta.url)) await bundleCli();
