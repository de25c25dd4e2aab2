// Fails when package.json `exports` and the build disagree: an exports entry
// with no built file, or a built entry (a dist/**/index.js) with no exports entry.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pkg, publicEntries } from './entries.mjs';

const problems = [];
const entries = publicEntries();
for (const entry of entries) {
  for (const file of entry.files) {
    if (!existsSync(file))
      problems.push(
        `exports["${entry.subpath}"] points at ${file}, which the build did not produce`,
      );
  }
  if (!existsSync(entry.source))
    problems.push(`exports["${entry.subpath}"] has no source file ${entry.source}`);
}
for (const bin of Object.values(pkg.bin ?? {})) {
  if (!existsSync(bin)) problems.push(`bin points at ${bin}, which the build did not produce`);
}

const exported = new Set(entries.map((e) => e.base));
const binBases = new Set(
  Object.values(pkg.bin ?? {}).map((b) => b.replace(/^\.\/dist\//, '').replace(/\.js$/, '')),
);
function walk(dir) {
  for (const item of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) walk(path);
    else if (item.name === 'index.js') {
      const base = relative('dist', path).replace(/\.js$/, '');
      if (!exported.has(base) && !binBases.has(base)) {
        problems.push(`dist/${base}.js was built but no exports entry points at it`);
      }
    }
  }
}
if (existsSync('dist')) walk('dist');
else problems.push('dist/ does not exist: run the build first');

if (problems.length > 0) {
  console.error(`check-exports: ${problems.length} problem(s)\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
console.log(`check-exports: ${entries.length} public entries and the bin match the build`);
