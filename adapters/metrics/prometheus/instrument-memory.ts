import {
  type Memory,
  type MemoryEntry,
  type MemoryReader,
  type MemoryTransaction,
  type MemoryWriter,
  type StoreOptions,
  ValidationError,
} from 'skreaver';
import type { MemoryMetricsRecorder, MemoryOp } from './types.js';

type ReadWrite = MemoryReader & MemoryWriter;

/**
 * A view of `memory` that reports every operation to `metrics.memoryOp`:
 * `load`, `loadMany` and `keys` as `read`; `store`, `storeMany` and `delete`
 * as `write`; `snapshot` as `backup`; `restore` as `restore`. Reads and writes
 * inside a transaction count one by one. Results, errors, capabilities,
 * `health()` and `close()` pass through unchanged (close closes `memory`).
 *
 * The core's `Memory` has no metrics hook, so wrap the memory you give the
 * coordinator: `createCoordinator({ registry, memory: instrumentMemory(memory, metrics) })`.
 *
 * @throws `ValidationError` with code `invalid_options` when `memory` is not a
 * Memory or `metrics` has no `memoryOp` method.
 * @example
 * ```ts
 * const metrics = prometheusMetrics();
 * const memory = instrumentMemory(inMemoryMemory(), metrics);
 * await memory.store('greeting', 'hello'); // skreaver_memory_ops_total{op="write"} 1
 * ```
 */
export function instrumentMemory(memory: Memory, metrics: MemoryMetricsRecorder): Memory {
  if (typeof memory !== 'object' || memory === null || typeof memory.load !== 'function') {
    throw new ValidationError(
      'invalid_options',
      'instrumentMemory: the first argument must be a Memory.',
    );
  }
  if (typeof metrics?.memoryOp !== 'function') {
    throw new ValidationError(
      'invalid_options',
      'instrumentMemory: the second argument must have a memoryOp method.',
    );
  }

  const report = (op: MemoryOp, ok: boolean): void => {
    try {
      metrics.memoryOp({ op, ok });
    } catch {
      // A recorder must not throw; if one does, the operation's result still stands.
    }
  };

  async function counted<T>(op: MemoryOp, run: () => Promise<T>): Promise<T> {
    let ok = false;
    try {
      const result = await run();
      ok = true;
      return result;
    } finally {
      report(op, ok);
    }
  }

  function view(target: ReadWrite): ReadWrite {
    return {
      load: (key: string) => counted('read', () => target.load(key)),
      loadMany: (keys: readonly string[]) => counted('read', () => target.loadMany(keys)),
      keys: (prefix?: string) => counted('read', () => target.keys(prefix)),
      store: (key: string, value: string, options?: StoreOptions) =>
        counted('write', () => target.store(key, value, options)),
      storeMany: (entries: readonly MemoryEntry[], options?: StoreOptions) =>
        counted('write', () => target.storeMany(entries, options)),
      delete: (key: string) => counted('write', () => target.delete(key)),
    };
  }

  const wrapped: Memory = { ...view(memory), capabilities: memory.capabilities };
  const { transaction, snapshot, restore, close, health } = memory;
  const mutable = wrapped as { -readonly [K in keyof Memory]: Memory[K] };
  if (typeof transaction === 'function') {
    mutable.transaction = <R>(body: (tx: MemoryTransaction) => R | Promise<R>) =>
      transaction.call(memory, (tx: MemoryTransaction) =>
        body({ ...view(tx), abort: (reason?: string) => tx.abort(reason) }),
      ) as Promise<R>;
  }
  if (typeof snapshot === 'function') {
    mutable.snapshot = () => counted('backup', () => snapshot.call(memory));
  }
  if (typeof restore === 'function') {
    mutable.restore = (text: string) => counted('restore', () => restore.call(memory, text));
  }
  if (typeof close === 'function') mutable.close = () => close.call(memory);
  if (typeof health === 'function') mutable.health = () => health.call(memory);
  return wrapped;
}
