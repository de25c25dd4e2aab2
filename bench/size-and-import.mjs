// Core entry size (minified + gzipped, as a bundler would ship it) and cold
// import time in fresh Node processes, against importing an empty module the
// same way (the baseline: process start-up and the import machinery).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { fmt, machine, median, table } from './_stats.mjs';

const RUNS = Number(process.env.BENCH_IMPORT_RUNS ?? 15);
const core = new URL('../dist/index.js', import.meta.url).pathname;

async function gzippedSize(entry) {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const code = out.outputFiles[0].contents;
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length };
}

function importMs(path) {
  const script = `const t=performance.now();await import(${JSON.stringify(path)});console.log(performance.now()-t)`;
  return Number(
    execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }),
  );
}

export async function run() {
  const size = await gzippedSize(core);
  const empty = join(mkdtempSync(join(tmpdir(), 'skreaver-bench-')), 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const base = [];
  const skr = [];
  for (let i = 0; i < RUNS; i++) {
    base.push(importMs(empty));
    skr.push(importMs(core));
  }
  return { ...size, importMs: median(skr), baselineImportMs: median(base) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(`core entry size and cold import, ${RUNS} fresh processes, ${machine()}`);
  table([
    ['metric', 'value'],
    ['minified KB', fmt(r.minified / 1024, 1)],
    ['minified+gzip KB', fmt(r.gzipped / 1024, 1)],
    ['cold import ms (median)', fmt(r.importMs, 2)],
    ['empty-module import ms (baseline)', fmt(r.baselineImportMs, 2)],
    ['ratio', fmt(r.importMs / r.baselineImportMs)],
  ]);
}
