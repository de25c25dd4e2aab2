import type BetterSqlite3 from 'better-sqlite3';

/**
 * SQLite's `synchronous` setting: when a commit waits for the disk.
 * `'FULL'` syncs the write-ahead log on every commit, so an acknowledged
 * write survives a power loss or an OS crash (on a disk that honours fsync).
 * `'NORMAL'` syncs only at checkpoints: still safe against a crashing or
 * killed process and never corrupts the file, but a power loss can undo the
 * last commits. `'EXTRA'` is `'FULL'` plus a directory sync after a rollback
 * journal is deleted (journal mode `'DELETE'`).
 */
export type SqliteSynchronous = 'NORMAL' | 'FULL' | 'EXTRA';

/** Options of `sqliteMemory`. Give either `path` or `database`. */
export interface SqliteMemoryOptions {
  /**
   * The database file, created when missing (its directory must exist)
   * unless `create` is false; `':memory:'` for a private in-memory
   * database that ends with the memory. Relative paths resolve against the
   * current directory at open. Ignored when `database` is given.
   * @defaultValue none: `path` or `database` is required
   */
  readonly path?: string;
  /**
   * An open better-sqlite3 `Database` to use instead of opening `path`. The
   * memory creates its tables in it and never closes it. Its pragmas stay as
   * you set them, except those you pass here explicitly (`busyTimeoutMs`,
   * `synchronous`, `journalMode`).
   * @defaultValue none
   */
  readonly database?: BetterSqlite3.Database;
  /**
   * The namespace this memory reads and writes: a memory key (letters,
   * digits, `_`, `-`, `.`, `:`), stored in its own column, so keys keep
   * their full 128 bytes. Memories on one file with different namespaces
   * never see each other's keys, snapshots or restores.
   * @defaultValue 'default'
   */
  readonly namespace?: string;
  /**
   * How long an operation waits for another connection's write lock before
   * it rejects with `memory_unavailable`, in milliseconds.
   * @defaultValue 5000
   */
  readonly busyTimeoutMs?: number;
  /**
   * When commits wait for the disk; see {@link SqliteSynchronous}.
   * @defaultValue 'FULL' (every acknowledged write survives a power loss)
   */
  readonly synchronous?: SqliteSynchronous;
  /**
   * The journal mode. `'WAL'` lets readers run while one connection writes,
   * and commits append to the log instead of rewriting pages. Ignored for
   * `':memory:'`.
   * @defaultValue 'WAL'
   */
  readonly journalMode?: 'WAL' | 'DELETE';
  /**
   * Whether a missing file is created. With `false`, a mistyped path
   * rejects with `memory_io` instead of starting an empty memory.
   * @defaultValue true
   */
  readonly create?: boolean;
  /**
   * Runs `PRAGMA quick_check` when opening, so damage anywhere in the file
   * is reported at once (`memory_io` naming the file) rather than by the
   * first read that meets it. It reads the whole file: O(size).
   * @defaultValue false (damage to the header or schema is still found at open)
   */
  readonly quickCheck?: boolean;
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one rejects with
   * `memory_limit_exceeded` (also inside transactions and restores).
   * @defaultValue 16777216 (16 MiB)
   */
  readonly maxValueBytes?: number;
  /**
   * Largest snapshot `restore()` accepts and `snapshot()` produces, in
   * UTF-8 bytes; past it both reject with `memory_limit_exceeded`.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxSnapshotBytes?: number;
  /**
   * Expired rows are filtered out of every read at once; they are deleted
   * from the file by a sweep of this namespace after every so many writes
   * through this memory.
   * @defaultValue 1000
   */
  readonly sweepEveryWrites?: number;
  /**
   * The clock TTLs are measured with, in epoch milliseconds. Processes
   * sharing a file should share a clock (the default, the system's).
   * @defaultValue Date.now
   */
  readonly now?: () => number;
}
