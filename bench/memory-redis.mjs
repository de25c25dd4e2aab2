// Redis memory overhead: redisMemory (validation, key prefixing, error
// mapping, batching) against raw ioredis doing the same work in the same
// run, on the same server. Cases: single store (SET) and load (GET) one
// after another, and storeMany / loadMany of 10,000 values against the raw
// driver's batched forms (MULTI of 10,000 SETs, a pipeline of them, MSET).
// Needs a Redis: SKREAVER_BENCH_REDIS_URL, else SKREAVER_TEST_REDIS_URL,
// else redis://127.0.0.1:6379/0. Writes only under a random prefix and
// deletes it afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisMemory } from 'skreaver/memory/redis';
import { fmt, machine, median, table } from './_stats.mjs';

const REDIS_URL =
  process.env.SKREAVER_BENCH_REDIS_URL ??
  process.env.SKREAVER_TEST_REDIS_URL ??
  'redis://127.0.0.1:6379/0';
const SINGLE = Number(process.env.BENCH_OPS ?? 5_000);
const SLICE = 250;
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
// Batch calls per round for each side.
const REPEAT = Number(process.env.BENCH_BATCH_REPEAT ?? 10);

const prefix = `skreaver-bench:${randomBytes(6).toString('hex')}:`;
const value = 'v'.repeat(100);
const keys = Array.from({ length: Math.max(SINGLE, BATCH) }, (_, i) => `key:${i}`);
const entries = keys.slice(0, BATCH).map((key) => ({ key, value }));

/**
 * Times every function of `fns` `calls` times, interleaved (one call of each
 * in turn, the order flipping each time), so load from elsewhere on the
 * machine hits all of them alike. Returns milliseconds per call.
 */
async function measure(fns, calls) {
  const labels = Object.keys(fns);
  const totals = Object.fromEntries(labels.map((label) => [label, 0]));
  for (let i = 0; i < calls; i++) {
    for (const label of i % 2 === 0 ? labels : [...labels].reverse()) {
      const start = process.hrtime.bigint();
      await fns[label](i);
      totals[label] += Number(process.hrtime.bigint() - start) / 1e6;
    }
  }
  for (const label of labels) totals[label] /= calls;
  return totals;
}

async function cleanup(raw) {
  let cursor = '0';
  do {
    const [next, found] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (found.length > 0) await raw.del(...found);
    cursor = next;
  } while (cursor !== '0');
}

export async function run() {
  const raw = new Redis(REDIS_URL);
  const memory = await redisMemory({ url: REDIS_URL, prefix });
  const rawKey = (key) => `${prefix}raw:${key}`;
  // Single operations run in slices of SLICE, interleaved with the raw driver's.
  const slice = (i) => keys.slice(i * SLICE, (i + 1) * SLICE);
  const slices = Math.ceil(SINGLE / SLICE);
  const cases = [
    {
      name: `store, one at a time (us/op)`,
      skreaver: (i) => sequential(slice(i), (key) => memory.store(key, value)),
      raw: { SET: (i) => sequential(slice(i), (key) => raw.set(rawKey(key), value)) },
      calls: slices,
      unit: (msPerCall) => (msPerCall * 1000) / SLICE,
    },
    {
      name: `load, one at a time (us/op)`,
      skreaver: (i) => sequential(slice(i), (key) => memory.load(key)),
      raw: { GET: (i) => sequential(slice(i), (key) => raw.get(rawKey(key))) },
      calls: slices,
      unit: (msPerCall) => (msPerCall * 1000) / SLICE,
    },
    {
      name: `storeMany of ${BATCH} (ms/call)`,
      skreaver: () => memory.storeMany(entries),
      raw: {
        [`MULTI of ${BATCH} SETs`]: () => batch(raw.multi(), (m, key) => m.set(rawKey(key), value)),
        [`pipeline of ${BATCH} SETs`]: () =>
          batch(raw.pipeline(), (p, key) => p.set(rawKey(key), value)),
        [`MSET of ${BATCH}`]: () => raw.mset(entries.flatMap(({ key }) => [rawKey(key), value])),
      },
      calls: REPEAT,
      unit: (msPerCall) => msPerCall,
    },
    {
      name: `storeMany of ${BATCH} with ttlMs (ms/call)`,
      skreaver: () => memory.storeMany(entries, { ttlMs: 600_000 }),
      raw: {
        [`MULTI of ${BATCH} SET PX`]: () =>
          batch(raw.multi(), (m, key) => m.set(rawKey(key), value, 'PX', 600_000)),
      },
      calls: REPEAT,
      unit: (msPerCall) => msPerCall,
    },
    {
      name: `loadMany of ${BATCH} (ms/call)`,
      skreaver: () => memory.loadMany(entries.map(({ key }) => key)),
      raw: { [`MGET of ${BATCH}`]: () => raw.mget(entries.map(({ key }) => rawKey(key))) },
      calls: REPEAT,
      unit: (msPerCall) => msPerCall,
    },
  ];
  const rows = [];
  try {
    for (const c of cases) {
      const samples = { skreaver: [] };
      for (const label of Object.keys(c.raw)) samples[label] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const times = await measure({ skreaver: c.skreaver, ...c.raw }, c.calls);
        for (const [label, ms] of Object.entries(times)) samples[label].push(ms);
      }
      const ours = c.unit(median(samples.skreaver));
      for (const label of Object.keys(c.raw)) {
        rows.push({ name: c.name, label, ours, raw: c.unit(median(samples[label])) });
      }
    }
  } finally {
    await memory.close();
    await cleanup(raw);
    await raw.quit();
  }
  return rows;
}

async function sequential(list, fn) {
  for (const key of list) await fn(key);
}

async function batch(commands, add) {
  for (const { key } of entries) add(commands, key);
  const results = await commands.exec();
  for (const [error] of results) if (error) throw error;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await run();
  console.log(
    `Redis memory vs raw ioredis at ${REDIS_URL}: ${SINGLE} single ops and ${REPEAT} batch calls per round, interleaved, median of ${ROUNDS} rounds; ${machine()}`,
  );
  table([
    ['case', 'skreaver', 'raw baseline', 'raw', 'ratio skreaver/raw', 'throughput vs raw'],
    ...rows.map((r) => [
      r.name,
      fmt(r.ours, 1),
      r.label,
      fmt(r.raw, 1),
      fmt(r.ours / r.raw),
      `${fmt((100 * r.raw) / r.ours, 0)}%`,
    ]),
  ]);
}
