// `npm run bench`: runs every benchmark in its own fresh process (so RSS and
// JIT state do not leak between them) and prints their tables.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (!existsSync('dist/index.js')) {
  console.error('bench: dist/ is missing; run `npm run build` first.');
  process.exit(1);
}
// Memory benches need their service; each prints why when it is not there.
const files = [
  'bench/dispatch.mjs',
  'bench/policy.mjs',
  'bench/standard.mjs',
  'bench/http.mjs',
  'bench/size-and-import.mjs',
  'bench/memory-file.mjs',
  'bench/memory-sqlite.mjs',
  'bench/memory-postgres.mjs',
  'bench/memory-redis.mjs',
  'bench/mesh.mjs',
  'bench/mcp.mjs',
];
for (const file of files) {
  console.log(`\n# ${file}`);
  execFileSync(process.execPath, [file], { stdio: 'inherit' });
}
