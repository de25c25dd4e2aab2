import {
  bufferedValue,
  conflictCheck,
  type MemoryTransaction,
  type OptimisticBackend,
  type OptimisticCommit,
  runOptimisticTransaction,
  transactionConflictError,
} from 'skreaver';
import type { ConnectionPool, Dedicated } from './_connections.js';
import { chunks, type Keyspace } from './_keyspace.js';
import type { Client } from './_settings.js';
import { pxOf, writeEntries } from './_writes.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost
  extends Pick<OptimisticBackend<undefined>, 'maxValueBytes' | 'assertOpen' | 'isClosed'> {
  readonly client: Client;
  readonly keyspace: Keyspace;
  readonly pool: ConnectionPool;
  readonly batchSize: number;
  /** Maps a native failure to the core's codes (see `toMemoryError`). */
  fail(error: unknown, operation: string): unknown;
}

/**
 * Runs `body` with optimistic concurrency (see the core's
 * `runOptimisticTransaction`) on a dedicated connection: every key the body
 * reads or writes is WATCHed when first touched (and read on the same
 * connection, after the WATCH), and commit sends the buffered writes in one
 * MULTI/EXEC. EXEC answers nil when a watched key changed; the transaction
 * then rejects with `transaction_conflict` and keeps nothing. It is never
 * re-run here: the body may have side effects, so retrying is the caller's
 * decision.
 */
export async function runRedisTransaction<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  const tx = createBackend(host);
  try {
    return await runOptimisticTransaction(tx.backend, body);
  } finally {
    await tx.release();
  }
}

/** Redis compares no versions: WATCH does (so every version is `undefined`). */
function createBackend(host: TransactionHost) {
  const { keyspace, batchSize } = host;
  const watched = new Set<string>();
  let connection: Promise<Dedicated> | undefined;
  let execSent = false;

  async function io<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw host.fail(error, 'transaction');
    }
  }

  /**
   * WATCHes the keys not watched yet, then MGETs `reads`, in one round trip
   * on the dedicated connection (so each read comes after its WATCH).
   */
  async function fetch(reads: readonly string[], touch: readonly string[]) {
    const fresh = touch.filter((key) => !watched.has(key));
    for (const key of fresh) watched.add(key);
    if (fresh.length === 0 && reads.length === 0) return [];
    return io(async () => {
      connection ??= host.pool.acquire();
      const { client } = await connection;
      const pipeline = client.pipeline();
      for (const chunk of chunks(fresh, batchSize)) pipeline.watch(...keyspace.redisKeys(chunk));
      const readChunks = chunks(reads, batchSize);
      for (const chunk of readChunks) pipeline.mget(...keyspace.redisKeys(chunk));
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const fetched = results.slice(results.length - readChunks.length).flatMap(([, v]) => v);
      return reads.map((_, i) => ({
        value: (fetched[i] as string | null) ?? undefined,
        version: undefined,
      }));
    });
  }

  /** Re-checks listed prefixes, then sends the writes in one MULTI/EXEC. */
  async function commit({ writes, listed }: OptimisticCommit<undefined>): Promise<void> {
    // Keys added under a listed prefix are caught here; changed or deleted ones by WATCH.
    const check = conflictCheck();
    for (const [prefix, seen] of listed) {
      check.listing(prefix, seen, await io(() => keyspace.scan(host.client, prefix)));
    }
    const conflict = check.error();
    if (conflict !== undefined) throw conflict;
    // Nothing was read or written on the server: nothing to commit.
    if (connection === undefined) return;
    const dedicated = await io(() => connection as Promise<Dedicated>);
    if (dedicated.broken) {
      throw host.fail(
        new Error('Connection is closed: the transaction connection dropped and lost its WATCH.'),
        'transaction',
      );
    }
    const multi = dedicated.client.multi();
    const now = Date.now();
    const entries = [...writes].map(([key, w]) => ({
      key: keyspace.redisKey(key),
      value: bufferedValue(w, now) ?? null,
      px: w?.expiresAt === undefined ? undefined : pxOf(w.expiresAt - now),
    }));
    writeEntries(multi, entries, batchSize);
    // A read-only transaction still EXECs, to learn whether what it read
    // stayed unchanged; the keyed no-op routes it to the watching node.
    if (entries.length === 0)
      multi.exists(keyspace.redisKey(watched.values().next().value as string));
    execSent = true;
    const results = await io(() => multi.exec());
    if (results === null) throw transactionConflictError(watched);
    for (const [error] of results) if (error) throw host.fail(error, 'transaction');
  }

  const backend: OptimisticBackend<undefined> = {
    maxValueBytes: host.maxValueBytes,
    now: () => Date.now(),
    assertOpen: host.assertOpen,
    isClosed: host.isClosed,
    read: (keys) => fetch(keys, keys),
    versions: async (keys) => {
      await fetch([], keys);
      return keys.map(() => undefined);
    },
    async list(prefix, first) {
      const live = await io(() => keyspace.scan(host.client, prefix));
      // Watching the listed keys catches their change or deletion up to
      // EXEC; keys added under the prefix are caught by the re-scan.
      if (first) await fetch([], live);
      return live;
    },
    commit,
  };

  return {
    backend,
    /** Returns the dedicated connection, clearing its WATCH when no EXEC did. */
    async release(): Promise<void> {
      if (connection === undefined) return;
      const dedicated = await connection.catch(() => undefined);
      if (dedicated !== undefined) await host.pool.release(dedicated, !execSent);
    },
  };
}
