// skreaver/memory/sqlite against raw better-sqlite3 doing the same work on
// the same kind of file in the same run: single store, single load, and
// storeMany of 10,000 values (raw: one transaction of 10,000 prepared
// INSERT OR REPLACE). Both sides use WAL and the same `synchronous` setting;
// each setting in BENCH_SYNC is measured separately, since FULL (the
// adapter's default) is bound by fsync and NORMAL shows the CPU overhead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { fmt, machine, median, table } from './_stats.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const STORES = Number(process.env.BENCH_STORES ?? 2_000);
const LOADS = Number(process.env.BENCH_LOADS ?? 50_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const SYNC = (process.env.BENCH_SYNC ?? 'NORMAL,FULL').split(',');

const dir = mkdtempSync(join(tmpdir(), 'skreaver-bench-sqlite-'));
const value = (i) => `{"id":${i},"note":"${'x'.repeat(80)}"}`;
const keys = Array.from({ length: BATCH }, (_, i) => `key:${i}`);
const entries = keys.map((key, i) => ({ key, value: value(i) }));

async function time(count, fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / count;
}

function openRaw(path, synchronous) {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE kv (namespace TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
           PRIMARY KEY (namespace, key))`);
  const insert = db.prepare('INSERT OR REPLACE INTO kv (namespace, key, value) VALUES (?, ?, ?)');
  const select = db.prepare('SELECT value FROM kv WHERE namespace = ? AND key = ?').pluck();
  const insertAll = db.transaction((batch) => {
    for (const e of batch) insert.run('default', e.key, e.value);
  });
  return { db, insert, select, insertAll };
}

async function measure(synchronous) {
  const raw = openRaw(join(dir, `raw-${synchronous}.db`), synchronous);
  const memory = await sqliteMemory({ path: join(dir, `skreaver-${synchronous}.db`), synchronous });
  const results = { store: [[], []], load: [[], []], storeMany: [[], []] };
  // Round -1 warms up the JIT and the files; it is not counted.
  for (let round = -1; round < ROUNDS; round++) {
    const keep = round >= 0 ? results : { store: [[], []], load: [[], []], storeMany: [[], []] };
    keep.store[0].push(
      await time(STORES, async () => {
        for (let i = 0; i < STORES; i++) raw.insert.run('default', keys[i % BATCH], value(i));
      }),
    );
    keep.store[1].push(
      await time(STORES, async () => {
        for (let i = 0; i < STORES; i++) await memory.store(keys[i % BATCH], value(i));
      }),
    );
    keep.storeMany[0].push(await time(1, async () => raw.insertAll(entries)));
    keep.storeMany[1].push(await time(1, () => memory.storeMany(entries)));
    keep.load[0].push(
      await time(LOADS, async () => {
        for (let i = 0; i < LOADS; i++) raw.select.get('default', keys[i % BATCH]);
      }),
    );
    keep.load[1].push(
      await time(LOADS, async () => {
        for (let i = 0; i < LOADS; i++) await memory.load(keys[i % BATCH]);
      }),
    );
  }
  if ((await memory.load(keys[0])) !== raw.select.get('default', keys[0])) {
    throw new Error('skreaver and raw better-sqlite3 disagree on a stored value');
  }
  await memory.close();
  raw.db.close();
  return results;
}

const rows = [['synchronous', 'case', 'raw µs/op', 'skreaver µs/op', 'ratio skreaver/raw']];
try {
  for (const synchronous of SYNC) {
    const results = await measure(synchronous);
    for (const [name, [raw, ours]] of Object.entries(results)) {
      const base = median(raw) / 1000;
      const mine = median(ours) / 1000;
      const label = name === 'storeMany' ? `storeMany ${BATCH} (per batch)` : `${name} (one key)`;
      rows.push([synchronous, label, fmt(base, 1), fmt(mine, 1), fmt(mine / base)]);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `memory/sqlite vs raw better-sqlite3, ${ROUNDS} rounds (medians), ${STORES} stores, ${LOADS} loads, batches of ${BATCH}; ${machine()}`,
);
table(rows);
console.log('ratio = skreaver time / raw time (1.00 = same; 1.11 = 90% of raw throughput)');
