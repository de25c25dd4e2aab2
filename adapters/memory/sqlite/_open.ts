import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { MemoryError } from 'skreaver';
import { type ErrorContext, mapSqliteError } from './_errors.js';
import type { ResolvedOptions } from './_resolve-options.js';
import { migrate } from './_schema.js';

/** An open, configured, migrated database. */
export interface OpenedDatabase {
  readonly db: Database.Database;
  /** Whether this memory opened it (and so closes it). */
  readonly owned: boolean;
  /** The file (absolute) or `:memory:`, for messages and health checks. */
  readonly path: string;
  /** Whether the database lives in memory (no file to check). */
  readonly inMemory: boolean;
}

const MEMORY = ':memory:';

/**
 * Opens (or adopts) the database, applies the pragmas, and migrates the
 * schema. Anything wrong with the file (not a database, damaged header or
 * schema, unreadable, missing with `create: false`) rejects with `memory_io`
 * naming it, and a database this memory opened is closed again: it never
 * carries on with an empty store over a file it could not read.
 */
export async function openDatabase(options: ResolvedOptions): Promise<OpenedDatabase> {
  const given = options.database;
  // better-sqlite3 opens '' as a private temporary database: no file to name or check either.
  const inMemory =
    given === undefined ? options.path === MEMORY : given.memory || given.name === '';
  const path = inMemory ? MEMORY : resolve(given?.name ?? (options.path as string));
  const context: ErrorContext = { path, busyTimeoutMs: options.busyTimeoutMs };
  if (given === undefined && !inMemory && !options.create && !existsSync(path)) {
    throw new MemoryError(
      'memory_io',
      `The SQLite database ${path} does not exist, and create is false; check the path, or pass create: true to start an empty memory there.`,
      { data: { path, operation: 'open' } },
    );
  }
  let db: Database.Database;
  try {
    db =
      given ??
      new Database(inMemory ? MEMORY : path, {
        fileMustExist: !options.create,
        // Always set when this memory opens the file (resolveOptions fills the default).
        ...(options.busyTimeoutMs === undefined ? {} : { timeout: options.busyTimeoutMs }),
      });
  } catch (error) {
    throw mapSqliteError(error, context, 'open');
  }
  try {
    if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${options.busyTimeoutMs}`);
    if (options.journalMode !== undefined && !inMemory) {
      const timeoutMs =
        options.busyTimeoutMs ?? (db.pragma('busy_timeout', { simple: true }) as number);
      await setJournalMode(db, options.journalMode, timeoutMs);
    }
    if (options.synchronous !== undefined) db.pragma(`synchronous = ${options.synchronous}`);
    if (options.quickCheck) quickCheck(db, path);
    migrate(db, path);
  } catch (error) {
    if (given === undefined) db.close();
    throw mapSqliteError(error, context, 'open');
  }
  return { db, owned: given === undefined, path, inMemory };
}

/**
 * Switching into or out of WAL needs exclusive access for a moment. When
 * another connection holds a lock that waiting could deadlock on, SQLite
 * answers SQLITE_BUSY without calling the busy handler, so this retries
 * within the busy timeout. (Reading the header here is also what reports a
 * file that is not a database.)
 */
async function setJournalMode(
  db: Database.Database,
  mode: 'WAL' | 'DELETE',
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      db.pragma(`journal_mode = ${mode}`);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      const busy = typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
      if (!busy || Date.now() >= deadline) throw error;
      await new Promise((done) => setTimeout(done, 5 + Math.random() * 20));
    }
  }
}

function quickCheck(db: Database.Database, path: string): void {
  const problems = db.pragma('quick_check(20)', { simple: false }) as { quick_check: string }[];
  const messages = problems.map((row) => row.quick_check).filter((m) => m !== 'ok');
  if (messages.length === 0) return;
  throw new MemoryError(
    'memory_io',
    `The SQLite database ${path} failed its integrity check (quickCheck: true): ${messages.slice(0, 3).join('; ')}. Restore it from a backup or a snapshot.`,
    { data: { path, operation: 'open', problems: messages } },
  );
}
