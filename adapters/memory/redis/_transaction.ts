import {
  compareMemoryKeys,
  type MemoryEntry,
  MemoryError,
  type MemoryTransaction,
  type StoreOptions,
  TransactionError,
  transactionConflictError,
  ValidationError,
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from 'skreaver';
import type { ConnectionPool, Dedicated } from './_connections.js';
import { chunks, type Keyspace } from './_keyspace.js';
import type { Client } from './_settings.js';
import { pxOf, writeEntries } from './_writes.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost {
  readonly client: Client;
  readonly keyspace: Keyspace;
  readonly pool: ConnectionPool;
  readonly maxValueBytes: number;
  readonly batchSize: number;
  /** Throws `memory_closed` when the memory is closed. */
  assertOpen(): void;
  isClosed(): boolean;
  /** Maps a native failure to the core's codes (see `toMemoryError`). */
  fail(error: unknown, operation: string): unknown;
}

type Write = { readonly value: string; readonly expiresAt: number | undefined } | null;
type Status = 'active' | 'aborted' | 'committed' | 'rolled_back';

/**
 * Runs `body` with optimistic concurrency on a dedicated connection: every
 * key the body reads or writes is WATCHed when first touched (and read on
 * the same connection, after the WATCH), writes are buffered, and commit
 * sends them in one MULTI/EXEC. EXEC answers nil when a watched key changed;
 * the transaction then rejects with `transaction_conflict` and keeps
 * nothing. It is never re-run here: the body may have side effects, so
 * retrying is the caller's decision.
 */
export async function runRedisTransaction<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  host.assertOpen();
  if (typeof body !== 'function') {
    throw new ValidationError(
      'invalid_input',
      'transaction() expects a function (tx) => ... as its body.',
    );
  }
  const tx = createTransaction(host);
  try {
    let result: R;
    try {
      result = await body(tx.view);
    } catch (error) {
      throw tx.rollback(error);
    }
    await tx.commit();
    return result;
  } finally {
    await tx.release();
  }
}

function createTransaction(host: TransactionHost) {
  const { keyspace, batchSize } = host;
  const writes = new Map<string, Write>();
  const watched = new Set<string>();
  const scans = new Map<string, ReadonlySet<string>>();
  let status: Status = 'active';
  let abortError: TransactionError | undefined;
  let abortReason: string | undefined;
  let connection: Promise<Dedicated> | undefined;
  let execSent = false;

  function ended(): TransactionError {
    const what = status === 'committed' ? 'committed' : 'ended without committing';
    return new TransactionError(
      'transaction_failed',
      `This transaction has already ${what}; its handle works only while the body runs. Start a new transaction.`,
      { data: { reason: 'transaction_ended' } },
    );
  }

  function guard(): void {
    if (status === 'aborted') throw aborted(abortReason);
    if (status !== 'active') throw ended();
    host.assertOpen();
  }

  async function io<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw host.fail(error, 'transaction');
    }
  }

  function own(write: Write): string | undefined {
    if (write === null) return undefined;
    if (write.expiresAt !== undefined && write.expiresAt <= Date.now()) return undefined;
    return write.value;
  }

  /**
   * WATCHes the keys not watched yet, then MGETs `reads`, in one round trip
   * on the dedicated connection (so each read comes after its WATCH).
   */
  async function fetch(reads: string[], touch: readonly string[]) {
    const fresh = touch.filter((key) => !watched.has(key));
    for (const key of fresh) watched.add(key);
    const values = new Map<string, string | undefined>();
    if (fresh.length === 0 && reads.length === 0) return values;
    await io(async () => {
      connection ??= host.pool.acquire();
      const { client } = await connection;
      const pipeline = client.pipeline();
      for (const chunk of chunks(fresh, batchSize)) pipeline.watch(...keyspace.redisKeys(chunk));
      const readChunks = chunks(reads, batchSize);
      for (const chunk of readChunks) pipeline.mget(...keyspace.redisKeys(chunk));
      const results = (await pipeline.exec()) ?? [];
      for (const [error] of results) if (error) throw error;
      const fetched = results.slice(results.length - readChunks.length).flatMap(([, v]) => v);
      for (const [i, key] of reads.entries())
        values.set(key, (fetched[i] as string | null) ?? undefined);
    });
    return values;
  }

  async function read(keys: string[]): Promise<(string | undefined)[]> {
    const needed = [...new Set(keys.filter((key) => !writes.has(key)))];
    const values = await fetch(needed, needed);
    return keys.map((key) => (writes.has(key) ? own(writes.get(key) as Write) : values.get(key)));
  }

  async function write(entries: readonly MemoryEntry[], ttlMs: number | undefined) {
    await fetch(
      [],
      entries.map((entry) => entry.key),
    );
    const expiresAt = ttlMs === undefined ? undefined : Date.now() + ttlMs;
    for (const { key, value } of entries) writes.set(key, { value, expiresAt });
  }

  const view: MemoryTransaction = {
    async load(key: string) {
      guard();
      return (await read([validateMemoryKey(key)]))[0];
    },
    async loadMany(keys: readonly string[]) {
      guard();
      return read(validateMemoryKeys(keys));
    },
    async keys(prefix?: string) {
      guard();
      const p = validateKeyPrefix(prefix);
      const live = await io(() => keyspace.scan(host.client, p));
      if (!scans.has(p)) {
        scans.set(p, new Set(live));
        // Watching the listed keys catches their change or deletion up to
        // EXEC; keys added under the prefix are caught by the re-scan.
        await fetch([], live);
      }
      const found = new Set(live);
      for (const [key, w] of writes) {
        if (!key.startsWith(p)) continue;
        if (own(w) === undefined) found.delete(key);
        else found.add(key);
      }
      return [...found].sort(compareMemoryKeys);
    },
    async store(key: string, value: string, options?: StoreOptions) {
      guard();
      const k = validateMemoryKey(key);
      const v = validateMemoryValue(k, value, host.maxValueBytes);
      await write([{ key: k, value: v }], validateStoreOptions(options));
    },
    async storeMany(entries: readonly MemoryEntry[], options?: StoreOptions) {
      guard();
      const valid = validateMemoryEntries(entries, host.maxValueBytes);
      await write(valid, validateStoreOptions(options));
    },
    async delete(key: string) {
      guard();
      const k = validateMemoryKey(key);
      const existed = (await read([k]))[0] !== undefined;
      writes.set(k, null);
      return existed;
    },
    abort(reason?: string): never {
      if (status === 'aborted') throw aborted(abortReason);
      if (status !== 'active') throw ended();
      status = 'aborted';
      abortReason = reason === undefined ? undefined : String(reason);
      abortError = aborted(abortReason);
      throw abortError;
    },
  };

  /** Keys added or removed under the listed prefixes since they were first listed. */
  async function prefixChanges(): Promise<TransactionError | undefined> {
    const keys = new Set<string>();
    const prefixes: string[] = [];
    for (const [prefix, seen] of scans) {
      const current = await io(() => keyspace.scan(host.client, prefix));
      const changed = current.filter((key) => !seen.has(key));
      const currentSet = new Set(current);
      for (const key of seen) if (!currentSet.has(key)) changed.push(key);
      for (const key of changed) keys.add(key);
      if (changed.length > 0) prefixes.push(prefix);
    }
    return keys.size === 0 ? undefined : transactionConflictError(keys, prefixes);
  }

  return {
    view,
    /** Ends the transaction after its body threw; returns what to reject with. */
    rollback(error: unknown): TransactionError {
      const wasAborted = status === 'aborted';
      status = 'rolled_back';
      if (wasAborted && abortError !== undefined) return abortError;
      const detail = error instanceof Error ? error.message : String(error);
      return new TransactionError(
        'transaction_failed',
        `The transaction body failed (${detail}); nothing it wrote was kept.`,
        { cause: error },
      );
    },

    /** Re-checks listed prefixes, then sends the writes in one MULTI/EXEC. */
    async commit(): Promise<void> {
      if (status === 'aborted' && abortError !== undefined) {
        status = 'rolled_back';
        throw abortError;
      }
      status = 'rolled_back';
      if (host.isClosed()) {
        throw new TransactionError(
          'transaction_failed',
          'The memory was closed before the transaction could commit; nothing was kept.',
          { cause: new MemoryError('memory_closed', 'The memory is closed.') },
        );
      }
      const conflict = await prefixChanges();
      if (conflict !== undefined) throw conflict;
      // Nothing was read or written on the server: nothing to commit.
      if (connection === undefined) {
        status = 'committed';
        return;
      }
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
        value: w === null || (w.expiresAt !== undefined && w.expiresAt <= now) ? null : w.value,
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
      status = 'committed';
    },

    /** Returns the dedicated connection, clearing its WATCH when no EXEC did. */
    async release(): Promise<void> {
      if (connection === undefined) return;
      const dedicated = await connection.catch(() => undefined);
      if (dedicated !== undefined) await host.pool.release(dedicated, !execSent);
    },
  };
}

function aborted(reason: string | undefined): TransactionError {
  return new TransactionError(
    'transaction_aborted',
    reason === undefined
      ? 'The transaction was aborted; nothing it wrote was kept.'
      : `The transaction was aborted (${reason}); nothing it wrote was kept.`,
    { data: { reason } },
  );
}
