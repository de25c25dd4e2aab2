import type { Pool } from 'pg';

/** Options of {@link postgresMemory}. */
export interface PostgresMemoryOptions {
  /**
   * A PostgreSQL URL (`postgres://user:password@host:5432/database`). Ignored
   * when `pool` is given. When neither is given, node-postgres's defaults
   * apply: the `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD` and `PGDATABASE`
   * environment variables, else `localhost:5432` as the current OS user.
   * @defaultValue undefined (node-postgres defaults)
   */
  readonly connectionString?: string;
  /**
   * A pool you built and own (TLS, credentials, hooks are yours to set).
   * The memory borrows it: `close()` leaves it open, and its `error` event
   * stays yours to handle (an unhandled `error` on a pool whose idle
   * connection the server dropped crashes Node). The pool options below are
   * ignored when it is given.
   * @defaultValue undefined (the memory builds and owns a pool)
   */
  readonly pool?: Pool;
  /**
   * Most connections the memory's own pool opens at once.
   * @defaultValue 10
   */
  readonly max?: number;
  /**
   * How long an unused connection stays open, in milliseconds (0 keeps it).
   * @defaultValue 10000
   */
  readonly idleTimeoutMillis?: number;
  /**
   * How long to wait for a connection (a new one, or a free one when all
   * `max` are busy) before the operation rejects with `memory_unavailable`,
   * in milliseconds; 0 waits forever (node-postgres's own default, which
   * turns an outage into a hang).
   * @defaultValue 10000
   */
  readonly connectionTimeoutMillis?: number;
  /**
   * `application_name` of the memory's own connections, shown in
   * `pg_stat_activity`.
   * @defaultValue 'skreaver-memory'
   */
  readonly applicationName?: string;
  /**
   * The namespace every key of this memory lives in: a column of the table
   * and part of its primary key, so memories with different namespaces share
   * a table without seeing each other's keys, and `snapshot()`/`restore()`
   * cover only their own namespace. It follows the memory-key rules.
   * @defaultValue 'default'
   */
  readonly namespace?: string;
  /**
   * The table holding the entries: lowercase letters, digits and `_`,
   * starting with a letter or `_`, at most 48 characters (room for the
   * names of its indexes).
   * @defaultValue 'skreaver_memory'
   */
  readonly table?: string;
  /**
   * The schema holding the table and the `skreaver_migrations` table, with
   * the same rules as `table`; created when missing.
   * @defaultValue 'public'
   */
  readonly schema?: string;
  /**
   * Whether to create or upgrade the table on open. With `false` the memory
   * only checks that the table is at the version this release expects and
   * rejects with `memory_io` otherwise (for roles without DDL rights; run it
   * once with `true` as the owner).
   * @defaultValue true
   */
  readonly migrate?: boolean;
  /**
   * How many times `transaction()` runs the body again when its commit finds
   * a conflict (another writer changed what it read or wrote). Each retry
   * calls the body afresh, so side effects in the body (an HTTP call, a
   * message) happen again: keep bodies pure or leave this at 0 and retry in
   * the caller. When the retries are used up it rejects with
   * `transaction_conflict`.
   * @defaultValue 0
   */
  readonly retryOnConflict?: number;
  /**
   * Largest value accepted, in UTF-8 bytes; larger ones reject with
   * `memory_limit_exceeded`.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxValueBytes?: number;
  /**
   * Largest snapshot `snapshot()` produces and `restore()` accepts, in UTF-8
   * bytes; past it both reject with `memory_limit_exceeded`.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxSnapshotBytes?: number;
  /**
   * Expired entries are hidden at once and deleted by a sweep of the
   * namespace that a write starts at most this often, in milliseconds (no
   * timer runs; 0 sweeps after every write).
   * @defaultValue 60000
   */
  readonly sweepIntervalMs?: number;
  /**
   * How long `health()` waits for its `SELECT 1`, in milliseconds.
   * @defaultValue 5000
   */
  readonly healthTimeoutMillis?: number;
}
