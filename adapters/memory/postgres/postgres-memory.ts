import { Pool } from 'pg';
import type { Memory, MemoryEntry, MemoryHealth, MemoryTransaction, StoreOptions } from 'skreaver';
import {
  MemoryError,
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from 'skreaver';
import { fromBytes, run, toBytes } from './_db.js';
import { isUtf8Database, probeHealth } from './_health.js';
import { migrate } from './_migrations.js';
import { resolveOptions } from './_resolve-options.js';
import { restoreSnapshot, type SnapshotHost, takeSnapshot } from './_snapshot.js';
import { hash64, MAX_EPOCH_MS, prefixEnd, statementsFor } from './_sql.js';
import { runTransaction } from './_transaction.js';
import type { PostgresMemoryOptions } from './postgres-memory-options.js';

/** The memory {@link postgresMemory} returns: every optional method of `Memory` is present. */
export interface PostgresMemory extends Memory {
  /** The namespace this memory's keys live in. */
  readonly namespace: string;
  /** The schema-qualified table (`public.skreaver_memory`). */
  readonly table: string;
  /** See `Memory.transaction`. */
  transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R>;
  /** See `Memory.snapshot`; covers this memory's namespace only. */
  snapshot(): Promise<string>;
  /** See `Memory.restore`; replaces this memory's namespace only. */
  restore(snapshot: string): Promise<void>;
  /** Ends the memory's own pool (a pool passed in stays open); later operations reject with `memory_closed`. */
  close(): Promise<void>;
  /** Runs `SELECT 1` and reports its latency; never rejects. */
  health(): Promise<MemoryHealth>;
}

/**
 * A memory in a PostgreSQL table (node-postgres 8), shared safely by any
 * number of processes. Each memory works in one namespace of the table (a
 * column of its primary key); values are stored exactly, as UTF-8 `bytea`
 * (PostgreSQL `text` cannot hold NUL); keys sort by code point (`C`
 * collation). The table is created or upgraded on open by versioned
 * migrations under an advisory lock, so memories may start at once.
 * Capabilities: optimistic transactions (see `retryOnConflict`), snapshots
 * of the namespace, and TTL on the server clock.
 *
 * @throws `ValidationError` `invalid_options`; rejects with
 * `memory_unavailable` when the server cannot be reached, `memory_io` when
 * the table cannot be used.
 * @example
 * ```ts
 * import { postgresMemory } from 'skreaver/memory/postgres';
 *
 * const memory = await postgresMemory({
 *   connectionString: 'postgres://app@db.internal:5432/agents',
 *   namespace: 'support-bot',
 * });
 * await memory.store('user:42', '{"name":"Ada"}');
 * await memory.transaction(async (tx) => {
 *   const visits = Number((await tx.load('visits')) ?? '0');
 *   await tx.store('visits', String(visits + 1));
 * });
 * await memory.close();
 * ```
 */
export async function postgresMemory(options: PostgresMemoryOptions = {}): Promise<PostgresMemory> {
  const config = resolveOptions(options);
  const ownsPool = config.pool === undefined;
  const pool =
    config.pool ??
    new Pool({
      connectionString: config.connectionString,
      max: config.max,
      idleTimeoutMillis: config.idleTimeoutMillis,
      connectionTimeoutMillis: config.connectionTimeoutMillis,
      application_name: config.applicationName,
    });
  // An idle connection the server dropped is already out of the pool; the
  // event only needs a listener, or Node would crash the process.
  if (ownsPool) pool.on('error', () => {});
  let utf8: boolean;
  try {
    await migrate(pool, config.schema, config.table, config.migrate);
    utf8 = await isUtf8Database(pool);
  } catch (error) {
    if (ownsPool) await pool.end();
    throw error;
  }
  const { namespace, maxValueBytes } = config;
  const sql = statementsFor(config.schema, config.table);
  let closed = false;
  let closing: Promise<void> | undefined;
  let sweeping: Promise<void> | undefined;
  let lastSweep = Number.NEGATIVE_INFINITY;

  function assertOpen(): void {
    if (closed) {
      throw new MemoryError(
        'memory_closed',
        'This memory is closed; create a new one to keep working.',
      );
    }
  }

  const host: SnapshotHost = {
    pool,
    namespace,
    lockKey: hash64(`skreaver-memory:${config.schema}.${config.table}:${namespace}`).toString(),
    sql,
    maxValueBytes,
    maxSnapshotBytes: config.maxSnapshotBytes,
    retryOnConflict: config.retryOnConflict,
    assertOpen,
    isClosed: () => closed,
  };

  // Deletes the namespace's expired rows now and then, started by a write;
  // reads already hide them, so a failed sweep changes nothing visible.
  function afterWrite(): void {
    const now = performance.now();
    if (sweeping !== undefined || now - lastSweep < config.sweepIntervalMs) return;
    lastSweep = now;
    sweeping = pool
      .query({ ...sql.sweep, values: [namespace] })
      .then(
        () => {},
        () => {},
      )
      .finally(() => {
        sweeping = undefined;
      });
  }

  function ttlOf(options: StoreOptions | undefined): number | null {
    const ttlMs = validateStoreOptions(options);
    return ttlMs === undefined ? null : Math.min(ttlMs, MAX_EPOCH_MS);
  }

  return {
    capabilities: Object.freeze({ transactions: true, snapshots: true, ttl: true }),
    namespace,
    table: `${config.schema}.${config.table}`,

    async load(key: string) {
      assertOpen();
      const rows = await run<{ value: Buffer }>(
        host,
        sql.load,
        [namespace, validateMemoryKey(key)],
        'load',
      );
      const row = rows[0];
      return row === undefined ? undefined : fromBytes(row.value);
    },

    async loadMany(keys: readonly string[]) {
      assertOpen();
      const valid = validateMemoryKeys(keys);
      if (valid.length === 0) return [];
      const rows = await run<{ key: string; value: Buffer }>(
        host,
        sql.loadMany,
        [namespace, [...new Set(valid)]],
        'loadMany',
      );
      const found = new Map(rows.map((row) => [row.key, fromBytes(row.value)]));
      return valid.map((key) => found.get(key));
    },

    async keys(prefix?: string) {
      assertOpen();
      const p = validateKeyPrefix(prefix);
      const rows = await run<{ key: string }>(host, sql.keys, [namespace, p, prefixEnd(p)], 'keys');
      return rows.map((row) => row.key);
    },

    async store(key: string, value: string, storeOptions?: StoreOptions) {
      assertOpen();
      const k = validateMemoryKey(key);
      const v = validateMemoryValue(k, value, maxValueBytes);
      const text = utf8 && !v.includes('\0');
      await run(
        host,
        text ? sql.storeText : sql.store,
        [namespace, k, text ? v : toBytes(v), ttlOf(storeOptions)],
        'store',
      );
      afterWrite();
    },

    async storeMany(entries: readonly MemoryEntry[], storeOptions?: StoreOptions) {
      assertOpen();
      // Everything is checked before anything is written: all or nothing.
      const valid = validateMemoryEntries(entries, maxValueBytes);
      const ttl = ttlOf(storeOptions);
      if (valid.length === 0) return;
      // One statement: a later entry for a key wins (ON CONFLICT may touch a
      // row once per statement). Sorted so that two batches sharing keys take
      // their row locks in one order and cannot deadlock; any total order
      // does, and the native one is ten times faster than code point order.
      const latest = new Map(valid.map((entry) => [entry.key, entry.value]));
      const keys = [...latest.keys()].sort();
      const values = keys.map((k) => latest.get(k) as string);
      const text = utf8 && !values.some((v) => v.includes('\0'));
      await run(
        host,
        text ? sql.storeManyText : sql.storeMany,
        [namespace, keys, text ? values : values.map(toBytes), ttl],
        'storeMany',
      );
      afterWrite();
    },

    async delete(key: string) {
      assertOpen();
      const rows = await run<{ live: boolean }>(
        host,
        sql.delete,
        [namespace, validateMemoryKey(key)],
        'delete',
      );
      return rows[0]?.live === true;
    },

    async transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R> {
      const result = await runTransaction(host, body);
      afterWrite();
      return result;
    },

    async snapshot() {
      assertOpen();
      return takeSnapshot(host);
    },

    async restore(snapshot: string) {
      assertOpen();
      await restoreSnapshot(host, snapshot);
    },

    health(): Promise<MemoryHealth> {
      return probeHealth(pool, closed, config.healthTimeoutMillis);
    },

    close() {
      closed = true;
      closing ??= (async () => {
        await sweeping;
        if (ownsPool) await pool.end();
      })();
      return closing;
    },
  };
}
