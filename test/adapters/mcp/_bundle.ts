import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = new URL('../../../', import.meta.url).pathname;

/** Resolves `skreaver` and `skreaver/<sub>` to the sources, as the vitest alias does. */
const sources: Plugin = {
  name: 'skreaver-sources',
  setup(b) {
    b.onResolve({ filter: /^skreaver(\/.*)?$/ }, (args) => ({
      path:
        args.path === 'skreaver'
          ? join(root, 'src/index.ts')
          : join(root, 'adapters', args.path.slice('skreaver/'.length), 'index.ts'),
    }));
  },
};

/**
 * Bundles a fixture (with skreaver from source and the SDK) into one ESM
 * file a plain `node` runs, so stdio tests spawn real processes without a
 * build of the package. The same fixtures run unbundled against `dist/`.
 */
export async function bundle(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'skreaver-mcp-')), 'child.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    plugins: [sources],
    logLevel: 'silent',
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
  });
  return outfile;
}
