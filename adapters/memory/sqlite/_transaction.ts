import type BetterSqlite3 from 'better-sqlite3';
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
import { listKeys, type Statements, type VersionedRow } from './_statements.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost {
  readonly db: BetterSqlite3.Database;
  readonly statements: Statements;
  readonly namespace: string;
  readonly now: () => number;
  readonly maxValueBytes: number;
  /** Throws `memory_closed` when the memory is closed. */
  assertOpen(): void;
  isClosed(): boolean;
  /** Runs `fn`, turning native failures into core errors. */
  io<T>(operation: string, fn: () => T): T;
  /** Draws the version of a new write (see _version.ts). */
  nextVersion(): number;
  /** Counts writes for the expiry sweep. */
  wrote(count: number): void;
}

type Write = { readonly value: string; readonly expiresAt: number | undefined } | null;
type Status = 'active' | 'aborted' | 'committed' | 'rolled_back';

/** The version a transaction records for a key that is absent (or expired). */
const ABSENT = 0;

/**
 * Runs `body` optimistically, like the in-memory memory: writes are buffered
 * in JavaScript, reads see them first and otherwise read the database,
 * recording each key's row version when first touched (and, for listed
 * prefixes, the set of keys). Commit is one synchronous
 * `BEGIN IMMEDIATE` transaction that re-checks every recorded version and
 * applies the buffer, so a change by any connection, in this process or
 * another, between first touch and commit rejects with `transaction_conflict`.
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
  const { statements, namespace: ns, now } = host;
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

  function live(expiresAt: number | null, at: number): boolean {
    return expiresAt === null || expiresAt > at;
  }

  /** The version readers see for `key` now (ABSENT when missing or expired). */
  function currentVersion(key: string, at: number): number {
    const row = statements.version.get(ns, key) as [number | null, number] | undefined;
    return row !== undefined && live(row[0], at) ? row[1] : ABSENT;
  }

  function own(write: Write): string | undefined {
    if (write === null) return undefined;
    if (write.expiresAt !== undefined && write.expiresAt <= now()) return undefined;
    return write.value;
  }

  function read(key: string): string | undefined {
    if (writes.has(key)) return own(writes.get(key) as Write);
    const row = host.io('load', () => statements.loadVersioned.get(ns, key)) as
      | VersionedRow
      | undefined;
    const isLive = row !== undefined && live(row[1], now());
    if (!touched.has(key)) touched.set(key, isLive ? row[2] : ABSENT);
    return isLive ? row[0] : undefined;
  }

  function write(key: string, value: string, ttlMs: number | undefined): void {
    if (!touched.has(key)) {
      touched.set(
        key,
        host.io('store', () => currentVersion(key, now())),
      );
    }
    writes.set(key, { value, expiresAt: ttlMs === undefined ? undefined : now() + ttlMs });
  }

  function listed(prefix: string): string[] {
    const found = listKeys(statements, ns, prefix, now());
    if (!scans.has(prefix)) scans.set(prefix, new Set(found));
    return found;
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
      const found = new Set(host.io('keys', () => listed(p)));
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

  function findConflicts(): TransactionError | undefined {
    const at = now();
    const keys = new Set<string>();
    for (const [key, version] of touched) {
      if (currentVersion(key, at) !== version) keys.add(key);
    }
    const prefixes: string[] = [];
    for (const [prefix, seen] of scans) {
      const current = listKeys(statements, ns, prefix, at);
      const changed = current.filter((key) => !seen.has(key));
      const currentSet = new Set(current);
      for (const key of seen) if (!currentSet.has(key)) changed.push(key);
      for (const key of changed) keys.add(key);
      if (changed.length > 0) prefixes.push(prefix);
    }
    return keys.size === 0 ? undefined : transactionConflictError(keys, prefixes);
  }

  function apply(): void {
    const conflict = findConflicts();
    if (conflict !== undefined) throw conflict;
    const at = now();
    const version = host.nextVersion();
    for (const [key, w] of writes) {
      if (w === null || (w.expiresAt !== undefined && w.expiresAt <= at)) {
        statements.delete.get(ns, key);
      } else {
        statements.store.run(ns, key, w.value, w.expiresAt ?? null, version);
      }
    }
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
    /** Checks for conflicts and applies the buffered writes in one SQLite transaction. */
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
      if (touched.size === 0 && scans.size === 0 && writes.size === 0) {
        status = 'committed';
        return;
      }
      try {
        // A read-only transaction only checks, under a read snapshot; one
        // that writes takes the write lock first so that no other connection
        // can commit between the check and the writes.
        host.io('transaction commit', () =>
          writes.size === 0
            ? host.db.transaction(findConflictsOrThrow).deferred()
            : host.db.transaction(apply).immediate(),
        );
      } catch (error) {
        if (error instanceof TransactionError) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        throw new TransactionError(
          'transaction_failed',
          `The transaction could not commit (${detail}); nothing was kept.`,
          { cause: error },
        );
      }
      host.wrote(writes.size);
      status = 'committed';
    },
  };

  function findConflictsOrThrow(): void {
    const conflict = findConflicts();
    if (conflict !== undefined) throw conflict;
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
