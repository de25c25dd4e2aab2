import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * Bundles the adapter from source (core included) into one ES module under
 * `outDir`, for the child processes of the reliability tests: plain `node`
 * cannot load TypeScript, and the tests must exercise the current source
 * rather than a possibly stale `dist/`. better-sqlite3 stays external,
 * imported by absolute path so the bundle may live in a temp directory.
 *
 * @returns The bundle's path.
 */
export async function bundleAdapter(outDir: string): Promise<string> {
  const outfile = join(outDir, 'sqlite-memory.bundle.mjs');
  const driver = require.resolve('better-sqlite3');
  await build({
    entryPoints: [join(root, 'adapters/memory/sqlite/index.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    alias: { skreaver: join(root, 'src/index.ts') },
    plugins: [
      {
        name: 'external-driver',
        setup(b) {
          b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: driver, external: true }));
        },
      },
    ],
  });
  return outfile;
}

/** The directory holding the child scripts. */
export const scriptsDir = fileURLToPath(new URL('.', import.meta.url));
