import type { State } from './_in-memory-state.js';
import type { MemoryTransaction } from './memory.js';
import {
  bufferedValue,
  type OptimisticBackend,
  type OptimisticCommit,
  runOptimisticTransaction,
} from './optimistic-transaction.js';
import { conflictCheck } from './transaction-conflict.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost
  extends Pick<OptimisticBackend<number>, 'maxValueBytes' | 'assertOpen' | 'isClosed'> {
  readonly state: State;
  readonly now: () => number;
}

/**
 * Runs `body` optimistically (see optimistic-transaction.ts) against the
 * map: versions are the state's per-key counters, and commit re-checks them
 * and applies the buffer synchronously, so no other operation can interleave.
 */
export function runTransaction<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  const { state, now } = host;
  const backend: OptimisticBackend<number> = {
    maxValueBytes: host.maxValueBytes,
    now: () => now(),
    assertOpen: host.assertOpen,
    isClosed: host.isClosed,
    read: (keys) =>
      keys.map((key) => ({ version: state.version(key), value: state.get(key)?.value })),
    versions: (keys) => keys.map((key) => state.version(key)),
    list: (prefix) => state.keys(prefix),
    commit: (buffered) => commit(host, buffered),
  };
  return runOptimisticTransaction(backend, body);
}

function commit(host: TransactionHost, { writes, versions, listed }: OptimisticCommit<number>) {
  const { state } = host;
  const check = conflictCheck();
  for (const [key, version] of versions) if (state.version(key) !== version) check.key(key);
  for (const [prefix, seen] of listed) check.listing(prefix, seen, state.keys(prefix));
  const conflict = check.error();
  if (conflict !== undefined) throw conflict;
  const at = host.now();
  for (const [key, w] of writes) {
    const value = bufferedValue(w, at);
    if (value === undefined) state.delete(key);
    else state.set(key, value, w?.expiresAt);
  }
}
