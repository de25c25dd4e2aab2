import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * Entries come from package.json `exports` (one list to keep right):
 * `./memory/redis` builds `adapters/memory/redis/index.ts` to
 * `dist/memory/redis/index.*`. The core and runtime-neutral adapters build for
 * a neutral platform, so a Node built-in sneaking in fails the build; the
 * subpaths in `nodeOnly` build for Node. `scripts/check-exports.mjs` then
 * checks that the build and `exports` agree.
 */
const nodeOnly = new Set<string>([
  './http/node',
  './mesh/redis',
  './tools/node',
  './metrics/prometheus',
  './config/toml',
  './security/node',
  './memory/file',
  './memory/sqlite',
  './memory/postgres',
  './memory/redis',
]);

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  exports: Record<string, string | { import: { default: string } }>;
};

const neutral: Record<string, string> = {};
const node: Record<string, string> = {};
for (const [subpath, target] of Object.entries(pkg.exports)) {
  if (typeof target === 'string') continue;
  const base = target.import.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
  const source = base === 'index' ? 'src/index.ts' : `adapters/${base}.ts`;
  (nodeOnly.has(subpath) ? node : neutral)[base] = source;
}

const shared: Options = {
  format: ['esm', 'cjs'],
  target: 'es2022',
  sourcemap: true,
  treeshake: true,
  splitting: false,
  outDir: 'dist',
  dts: true,
  // Adapters import the core as `skreaver` so every bundle shares one copy.
  external: [/^skreaver(\/.*)?$/],
};

const builds: Options[] = [
  { ...shared, entry: neutral, platform: 'neutral', clean: true },
  {
    ...shared,
    entry: { 'cli/index': 'cli/index.ts' },
    format: ['esm'],
    platform: 'node',
    dts: false,
    clean: false,
    banner: { js: '#!/usr/bin/env node' },
  },
];
if (Object.keys(node).length > 0) {
  builds.push({ ...shared, entry: node, platform: 'node', clean: false });
}

export default defineConfig(builds);
