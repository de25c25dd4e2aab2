import { isSkreaverError, MemoryError, type MemoryTransaction } from 'skreaver';
import { FILE_HEAD_EXTRA } from './_file-format.js';

/** The error of every operation on a closed file memory. */
export function closedError(path: string): MemoryError {
  return new MemoryError(
    'memory_closed',
    `This file memory (${path}) is closed; open the file again with fileMemory() to keep working.`,
  );
}

/**
 * Rethrows `error`, restating a `memory_limit_exceeded` from the in-memory
 * state (which speaks of snapshots) in terms of the file and its option.
 */
export function rethrowLimit(
  error: unknown,
  path: string,
  maxFileBytes: number,
  what: 'file' | 'snapshot',
): never {
  if (!isSkreaverError(error, 'memory_limit_exceeded')) throw error;
  const bytes = (error.data as { bytes?: number } | undefined)?.bytes ?? Number.NaN;
  throw new MemoryError(
    'memory_limit_exceeded',
    what === 'file'
      ? `The memory file ${path} would be ${bytes + FILE_HEAD_EXTRA} bytes, over the ${maxFileBytes} this memory allows (option maxFileBytes). The changes stay in memory but are not on disk: delete entries (or raise the limit) and the next write saves them.`
      : `The snapshot is ${bytes} bytes, over the ${maxFileBytes} this memory allows for its file (option maxFileBytes).`,
    { data: { path, bytes, maxBytes: maxFileBytes }, cause: error },
  );
}

/** A view of `tx` that calls `wrote` before each write. */
export function trackedTransaction(tx: MemoryTransaction, wrote: () => void): MemoryTransaction {
  return {
    load: (key) => tx.load(key),
    loadMany: (keys) => tx.loadMany(keys),
    keys: (prefix) => tx.keys(prefix),
    store(key, value, options) {
      wrote();
      return tx.store(key, value, options);
    },
    storeMany(entries, options) {
      wrote();
      return tx.storeMany(entries, options);
    },
    delete(key) {
      wrote();
      return tx.delete(key);
    },
    abort: (reason) => tx.abort(reason),
  };
}
