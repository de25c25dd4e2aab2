// Development helper: registers a new public subpath everywhere it must be
// listed (package.json exports, tsup's node-only set, typedoc entry points).
// Usage: node scripts/add-subpath.mjs auth/jwt [--node]
import { readFileSync, writeFileSync } from 'node:fs';

const [subpath, flag] = process.argv.slice(2);
if (!subpath) throw new Error('usage: node scripts/add-subpath.mjs <area/name> [--node]');
const key = `./${subpath}`;

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const entries = Object.entries(pkg.exports).filter(([name]) => name !== key);
const last = entries.findIndex(([name]) => name === './package.json');
entries.splice(last, 0, [
  key,
  {
    import: { types: `./dist/${subpath}/index.d.ts`, default: `./dist/${subpath}/index.js` },
    require: { types: `./dist/${subpath}/index.d.cts`, default: `./dist/${subpath}/index.cjs` },
  },
]);
pkg.exports = Object.fromEntries(entries);
writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);

if (flag === '--node') {
  const tsup = readFileSync('tsup.config.ts', 'utf8');
  if (!tsup.includes(`'${key}'`)) {
    writeFileSync(
      'tsup.config.ts',
      tsup.replace(
        'const nodeOnly = new Set<string>([\n',
        `const nodeOnly = new Set<string>([\n  '${key}',\n`,
      ),
    );
  }
}

const typedoc = JSON.parse(readFileSync('typedoc.json', 'utf8'));
const entry = `adapters/${subpath}/index.ts`;
if (!typedoc.entryPoints.includes(entry)) typedoc.entryPoints.push(entry);
writeFileSync('typedoc.json', `${JSON.stringify(typedoc, null, 2)}\n`);
console.log(`added ${key}${flag === '--node' ? ' (node)' : ''}`);
