// The public entry points, read from package.json `exports` so there is one
// list: each subpath with its built files and its source file.
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/** Source file for a dist entry name: dist/index -> src/index.ts, dist/x/y/index -> adapters/x/y/index.ts */
export function sourceOf(distBase) {
  return distBase === 'index' ? 'src/index.ts' : `adapters/${distBase}.ts`;
}

/** Every public subpath (`.`, `./testing`, ...) with its ESM/CJS files and types. */
export function publicEntries() {
  return Object.entries(pkg.exports)
    .filter(([subpath]) => subpath !== './package.json')
    .map(([subpath, target]) => {
      const esm = target.import.default;
      const base = esm.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
      return {
        subpath,
        name: subpath === '.' ? 'skreaver' : `skreaver/${subpath.slice(2)}`,
        reportName:
          subpath === '.' ? 'skreaver' : `skreaver-${subpath.slice(2).replaceAll('/', '-')}`,
        base,
        source: sourceOf(base),
        files: [
          target.import.types,
          target.import.default,
          target.require.types,
          target.require.default,
        ],
      };
    });
}

export { pkg };
