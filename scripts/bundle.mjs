// The whole CLI as one CommonJS file: what Node's single executable
// applications can run (one CJS script whose require() sees only built-in
// modules), so every dependency is bundled in, ESM ones (chevrotain,
// commander, chalk, yaml) included. Used by build-exe.mjs and the packaging test.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Bundle src/cli/launch.ts into `outfile`; throws on a build error. */
export async function bundleCli(outfile) {
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
