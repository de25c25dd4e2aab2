// skreaver/memory/postgres against raw node-postgres doing the same work in
// the same process, on the same server: single store (upsert) and load,
// awaited one after another, and storeMany of 10,000 values against the
// best batched raw form (one INSERT ... SELECT FROM unnest(...) ON CONFLICT).
// The raw side uses named (prepared) statements too, so the ratio is the
// adapter's own cost: validation, UTF-8 bytea values, TTL and namespace.
// Needs a PostgreSQL server: SKREAVER_BENCH_POSTGRES_URL, else
// SKREAVER_TEST_POSTGRES_URL, else postgres://postgres@127.0.0.1:5432/test.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { postgresMemory } from 'skreaver/memory/postgres';
import { fmt, machine, median, table } from './_stats.mjs';

const URL_ =
  process.env.SKREAVER_BENCH_POSTGRES_URL ??
  process.env.SKREAVER_TEST_POSTGRES_URL ??
  'postgres://postgres@127.0.0.1:5432/test';
const OPS = Number(process.env.BENCH_OPS ?? 1_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const VALUE = 'v'.repeat(100);

const suffix = randomBytes(4).toString('hex');
const memoryTable = `bench_skm_${suffix}`;
const rawTable = `bench_raw_${suffix}`;

const rawSql = {
  store: {
    name: `bench_raw_store_${suffix}`,
    text: `INSERT INTO ${rawTable} (namespace, key, value) VALUES ($1, $2, $3) ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value`,
  },
  load: {
    name: `bench_raw_load_${suffix}`,
    text: `SELECT value FROM ${rawTable} WHERE namespace = $1 AND key = $2`,
  },
  storeMany: {
    name: `bench_raw_store_many_${suffix}`,
    text: `INSERT INTO ${rawTable} (namespace, key, value) SELECT $1, k, v FROM unnest($2::text[], $3::text[]) AS u(k, v) ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value`,
  },
};

async function time(fn, count) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e3 / count; // µs per item
}

async function sequential(op) {
  for (let i = 0; i < OPS; i++) await op(`k${i % 100}`);
}

export async function run() {
  const pool = new pg.Pool({ connectionString: URL_, max: 4 });
  pool.on('error', () => {});
  await pool.query(
    `CREATE TABLE ${rawTable} (namespace text COLLATE "C" NOT NULL, key text COLLATE "C" NOT NULL, value text NOT NULL, PRIMARY KEY (namespace, key))`,
  );
  const memory = await postgresMemory({ pool, table: memoryTable, namespace: 'bench' });
  const batch = Array.from({ length: BATCH }, (_, i) => ({ key: `b${i}`, value: VALUE }));
  const batchKeys = batch.map((e) => e.key);
  const batchValues = batch.map((e) => e.value);
  const cases = {
    store: {
      raw: () =>
        sequential((key) => pool.query({ ...rawSql.store, values: ['bench', key, VALUE] })),
      skreaver: () => sequential((key) => memory.store(key, VALUE)),
      per: OPS,
    },
    load: {
      raw: () =>
        sequential(async (key) => {
          const result = await pool.query({ ...rawSql.load, values: ['bench', key] });
          return result.rows[0]?.value;
        }),
      skreaver: () => sequential((key) => memory.load(key)),
      per: OPS,
    },
    [`storeMany ${BATCH}`]: {
      raw: () => pool.query({ ...rawSql.storeMany, values: ['bench', batchKeys, batchValues] }),
      skreaver: () => memory.storeMany(batch),
      per: BATCH,
    },
  };
  const results = {};
  try {
    // Warm up: connections open, statements prepared, caches filled.
    for (const c of Object.values(cases)) {
      await c.raw();
      await c.skreaver();
    }
    for (const [name, c] of Object.entries(cases)) {
      const raw = [];
      const sk = [];
      const ratios = [];
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which side goes first so drift in the server's load
        // (checkpoints, other clients) hits both alike; the ratio of each
        // round is taken before the median, for the same reason.
        const r = round % 2 === 0 ? await time(c.raw, c.per) : undefined;
        const k = await time(c.skreaver, c.per);
        const rr = r ?? (await time(c.raw, c.per));
        raw.push(rr);
        sk.push(k);
        ratios.push(k / rr);
      }
      results[name] = { rawUs: median(raw), skreaverUs: median(sk), ratio: median(ratios) };
    }
  } finally {
    await memory.close();
    await pool.query(`DROP TABLE IF EXISTS ${rawTable}`);
    await pool.query(`DROP TABLE IF EXISTS ${memoryTable}`);
    await pool.query('DELETE FROM skreaver_migrations WHERE table_name = $1', [memoryTable]);
    await pool.end();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await run();
  console.log(
    `memory/postgres vs raw pg, ${OPS} sequential ops / ${BATCH}-value batch, median of ${ROUNDS} rounds (ratio: median of per-round ratios), ${machine()}`,
  );
  const rows = [
    ['case', 'raw µs/item', 'skreaver µs/item', 'ratio skreaver/raw', 'throughput vs raw'],
  ];
  for (const [name, r] of Object.entries(results)) {
    rows.push([
      name,
      fmt(r.rawUs, 1),
      fmt(r.skreaverUs, 1),
      fmt(r.ratio),
      `${fmt(100 / r.ratio, 0)}%`,
    ]);
  }
  table(rows);
}
