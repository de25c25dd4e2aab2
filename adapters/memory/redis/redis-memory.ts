import { type Cluster, Redis } from 'ioredis';
import {
  type Memory,
  type MemoryEntry,
  type MemoryHealth,
  type MemoryTransaction,
  type StoreOptions,
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from 'skreaver';
import { connectRedis } from '../../_shared/redis-connect.js';
import { connectionPool } from './_connections.js';
import { closedError, toMemoryError } from './_errors.js';
import { probe } from './_health.js';
import { chunks, keyspace } from './_keyspace.js';
import { type Client, resolveSettings } from './_settings.js';
import { restoreSnapshot, takeSnapshot } from './_snapshot.js';
import { runRedisTransaction } from './_transaction.js';
import { checkExec, pxOf } from './_writes.js';
import type { RedisMemoryOptions } from './options.js';

/** The memory {@link redisMemory} returns: a `Memory` with every optional method. */
export interface RedisMemory extends Memory {
  /** See `Memory.transaction`. */
  transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R>;
  /** See `Memory.snapshot`: the prefix's keys only, without the prefix. */
  snapshot(): Promise<string>;
  /** See `Memory.restore`: replaces the prefix's keys only, atomically. */
  restore(snapshot: string): Promise<void>;
  /** Closes the dedicated connections, and the client when the memory created it. */
  close(): Promise<void>;
  /** PINGs Redis; never rejects. */
  health(): Promise<MemoryHealth>;
  /** The ioredis client in use: yours when you passed `client`. */
  readonly client: Redis | Cluster;
}

/**
 * A memory kept in Redis (or a Redis Cluster) through ioredis. Values are
 * plain Redis strings under `${prefix}${key}`; batches are one round trip
 * (MGET; `storeMany` one MSET or MULTI/EXEC, so all or nothing); `keys()`
 * and snapshots use SCAN, never KEYS; TTLs are Redis expiries (`PX`);
 * transactions are optimistic (WATCH/MULTI/EXEC on a dedicated connection,
 * `transaction_conflict` when another writer got in the way); snapshots and
 * restores cover the prefix only. Needs Redis 7.0 or later.
 *
 * The factory connects before it resolves. Unreachable Redis, there or
 * later, rejects with `memory_unavailable` (retry later); other Redis
 * failures with `memory_io`; both keep the ioredis error as `cause`.
 *
 * @throws `ValidationError` `invalid_options` for bad options; `MemoryError` `memory_unavailable` when Redis cannot be reached.
 * @example
 * ```ts
 * import { redisMemory } from 'skreaver/memory/redis';
 *
 * const memory = await redisMemory({ url: 'redis://127.0.0.1:6379/0', prefix: 'app:' });
 * await memory.store('user:42', '{"name":"Ada"}', { ttlMs: 60_000 });
 * await memory.transaction(async (tx) => {
 *   const visits = Number((await tx.load('visits')) ?? '0');
 *   await tx.store('visits', String(visits + 1));
 * });
 * await memory.close();
 * ```
 */
export async function redisMemory(options: RedisMemoryOptions = {}): Promise<RedisMemory> {
  const settings = resolveSettings(options);
  const owned = settings.client === undefined;
  const client: Client = settings.client ?? new Redis(settings.url, settings.redisOptions);
  const lastError = await connectRedis(client, owned, (error, last) =>
    toMemoryError(error, 'connect', last),
  );
  let closed = false;

  const { batchSize, maxValueBytes } = settings;
  const space = keyspace(settings.prefix, settings.hashTag, settings.scanCount);
  const pool = connectionPool(client, settings.transactionPoolSize);

  function assertOpen(): void {
    if (closed) throw closedError();
  }

  function fail(error: unknown, operation: string): unknown {
    return closed ? closedError() : toMemoryError(error, operation, lastError());
  }

  const host = {
    client,
    keyspace: space,
    pool,
    batchSize,
    maxValueBytes,
    maxSnapshotBytes: settings.maxSnapshotBytes,
    maxRestoreAttempts: settings.maxRestoreAttempts,
    namespace: settings.prefix,
    assertOpen,
    isClosed: () => closed,
    fail,
  };

  return {
    capabilities: Object.freeze({ transactions: true, snapshots: true, ttl: true }),
    client,

    // load, store and delete are the per-step calls: plain functions that
    // chain onto the ioredis promise save an async frame and its ticks.
    load(key: string) {
      try {
        assertOpen();
        const redisKey = space.redisKey(validateMemoryKey(key));
        return client.get(redisKey).then(orUndefined, (error: unknown) => {
          throw fail(error, 'load');
        });
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async loadMany(keys: readonly string[]) {
      assertOpen();
      const redisKeys = space.redisKeys(validateMemoryKeys(keys));
      if (redisKeys.length === 0) return [];
      try {
        if (redisKeys.length <= batchSize) return present(await client.mget(redisKeys));
        const pipeline = client.pipeline();
        for (const chunk of chunks(redisKeys, batchSize)) pipeline.mget(chunk);
        const values: (string | null)[] = [];
        for (const [error, part] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          for (const value of part as (string | null)[]) values.push(value);
        }
        return present(values);
      } catch (error) {
        throw fail(error, 'loadMany');
      }
    },

    async keys(prefix?: string) {
      assertOpen();
      const p = validateKeyPrefix(prefix);
      try {
        return await space.scan(client, p);
      } catch (error) {
        throw fail(error, 'keys');
      }
    },

    store(key: string, value: string, storeOptions?: StoreOptions) {
      try {
        assertOpen();
        const k = validateMemoryKey(key);
        const v = validateMemoryValue(k, value, maxValueBytes);
        const ttlMs = validateStoreOptions(storeOptions);
        // A SET without PX also clears an earlier expiry, as the contract asks.
        const sent =
          ttlMs === undefined
            ? client.set(space.redisKey(k), v)
            : client.set(space.redisKey(k), v, 'PX', pxOf(ttlMs));
        return sent.then(nothing, (error: unknown) => {
          throw fail(error, 'store');
        });
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async storeMany(entries: readonly MemoryEntry[], storeOptions?: StoreOptions) {
      assertOpen();
      // Everything is checked before anything is sent: all or nothing.
      const valid = validateMemoryEntries(entries, maxValueBytes);
      const ttlMs = validateStoreOptions(storeOptions);
      if (valid.length === 0) return;
      try {
        if (ttlMs === undefined) {
          // Flat MSET arguments built in one pass: this is the bulk path.
          const args: string[] = new Array(valid.length * 2);
          for (const [i, { key, value }] of valid.entries()) {
            args[2 * i] = space.redisKey(key);
            args[2 * i + 1] = value;
          }
          // One MSET is atomic by itself; a larger batch is several in one MULTI.
          if (valid.length <= batchSize) {
            await client.mset(args);
            return;
          }
          const multi = client.multi();
          for (const chunk of chunks(args, batchSize * 2)) multi.mset(chunk);
          checkExec(await multi.exec());
          return;
        }
        // MSET takes no expiry: one SET ... PX each, in one MULTI.
        const px = pxOf(ttlMs);
        const multi = client.multi();
        for (const { key, value } of valid) multi.set(space.redisKey(key), value, 'PX', px);
        checkExec(await multi.exec());
      } catch (error) {
        throw fail(error, 'storeMany');
      }
    },

    delete(key: string) {
      try {
        assertOpen();
        const redisKey = space.redisKey(validateMemoryKey(key));
        return client.del(redisKey).then(positive, (error: unknown) => {
          throw fail(error, 'delete');
        });
      } catch (error) {
        return Promise.reject(error);
      }
    },

    transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R> {
      return runRedisTransaction(host, body);
    },

    async snapshot() {
      assertOpen();
      return takeSnapshot(host);
    },

    async restore(snapshot: string) {
      assertOpen();
      return restoreSnapshot(host, snapshot);
    },

    health() {
      return probe(client, settings.healthTimeoutMs, () => closed, fail);
    },

    async close() {
      if (closed) return;
      closed = true;
      pool.close();
      if (!owned) return;
      if (client.status !== 'ready') {
        client.disconnect();
        return;
      }
      // Resolve only once the socket is gone, so no handle outlives close();
      // a server that never answers QUIT is dropped after healthTimeoutMs.
      const ended = new Promise((resolve) => client.once('end', resolve));
      const timer = setTimeout(() => client.disconnect(), settings.healthTimeoutMs);
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
      await ended;
      clearTimeout(timer);
    },
  };
}

/** MGET's nils as `undefined`, in place (the batch path: no second array). */
function present(values: (string | null)[]): (string | undefined)[] {
  const out = values as (string | null | undefined)[];
  for (let i = 0; i < out.length; i++) if (out[i] === null) out[i] = undefined;
  return out as (string | undefined)[];
}

function orUndefined(value: string | null): string | undefined {
  return value ?? undefined;
}

function nothing(): void {}

function positive(count: number): boolean {
  return count > 0;
}
