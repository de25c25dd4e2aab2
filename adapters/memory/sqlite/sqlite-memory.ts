import { existsSync } from 'node:fs';
import type Database from 'better-sqlite3';
import {
  formatMemorySnapshot,
  type Memory,
  type MemoryEntry,
  MemoryError,
  type MemoryHealth,
  type MemoryTransaction,
  parseMemorySnapshot,
  type StoreOptions,
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from 'skreaver';
import { type ErrorContext, mapSqliteError } from './_errors.js';
import { openDatabase } from './_open.js';
import { resolveOptions } from './_resolve-options.js';
import { listKeys, prepareStatements, type Statements } from './_statements.js';
import { runTransaction, type TransactionHost } from './_transaction.js';
import { versionSource } from './_version.js';
import type { SqliteMemoryOptions } from './options.js';

/**
 * The memory {@link sqliteMemory} returns: a `Memory` with every
 * optional method present.
 */
export interface SqliteMemory extends Memory {
  /** The namespace this memory reads and writes. */
  readonly namespace: string;
  /** The database file (absolute path), or `':memory:'`. */
  readonly path: string;
  /** See `Memory.transaction`. */
  transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R>;
  /** See `Memory.snapshot`; holds this namespace only. */
  snapshot(): Promise<string>;
  /** See `Memory.restore`; replaces this namespace only, in one SQLite transaction. */
  restore(snapshot: string): Promise<void>;
  /** Closes the database when this memory opened it (never a `database` you passed). */
  close(): Promise<void>;
  /** `SELECT 1` round trip, plus a check that the file still exists. */
  health(): Promise<MemoryHealth>;
}

type Row = [key: string, value: string, expiresAt: number | null];

/**
 * A memory in a SQLite file through better-sqlite3: WAL journal, busy
 * timeout, versioned migrations, one namespace per memory (a column, so
 * many memories can share a file), optimistic transactions that also detect
 * conflicts with other processes, snapshots and restores scoped to the
 * namespace, and TTLs. Every write is one SQLite transaction, committed
 * before the promise resolves; with the default `synchronous: 'FULL'` it is
 * on disk by then.
 *
 * @throws `ValidationError` `invalid_options` for bad options;
 * `MemoryError` `memory_io` naming the file when it cannot be opened,
 * is not a SQLite database, or is damaged; `memory_unavailable` when another
 * connection holds the lock past `busyTimeoutMs`.
 * @example
 * ```ts
 * import { sqliteMemory } from 'skreaver/memory/sqlite';
 *
 * const memory = await sqliteMemory({ path: './state.db', namespace: 'agent-1' });
 * await memory.store('user:42', '{"name":"Ada"}', { ttlMs: 86_400_000 });
 * await memory.transaction(async (tx) => {
 *   const visits = Number((await tx.load('visits')) ?? '0');
 *   await tx.store('visits', String(visits + 1));
 * });
 * await memory.close();
 * ```
 */
export async function sqliteMemory(options: SqliteMemoryOptions): Promise<SqliteMemory> {
  const resolved = resolveOptions(options);
  const { namespace: ns, now, maxValueBytes, maxSnapshotBytes } = resolved;
  const { db, owned, path, inMemory } = await openDatabase(resolved);
  const context: ErrorContext = { path, busyTimeoutMs: resolved.busyTimeoutMs };
  const s = prepareOrClose(db, owned, context);
  const nextVersion = versionSource();
  let closed = false;
  let writesSinceSweep = 0;

  // A `database` closed by its owner is reported by the first statement that
  // meets it (mapSqliteError turns that into memory_closed), so the hot path
  // checks only the flag.
  function assertOpen(): void {
    if (closed) {
      throw new MemoryError(
        'memory_closed',
        'This memory is closed; create a new one to keep working.',
        { data: { path } },
      );
    }
  }

  function io<T>(operation: string, fn: () => T): T {
    try {
      return fn();
    } catch (error) {
      throw mapSqliteError(error, context, operation);
    }
  }

  function wrote(count: number): void {
    writesSinceSweep += count;
    if (writesSinceSweep < resolved.sweepEveryWrites) return;
    writesSinceSweep = 0;
    try {
      s.sweep.run(ns, now());
    } catch {
      // Housekeeping only: expired rows are already invisible, and failing
      // the write that has just committed would misreport it. The next
      // sweep tries again.
    }
  }

  function expiry(ttlMs: number | undefined): number | null {
    return ttlMs === undefined ? null : now() + ttlMs;
  }

  // better-sqlite3 transaction functions, built once. A batch gives all its
  // rows one new version: a transaction compares versions key by key.
  const storeBatch = db.transaction(
    (entries: readonly { key: string; value: string }[], expiresAt: number | null) => {
      const version = nextVersion();
      for (const { key, value } of entries) s.store.run(ns, key, value, expiresAt, version);
    },
  ).immediate;
  const loadBatch = db.transaction((keys: readonly string[], at: number) =>
    keys.map((key) => s.load.get(ns, key, at) as string | undefined),
  ).deferred;
  const replaceAll = db.transaction(
    (entries: ReadonlyMap<string, string>, expiresAt: ReadonlyMap<string, number>, at: number) => {
      s.clear.run(ns);
      const version = nextVersion();
      for (const [key, value] of entries) {
        const expires = expiresAt.get(key);
        if (expires === undefined || expires > at) {
          s.store.run(ns, key, value, expires ?? null, version);
        }
      }
    },
  ).immediate;

  const host: TransactionHost = {
    db,
    statements: s,
    namespace: ns,
    now,
    maxValueBytes,
    assertOpen,
    isClosed: () => closed || !db.open,
    io,
    nextVersion,
    wrote,
  };

  return {
    namespace: ns,
    path,
    capabilities: Object.freeze({ transactions: true, snapshots: true, ttl: true }),

    async load(key: string) {
      assertOpen();
      const k = validateMemoryKey(key);
      // Inlined rather than through io(): the hot path allocates no closure.
      try {
        return s.load.get(ns, k, now()) as string | undefined;
      } catch (error) {
        throw mapSqliteError(error, context, 'load');
      }
    },

    async loadMany(keys: readonly string[]) {
      assertOpen();
      const valid = validateMemoryKeys(keys);
      if (valid.length === 0) return [];
      // One read transaction: every value from the same moment.
      return io('loadMany', () => loadBatch(valid, now()));
    },

    async keys(prefix?: string) {
      assertOpen();
      const p = validateKeyPrefix(prefix);
      return io('keys', () => listKeys(s, ns, p, now()));
    },

    async store(key: string, value: string, storeOptions?: StoreOptions) {
      assertOpen();
      const k = validateMemoryKey(key);
      const v = validateMemoryValue(k, value, maxValueBytes);
      const expiresAt = expiry(validateStoreOptions(storeOptions));
      try {
        s.store.run(ns, k, v, expiresAt, nextVersion());
      } catch (error) {
        throw mapSqliteError(error, context, 'store');
      }
      wrote(1);
    },

    async storeMany(entries: readonly MemoryEntry[], storeOptions?: StoreOptions) {
      assertOpen();
      // Everything is checked before the first write: all or nothing.
      const valid = validateMemoryEntries(entries, maxValueBytes);
      const expiresAt = expiry(validateStoreOptions(storeOptions));
      if (valid.length === 0) return;
      io('storeMany', () => storeBatch(valid, expiresAt));
      wrote(valid.length);
    },

    async delete(key: string) {
      assertOpen();
      const k = validateMemoryKey(key);
      const expiresAt = io('delete', () => s.delete.get(ns, k)) as number | null | undefined;
      if (expiresAt === undefined) return false;
      wrote(1);
      return expiresAt === null || expiresAt > now();
    },

    transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R> {
      return runTransaction(host, body);
    },

    async snapshot() {
      assertOpen();
      const rows = io('snapshot', () => s.entries.all(ns, now())) as Row[];
      const entries = new Map<string, string>();
      const expiresAt = new Map<string, number>();
      for (const [key, value, expires] of rows) {
        entries.set(key, value);
        if (expires !== null) expiresAt.set(key, expires);
      }
      const text = formatMemorySnapshot({ entries, expiresAt, namespace: ns });
      // UTF-16 length bounds the UTF-8 size (1 to 3 bytes a unit): measure only when it must.
      if (text.length * 3 > maxSnapshotBytes && Buffer.byteLength(text) > maxSnapshotBytes) {
        const bytes = Buffer.byteLength(text);
        throw new MemoryError(
          'memory_limit_exceeded',
          `The snapshot of namespace '${ns}' would be ${bytes} bytes; this memory allows at most ${maxSnapshotBytes} (option maxSnapshotBytes). Raise the limit or store less.`,
          { data: { bytes, maxBytes: maxSnapshotBytes } },
        );
      }
      return text;
    },

    async restore(snapshot: string) {
      assertOpen();
      // Validated completely before the database is touched; then one
      // transaction replaces this namespace's rows and no other.
      const content = parseMemorySnapshot(snapshot, {
        maxSnapshotBytes,
        maxValueBytes,
        namespace: ns,
      });
      io('restore', () => replaceAll(content.entries, content.expiresAt, now()));
    },

    async close() {
      if (closed) return;
      closed = true;
      if (owned && db.open) db.close();
    },

    async health() {
      const start = performance.now();
      const latencyMs = () => performance.now() - start;
      try {
        assertOpen();
        s.ping.get();
        if (!inMemory && !existsSync(path)) {
          throw new MemoryError(
            'memory_io',
            `The SQLite database file ${path} no longer exists; writes would go to a deleted file. Restore it and open a new memory.`,
            { data: { path, operation: 'health' } },
          );
        }
        return { status: 'ok', latencyMs: latencyMs(), backend: 'sqlite' };
      } catch (error) {
        const mapped = mapSqliteError(error, context, 'health') as MemoryError;
        return {
          status: 'down',
          latencyMs: latencyMs(),
          backend: 'sqlite',
          error: { code: mapped.code, message: mapped.message },
        };
      }
    },
  };
}

function prepareOrClose(db: Database.Database, owned: boolean, context: ErrorContext): Statements {
  try {
    return prepareStatements(db);
  } catch (error) {
    if (owned) db.close();
    throw mapSqliteError(error, context, 'open');
  }
}
