import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = new URL('../../', import.meta.url).pathname;

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
 * Bundles a TypeScript entry (skreaver from source, and its dependencies)
 * into one ESM file a plain `node` can run, so tests can start real child
 * processes without a build of the package.
 */
export async function bundle(entry: string): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'skreaver-child-')), 'child.mjs');
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    plugins: [sources],
    logLevel: 'silent',
    // Bundled CommonJS dependencies call require(); give them one.
    banner: {
      js: "import { createRequire as __skreaverCreateRequire } from 'node:module'; const require = __skreaverCreateRequire(import.meta.url);",
    },
  });
  return outfile;
}
