import { dirname } from 'node:path';
import {
  inMemoryMemory,
  isSkreaverError,
  type Memory,
  type MemoryEntry,
  type MemoryHealth,
  type MemoryTransaction,
  type StoreOptions,
  ValidationError,
} from 'skreaver';
import { atomicWriter } from './_atomic-write.js';
import { FILE_HEAD_EXTRA, toFileText } from './_file-format.js';
import { errnoCode } from './_fs.js';
import { groupCommit } from './_group-commit.js';
import { ioError } from './_io-error.js';
import { acquireLock } from './_lock.js';
import { closedError, rethrowLimit, trackedTransaction } from './_memory-errors.js';
import { readMemoryFile, removeLeftovers } from './_read-file.js';
import { resolveOptions } from './_resolve-options.js';
import type { FileMemoryOptions } from './options.js';

/**
 * The memory {@link fileMemory} returns: a `Memory` whose optional
 * methods are all present.
 */
export interface FileMemory extends Memory {
  /** The memory file, as an absolute path. */
  readonly path: string;
  /** See `Memory.transaction`; resolves once the commit is on disk. */
  transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R>;
  /** See `Memory.snapshot`. */
  snapshot(): Promise<string>;
  /** See `Memory.restore`; resolves once the restored content is on disk. */
  restore(snapshot: string): Promise<void>;
  /**
   * Writes whatever is not yet on disk, releases the lock and the directory
   * handle; later operations reject with `memory_closed`. When that last
   * write fails it rejects (`memory_io`) and the memory stays open, so no
   * data is dropped: retry `close()` once the cause is fixed.
   */
  close(): Promise<void>;
  /** Checks the directory, the file and that the lock is still this memory's. */
  health(): Promise<MemoryHealth>;
}

/**
 * A memory kept in one JSON file, for a single process: the whole content
 * lives in memory and every change is written durably before its promise
 * resolves (write a temporary file, fsync it, rename it over the file, fsync
 * the directory), so a crash leaves the previous or the new content, never a
 * torn file. Changes made while a write is in flight share the next write
 * (storing 10,000 keys at once is one or two rewrites, not 10,000). A lock
 * file keeps other memories, in this process or others, from opening the
 * same file; a lock left by a process that has ended is taken over.
 *
 * Declares every capability: transactions (optimistic, as in
 * `inMemoryMemory`), snapshots and TTL. Reads the Rust original's flat
 * `{"key":"value"}` file too, and rewrites it in this format on the first write.
 *
 * @throws `ValidationError` `invalid_options`; `MemoryError`
 * `memory_unavailable` (the file is in use; `data.pid`), `snapshot_invalid`
 * (the file is damaged; it is never replaced by an empty memory),
 * `memory_limit_exceeded` or `memory_io`.
 * @example
 * ```ts
 * import { fileMemory } from 'skreaver/memory/file';
 *
 * const memory = await fileMemory({ path: './agent-state.json' });
 * await memory.store('user:42', '{"name":"Ada"}'); // on disk once this resolves
 * await memory.transaction(async (tx) => {
 *   const visits = Number((await tx.load('visits')) ?? '0');
 *   await tx.store('visits', String(visits + 1));
 * });
 * await memory.close();
 * ```
 */
export async function fileMemory(options: FileMemoryOptions): Promise<FileMemory> {
  const o = resolveOptions(options);
  const { fs } = o;
  // Writes replace the file by rename, which would turn a symbolic link into
  // a plain file: work on the file the link points to instead.
  const path = await fs.realpath(o.path).catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT') return o.path;
    throw ioError('resolve the path', o.path, error);
  });
  const lockPath = `${path}.lock`;
  // The content and its semantics (validation, TTL, optimistic transactions,
  // snapshots) are the reference memory's; this adapter adds the disk.
  const state = inMemoryMemory({
    maxValueBytes: o.maxValueBytes,
    maxSnapshotBytes: o.maxFileBytes - FILE_HEAD_EXTRA,
    now: o.now,
  });
  const lock = await acquireLock({
    fs,
    path,
    lockPath,
    mode: o.fileMode,
    wait: o.waitForLock,
    timeoutMs: o.lockTimeoutMs,
    retryMs: o.lockRetryMs,
  });
  let fileExists: boolean;
  try {
    fileExists = await readMemoryFile(fs, path, o.maxFileBytes, state);
    await removeLeftovers(fs, path);
  } catch (error) {
    await lock.release().catch(() => undefined);
    throw error;
  }

  const writer = atomicWriter(fs, path, o.fileMode);
  const commits = groupCommit({
    delayMs: o.flushIntervalMs,
    serialize: () =>
      state
        .snapshot()
        .then(toFileText, (error) => rethrowLimit(error, path, o.maxFileBytes, 'file')),
    write: async (text) => {
      await writer.write(text);
      fileExists = true;
    },
  });
  let status: 'open' | 'closing' | 'closed' = 'open';
  let closing: Promise<void> | undefined;
  // Writes between their start and the moment they join a group commit;
  // close() waits for them so that a write started before close() is kept.
  let active = 0;
  const drained: (() => void)[] = [];

  function leave(changed: boolean): Promise<void> {
    active--;
    const written = changed ? commits.commit() : Promise.resolve();
    if (active === 0) for (const resolve of drained.splice(0)) resolve();
    return written;
  }

  /** Applies a change to the state, then resolves once it is on disk. */
  async function write<T>(apply: () => Promise<T>, changed: (result: T) => boolean): Promise<T> {
    assertOpen();
    active++;
    let result: T;
    try {
      result = await apply();
    } catch (error) {
      void leave(false);
      throw error;
    }
    await leave(changed(result));
    return result;
  }

  function assertOpen(): void {
    if (status !== 'open') throw closedError(path);
  }

  async function shutdown(): Promise<void> {
    status = 'closing';
    try {
      for (;;) {
        if (active > 0) await new Promise<void>((resolve) => drained.push(resolve));
        else if (commits.busy) await commits.flush();
        else break;
      }
    } catch (error) {
      status = 'open';
      throw error;
    }
    // Synchronously after the last check: no change can slip in unwritten.
    status = 'closed';
    commits.end(closedError(path));
    await state.close();
    const failures: unknown[] = [];
    await writer
      .close()
      .catch((error: unknown) => failures.push(ioError('close', dirname(path), error)));
    await lock.release().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }

  return {
    path,
    capabilities: Object.freeze({ transactions: true, snapshots: true, ttl: true }),

    // Reads hand back the state's own promise: no second async frame on the hot path.
    load(key: string) {
      return status === 'open' ? state.load(key) : Promise.reject(closedError(path));
    },

    loadMany(keys: readonly string[]) {
      return status === 'open' ? state.loadMany(keys) : Promise.reject(closedError(path));
    },

    keys(prefix?: string) {
      return status === 'open' ? state.keys(prefix) : Promise.reject(closedError(path));
    },

    store(key: string, value: string, storeOptions?: StoreOptions) {
      return write(
        () => state.store(key, value, storeOptions),
        () => true,
      );
    },

    storeMany(entries: readonly MemoryEntry[], storeOptions?: StoreOptions) {
      return write(
        () => state.storeMany(entries, storeOptions),
        () => true,
      );
    },

    delete(key: string) {
      // Deleting an absent key changes nothing, so there is nothing to write.
      return write(
        () => state.delete(key),
        (existed) => existed,
      );
    },

    async transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R> {
      assertOpen();
      if (typeof body !== 'function') {
        throw new ValidationError(
          'invalid_input',
          'transaction() expects a function (tx) => ... as its body.',
        );
      }
      let wrote = false;
      let counted = false;
      try {
        const result = await state.transaction(async (tx) => {
          const value = await body(
            trackedTransaction(tx, () => {
              wrote = true;
            }),
          );
          // From the commit until it joins a group commit, close() waits for it.
          active++;
          counted = true;
          return value;
        });
        counted = false;
        // A read-only transaction changed nothing, so there is nothing to write.
        await leave(wrote);
        return result;
      } catch (error) {
        if (counted) void leave(false);
        throw error;
      }
    },

    async snapshot() {
      assertOpen();
      return state
        .snapshot()
        .catch((error: unknown) => rethrowLimit(error, path, o.maxFileBytes, 'snapshot'));
    },

    restore(snapshot: string) {
      return write(
        () =>
          state
            .restore(snapshot)
            .catch((error: unknown) => rethrowLimit(error, path, o.maxFileBytes, 'snapshot')),
        () => true,
      );
    },

    close() {
      if (status === 'closed') return Promise.resolve();
      closing ??= shutdown().finally(() => {
        closing = undefined;
      });
      return closing;
    },

    async health() {
      const started = performance.now();
      const report = (error?: { code: string; message: string }): MemoryHealth => ({
        status: error === undefined ? 'ok' : 'down',
        latencyMs: performance.now() - started,
        backend: 'file',
        ...(error === undefined ? {} : { error: { code: error.code, message: error.message } }),
      });
      if (status !== 'open') return report(closedError(path));
      try {
        await fs.stat(dirname(path));
        await fs.stat(path).catch((error: unknown) => {
          // Before the first write there is no file yet, and that is fine.
          if (fileExists || errnoCode(error) !== 'ENOENT') throw error;
        });
        if (!(await lock.isHeld())) {
          return report({
            code: 'memory_unavailable',
            message: `This memory no longer holds the lock ${lockPath}: it was deleted or taken over. Close this memory, or its writes may overwrite another writer's.`,
          });
        }
        const failure = commits.failure;
        return report(isSkreaverError(failure) ? failure : undefined);
      } catch (error) {
        return report(ioError('check', path, error));
      }
    },
  };
}
