import { MemoryError, TransactionError, ValidationError } from '../errors/families.js';
import type { State } from './_in-memory-state.js';
import { compareMemoryKeys } from './compare-keys.js';
import type { MemoryEntry, MemoryTransaction, StoreOptions } from './memory.js';
import { transactionConflictError } from './transaction-conflict.js';
import {
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from './validation.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost {
  readonly state: State;
  readonly now: () => number;
  readonly maxValueBytes: number;
  /** Throws `memory_closed` when the memory is closed. */
  assertOpen(): void;
  isClosed(): boolean;
}

type Write = { readonly value: string; readonly expiresAt: number | undefined } | null;
type Status = 'active' | 'aborted' | 'committed' | 'rolled_back';

/**
 * Runs `body` against a buffered view with optimistic concurrency: the view
 * records the version of every key it reads or writes (when first touched)
 * and the key set of every prefix it lists; commit re-checks them all and
 * applies the buffer synchronously, so no other operation can interleave.
 */
export async function runTransaction<R>(
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
  let result: R;
  try {
    result = await body(tx.view);
  } catch (error) {
    throw tx.rollback(error);
  }
  tx.commit();
  return result;
}

function createTransaction(host: TransactionHost) {
  const { state, now } = host;
  const writes = new Map<string, Write>();
  const touched = new Map<string, number>();
  const scans = new Map<string, ReadonlySet<string>>();
  let status: Status = 'active';
  let abortError: TransactionError | undefined;
  let abortReason: string | undefined;

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

  function touch(key: string): void {
    if (!touched.has(key)) touched.set(key, state.version(key));
  }

  function own(write: Write): string | undefined {
    if (write === null) return undefined;
    if (write.expiresAt !== undefined && write.expiresAt <= now()) return undefined;
    return write.value;
  }

  function read(key: string): string | undefined {
    if (writes.has(key)) return own(writes.get(key) as Write);
    touch(key);
    return state.get(key)?.value;
  }

  function write(key: string, value: string, ttlMs: number | undefined): void {
    touch(key);
    writes.set(key, { value, expiresAt: ttlMs === undefined ? undefined : now() + ttlMs });
  }

  const view: MemoryTransaction = {
    async load(key: string) {
      guard();
      return read(validateMemoryKey(key));
    },
    async loadMany(keys: readonly string[]) {
      guard();
      return validateMemoryKeys(keys).map(read);
    },
    async keys(prefix?: string) {
      guard();
      const p = validateKeyPrefix(prefix);
      const live = state.keys(p);
      if (!scans.has(p)) scans.set(p, new Set(live));
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
      write(k, v, validateStoreOptions(options));
    },
    async storeMany(entries: readonly MemoryEntry[], options?: StoreOptions) {
      guard();
      const valid = validateMemoryEntries(entries, host.maxValueBytes);
      const ttlMs = validateStoreOptions(options);
      for (const { key, value } of valid) write(key, value, ttlMs);
    },
    async delete(key: string) {
      guard();
      const k = validateMemoryKey(key);
      const existed = read(k) !== undefined;
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
    /** Checks for conflicts and applies the buffered writes, all synchronously. */
    commit(): void {
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
      const conflict = findConflicts();
      if (conflict !== undefined) throw conflict;
      const at = now();
      for (const [key, w] of writes) {
        if (w === null || (w.expiresAt !== undefined && w.expiresAt <= at)) state.delete(key);
        else state.set(key, w.value, w.expiresAt);
      }
      status = 'committed';
    },
  };

  function findConflicts(): TransactionError | undefined {
    const keys = new Set<string>();
    for (const [key, version] of touched) if (state.version(key) !== version) keys.add(key);
    const prefixes: string[] = [];
    for (const [prefix, seen] of scans) {
      const current = state.keys(prefix);
      const changed = current.filter((key) => !seen.has(key));
      const currentSet = new Set(current);
      for (const key of seen) if (!currentSet.has(key)) changed.push(key);
      for (const key of changed) keys.add(key);
      if (changed.length > 0) prefixes.push(prefix);
    }
    return keys.size === 0 ? undefined : transactionConflictError(keys, prefixes);
  }
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
