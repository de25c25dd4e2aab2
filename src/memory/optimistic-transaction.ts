import { MemoryError, TransactionError, ValidationError } from '../errors/families.js';
import { isSkreaverError } from '../errors/skreaver-error.js';
import { compareMemoryKeys } from './compare-keys.js';
import type { MemoryEntry, MemoryTransaction, StoreOptions } from './memory.js';
import {
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from './validation.js';

/** A value, or a promise of it: backends that answer synchronously stay synchronous. */
type MaybePromise<T> = T | Promise<T>;

/**
 * A write a transaction buffered: a value (expiring at `expiresAt` on the
 * backend's clock), or a delete (`null`).
 */
export type BufferedWrite = {
  readonly value: string;
  readonly expiresAt: number | undefined;
} | null;

/** A key as a backend read it: its value (`undefined` when absent) and its version. */
export interface VersionedValue<V> {
  /** The live value, or `undefined` when the key is absent or expired. */
  readonly value: string | undefined;
  /** What commit compares to learn whether the key changed meanwhile. */
  readonly version: V;
}

/** What a transaction body left for its backend to commit. */
export interface OptimisticCommit<V> {
  /** Each written key and its buffered write, in the order first written. */
  readonly writes: ReadonlyMap<string, BufferedWrite>;
  /** Each touched key and its version when the body first read or wrote it. */
  readonly versions: ReadonlyMap<string, V>;
  /** Each listed prefix and the keys it held when the body first listed it. */
  readonly listed: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * What {@link runOptimisticTransaction} needs from a memory backend. `V` is
 * whatever the backend compares at commit (a row version, a counter, or
 * nothing when the backend watches keys itself).
 */
export interface OptimisticBackend<V> {
  /** Largest value in UTF-8 bytes a buffered write may hold. */
  readonly maxValueBytes: number;
  /** The clock, in milliseconds, that buffered writes' TTLs count on. */
  now(): number;
  /** Throws `memory_closed` when the memory is closed. */
  assertOpen(): void;
  /** Whether the memory is closed (commit then fails with `transaction_failed`). */
  isClosed(): boolean;
  /** Reads distinct keys the body has not written, with their versions, in order. */
  read(
    keys: readonly string[],
  ): readonly VersionedValue<V>[] | Promise<readonly VersionedValue<V>[]>;
  /** The current versions of distinct keys about to be written for the first time, in order. */
  versions(keys: readonly string[]): readonly V[] | Promise<readonly V[]>;
  /** The live keys under `prefix`; `first` is true the first time the body lists it. */
  list(prefix: string, first: boolean): readonly string[] | Promise<readonly string[]>;
  /**
   * Re-checks every recorded version and listing and applies the writes
   * atomically, or throws (`transaction_conflict` when something changed).
   */
  commit(buffered: OptimisticCommit<V>): void | Promise<void>;
}

/** Options of {@link runOptimisticTransaction}. */
export interface OptimisticTransactionOptions {
  /** How many times the body runs again after a `transaction_conflict`. @defaultValue 0 */
  readonly retryOnConflict?: number;
}

/**
 * The value a buffered write leaves at time `now`: `undefined` for a delete
 * or an expired write.
 */
export function bufferedValue(write: BufferedWrite, now: number): string | undefined {
  if (write === null) return undefined;
  if (write.expiresAt !== undefined && write.expiresAt <= now) return undefined;
  return write.value;
}

/**
 * Runs `body` against a buffered view with optimistic concurrency, as every
 * built-in memory does: reads see the body's own writes and deletes first
 * and otherwise go to `backend`, which records each key's version when first
 * touched and each listed prefix's keys when first listed; writes are
 * buffered until `backend.commit`. Validation, the abort and ended states
 * and the `transaction_failed` / `transaction_aborted` errors are the same
 * for every backend.
 *
 * @example
 * ```ts
 * transaction(body) {
 *   return runOptimisticTransaction(myBackend, body);
 * }
 * ```
 */
export async function runOptimisticTransaction<V, R>(
  backend: OptimisticBackend<V>,
  body: (tx: MemoryTransaction) => R | Promise<R>,
  options: OptimisticTransactionOptions = {},
): Promise<R> {
  backend.assertOpen();
  if (typeof body !== 'function') {
    throw new ValidationError(
      'invalid_input',
      'transaction() expects a function (tx) => ... as its body.',
    );
  }
  const retries = options.retryOnConflict ?? 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(backend, body);
    } catch (error) {
      if (!(attempt < retries && isSkreaverError(error, 'transaction_conflict'))) throw error;
    }
  }
}

async function attemptOnce<V, R>(
  backend: OptimisticBackend<V>,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  const tx = createTransaction(backend);
  let result: R;
  try {
    result = await body(tx.view);
  } catch (error) {
    throw tx.rollback(error);
  }
  const committed = tx.commit();
  if (committed instanceof Promise) await committed;
  return result;
}

type Status = 'active' | 'aborted' | 'committed' | 'rolled_back';

function createTransaction<V>(backend: OptimisticBackend<V>) {
  const writes = new Map<string, BufferedWrite>();
  const versions = new Map<string, V>();
  const listed = new Map<string, ReadonlySet<string>>();
  let status: Status = 'active';
  let abortError: TransactionError | undefined;
  let abortReason: string | undefined;

  function guard(): void {
    if (status === 'aborted') throw aborted(abortReason);
    if (status !== 'active') throw ended(status);
    backend.assertOpen();
  }

  /** Waits for a backend answer only when it is a promise, then re-checks the state. */
  async function settle<T>(answer: MaybePromise<T>): Promise<T> {
    if (!(answer instanceof Promise)) return answer;
    const value = await answer;
    guard();
    return value;
  }

  async function read(keys: readonly string[]): Promise<(string | undefined)[]> {
    const missing = [...new Set(keys.filter((key) => !writes.has(key)))];
    const fetched = new Map<string, string | undefined>();
    if (missing.length > 0) {
      const rows = await settle(backend.read(missing));
      for (const [i, key] of missing.entries()) {
        const row = rows[i] as VersionedValue<V>;
        if (!versions.has(key)) versions.set(key, row.version);
        fetched.set(key, row.value);
      }
    }
    const now = backend.now();
    return keys.map((key) =>
      writes.has(key) ? bufferedValue(writes.get(key) as BufferedWrite, now) : fetched.get(key),
    );
  }

  async function write(entries: readonly MemoryEntry[], ttlMs: number | undefined) {
    const fresh = [...new Set(entries.map((entry) => entry.key).filter((k) => !versions.has(k)))];
    if (fresh.length > 0) {
      const found = await settle(backend.versions(fresh));
      for (const [i, key] of fresh.entries()) {
        if (!versions.has(key)) versions.set(key, found[i] as V);
      }
    }
    const expiresAt = ttlMs === undefined ? undefined : backend.now() + ttlMs;
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
      const live = await settle(backend.list(p, !listed.has(p)));
      if (!listed.has(p)) listed.set(p, new Set(live));
      const found = new Set(live);
      const now = backend.now();
      for (const [key, w] of writes) {
        if (!key.startsWith(p)) continue;
        if (bufferedValue(w, now) === undefined) found.delete(key);
        else found.add(key);
      }
      return [...found].sort(compareMemoryKeys);
    },
    async store(key: string, value: string, options?: StoreOptions) {
      guard();
      const k = validateMemoryKey(key);
      const v = validateMemoryValue(k, value, backend.maxValueBytes);
      await write([{ key: k, value: v }], validateStoreOptions(options));
    },
    async storeMany(entries: readonly MemoryEntry[], options?: StoreOptions) {
      guard();
      const valid = validateMemoryEntries(entries, backend.maxValueBytes);
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
      if (status !== 'active') throw ended(status);
      status = 'aborted';
      abortReason = reason === undefined ? undefined : String(reason);
      abortError = aborted(abortReason);
      throw abortError;
    },
  };

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
    /** Hands the buffer to the backend; synchronous when the backend is. */
    commit(): MaybePromise<void> {
      if (status === 'aborted' && abortError !== undefined) {
        status = 'rolled_back';
        throw abortError;
      }
      status = 'rolled_back';
      if (backend.isClosed()) {
        throw new TransactionError(
          'transaction_failed',
          'The memory was closed before the transaction could commit; nothing was kept.',
          { cause: new MemoryError('memory_closed', 'The memory is closed.') },
        );
      }
      const done = backend.commit({ writes, versions, listed });
      if (!(done instanceof Promise)) {
        status = 'committed';
        return;
      }
      return done.then(() => {
        status = 'committed';
      });
    },
  };
}

function ended(status: Status): TransactionError {
  const what = status === 'committed' ? 'committed' : 'ended without committing';
  return new TransactionError(
    'transaction_failed',
    `This transaction has already ${what}; its handle works only while the body runs. Start a new transaction.`,
    { data: { reason: 'transaction_ended' } },
  );
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
