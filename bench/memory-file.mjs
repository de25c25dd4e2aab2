// File memory: durable single stores, a 10,000-entry storeMany and loads,
// against the same durable work done by hand on node:fs in the same process
// (JSON.stringify of an object, write a temporary file, fsync, rename, fsync
// the directory). Both sides write to the same directory, so both see the
// same disk. Ratios are skreaver time / raw time (below 1.11 means at least
// 90% of the raw throughput).
import { mkdtemp, open, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileMemory } from 'skreaver/memory/file';
import { fmt, machine, median, table } from './_stats.mjs';

const STORES = Number(process.env.BENCH_STORES ?? 300);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const LOADS = Number(process.env.BENCH_LOADS ?? 200_000);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 1_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
// Operations per turn when the two sides alternate.
const BLOCK = 10;
// Entries already in the file when single stores are timed: each rewrite carries them.
const RESIDENT = Number(process.env.BENCH_RESIDENT ?? 100);

const value = JSON.stringify({ role: 'assistant', text: 'x'.repeat(200), step: 7 });

/** The hand-written baseline: the same durable rewrite, nothing else. */
async function rawFile(path) {
  const directory = await open(join(path, '..'), 'r');
  const data = {};
  let n = 0;
  async function write() {
    const temp = `${path}.${n++}.tmp`;
    const handle = await open(temp, 'wx', 0o600);
    await handle.writeFile(JSON.stringify({ entries: data }), 'utf8');
    await handle.sync();
    await handle.close();
    await rename(temp, path);
    await directory.sync();
  }
  return {
    async store(key, v) {
      data[key] = v;
      await write();
    },
    async storeMany(entries) {
      for (const { key, value: v } of entries) data[key] = v;
      await write();
    },
    async load(key) {
      return data[key];
    },
    close: () => directory.close(),
  };
}

const seed = Array.from({ length: RESIDENT }, (_, i) => ({ key: `seed:${i}`, value }));
const batch = Array.from({ length: BATCH }, (_, i) => ({ key: `batch:${i}`, value }));

async function time(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const openers = {
  raw: rawFile,
  skreaver: (path) => fileMemory({ path }),
};

/**
 * One round. The two sides take turns in blocks of a few operations, in
 * files of the same directory, so drift in the disk's fsync latency hits
 * both alike.
 */
async function round() {
  const dir = await mkdtemp(join(tmpdir(), 'skreaver-bench-file-'));
  const result = { raw: {}, skreaver: {} };
  const sides = Object.keys(openers);
  const each = async (name, fn) => {
    for (const side of sides) {
      const memory = await openers[side](join(dir, `${side}-${name}.json`));
      result[side][name] = await fn(memory);
      await memory.close();
    }
  };
  try {
    const single = {};
    for (const side of sides) {
      single[side] = await openers[side](join(dir, `${side}-single.json`));
      await single[side].storeMany(seed);
      result[side].storeUs = 0;
      result[side].loadNs = 0;
    }
    for (let block = 0; block < STORES / BLOCK; block++) {
      for (const side of sides) {
        const memory = single[side];
        result[side].storeUs += await time(async () => {
          for (let i = 0; i < BLOCK; i++)
            await memory.store(`k:${(block * BLOCK + i) % 50}`, value);
        });
        result[side].loadNs += await time(async () => {
          for (let i = 0; i < LOADS / (STORES / BLOCK); i++)
            await memory.load(`seed:${i % RESIDENT}`);
        });
      }
    }
    for (const side of sides) {
      result[side].storeUs = (result[side].storeUs * 1000) / STORES;
      result[side].loadNs = (result[side].loadNs * 1e6) / LOADS;
      await single[side].close();
    }
    await each('manyMs', (memory) => time(() => memory.storeMany(batch)));
    await each('concurrentMs', (memory) =>
      time(() =>
        Promise.all(Array.from({ length: CONCURRENT }, (_, i) => memory.store(`c:${i}`, value))),
      ),
    );
    return result;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function run() {
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round());
  const pick = (side, field) => median(rounds.map((r) => r[side][field]));
  return Object.fromEntries(
    ['storeUs', 'loadNs', 'manyMs', 'concurrentMs'].map((field) => [
      field,
      { raw: pick('raw', field), skreaver: pick('skreaver', field) },
    ]),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  const row = (name, unit, { raw, skreaver }) => [
    name,
    `${fmt(raw, 1)} ${unit}`,
    `${fmt(skreaver, 1)} ${unit}`,
    fmt(skreaver / raw),
    `${fmt((100 * raw) / skreaver, 0)}%`,
  ];
  console.log(`file memory, median of ${ROUNDS} rounds, ${machine()}, temp dir ${tmpdir()}`);
  table([
    ['case', 'raw node:fs', 'skreaver', 'ratio (time)', 'throughput vs raw'],
    row(`store, durable (${RESIDENT} entries resident)`, 'µs/op', r.storeUs),
    row(`storeMany of ${BATCH}`, 'ms', r.manyMs),
    row('load', 'ns/op', r.loadNs),
    row(`${CONCURRENT} concurrent stores (raw: one rewrite each)`, 'ms', r.concurrentMs),
  ]);
}
