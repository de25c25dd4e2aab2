import type BetterSqlite3 from 'better-sqlite3';
import {
  bufferedValue,
  conflictCheck,
  type MemoryTransaction,
  type OptimisticBackend,
  type OptimisticCommit,
  runOptimisticTransaction,
  TransactionError,
} from 'skreaver';
import { listKeys, type Statements, type VersionedRow } from './_statements.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost
  extends Pick<OptimisticBackend<number>, 'maxValueBytes' | 'assertOpen' | 'isClosed'> {
  readonly db: BetterSqlite3.Database;
  readonly statements: Statements;
  readonly namespace: string;
  readonly now: () => number;
  /** Runs `fn`, turning native failures into core errors. */
  io<T>(operation: string, fn: () => T): T;
  /** Draws the version of a new write (see _version.ts). */
  nextVersion(): number;
  /** Counts writes for the expiry sweep. */
  wrote(count: number): void;
}

/** The version a transaction records for a key that is absent (or expired). */
const ABSENT = 0;

/**
 * Runs `body` optimistically, like the in-memory memory (see the core's
 * `runOptimisticTransaction`): reads record each key's row version when
 * first touched. Commit is one synchronous `BEGIN IMMEDIATE` transaction
 * that re-checks every recorded version and applies the buffer, so a change
 * by any connection, in this process or another, between first touch and
 * commit rejects with `transaction_conflict`.
 */
export function runTransaction<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  const { statements, namespace: ns, now } = host;

  function live(expiresAt: number | null, at: number): boolean {
    return expiresAt === null || expiresAt > at;
  }

  /** The version readers see for `key` now (ABSENT when missing or expired). */
  function currentVersion(key: string, at: number): number {
    const row = statements.version.get(ns, key) as [number | null, number] | undefined;
    return row !== undefined && live(row[0], at) ? row[1] : ABSENT;
  }

  function read(key: string) {
    const row = host.io('load', () => statements.loadVersioned.get(ns, key)) as
      | VersionedRow
      | undefined;
    const isLive = row !== undefined && live(row[1], now());
    return { value: isLive ? row[0] : undefined, version: isLive ? row[2] : ABSENT };
  }

  function findConflicts({ versions, listed }: OptimisticCommit<number>) {
    const at = now();
    const check = conflictCheck();
    for (const [key, version] of versions) if (currentVersion(key, at) !== version) check.key(key);
    for (const [prefix, seen] of listed) {
      check.listing(prefix, seen, listKeys(statements, ns, prefix, at));
    }
    const conflict = check.error();
    if (conflict !== undefined) throw conflict;
  }

  function apply(buffered: OptimisticCommit<number>): void {
    findConflicts(buffered);
    const at = now();
    const version = host.nextVersion();
    for (const [key, w] of buffered.writes) {
      const value = bufferedValue(w, at);
      if (value === undefined) statements.delete.get(ns, key);
      else statements.store.run(ns, key, value, w?.expiresAt ?? null, version);
    }
  }

  function commit(buffered: OptimisticCommit<number>): void {
    const { writes, versions, listed } = buffered;
    if (versions.size === 0 && listed.size === 0 && writes.size === 0) return;
    try {
      // A read-only transaction only checks, under a read snapshot; one
      // that writes takes the write lock first so that no other connection
      // can commit between the check and the writes.
      host.io('transaction commit', () =>
        writes.size === 0
          ? host.db.transaction(findConflicts).deferred(buffered)
          : host.db.transaction(apply).immediate(buffered),
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
  }

  const backend: OptimisticBackend<number> = {
    maxValueBytes: host.maxValueBytes,
    now: () => now(),
    assertOpen: host.assertOpen,
    isClosed: host.isClosed,
    read: (keys) => keys.map(read),
    versions: (keys) => keys.map((key) => host.io('store', () => currentVersion(key, now()))),
    list: (prefix) => host.io('keys', () => listKeys(statements, ns, prefix, now())),
    commit,
  };
  return runOptimisticTransaction(backend, body);
}
