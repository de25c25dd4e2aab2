import { isSkreaverError, MemoryError, type SkreaverError } from 'skreaver';

/** The `data` of the MemoryErrors this adapter raises for SQLite failures. */
export interface SqliteFailureData {
  /** The database file (absolute), or `:memory:`. */
  readonly path: string;
  /** What the memory was doing: `open`, `store`, `load`, ... */
  readonly operation: string;
  /** SQLite's extended result code (`SQLITE_BUSY`, `SQLITE_CORRUPT`, ...), when there is one. */
  readonly sqliteCode?: string;
}

/** What the error mapper needs to know about the database. */
export interface ErrorContext {
  readonly path: string;
  readonly busyTimeoutMs: number | undefined;
}

/**
 * Turns a native failure into a core error, keeping it as `cause`: lock
 * contention that outlasted the busy timeout is `memory_unavailable`
 * (retryable), an oversized row `memory_limit_exceeded`, a closed connection
 * `memory_closed`, and every other failure (corruption, disk full, read-only,
 * I/O) `memory_io`. Core errors pass through unchanged.
 */
export function mapSqliteError(error: unknown, context: ErrorContext, operation: string): Error {
  if (isSkreaverError(error)) return error as SkreaverError;
  const sqliteCode = codeOf(error);
  const native = error instanceof Error ? error.message : String(error);
  const where = `the SQLite database ${context.path}`;
  const data: SqliteFailureData =
    sqliteCode === undefined
      ? { path: context.path, operation }
      : { path: context.path, operation, sqliteCode };
  const options = { cause: error, data };
  if (sqliteCode === undefined && /database connection is not open/i.test(native)) {
    return new MemoryError(
      'memory_closed',
      `${operation} failed: the better-sqlite3 connection to ${context.path} was closed outside this memory; open a new memory.`,
      options,
    );
  }
  // Extended codes (SQLITE_BUSY_SNAPSHOT, SQLITE_IOERR_WRITE) share their primary code's
  // meaning. better-sqlite3 checks for a missing directory itself, with a plain TypeError.
  const base =
    sqliteCode?.split('_').slice(0, 2).join('_') ??
    (/directory does not exist/i.test(native) ? 'SQLITE_CANTOPEN' : undefined);
  switch (base) {
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED': {
      const waited =
        context.busyTimeoutMs === undefined
          ? ''
          : ` after waiting busyTimeoutMs=${context.busyTimeoutMs} ms`;
      return new MemoryError(
        'memory_unavailable',
        `${operation} failed: ${where} is locked by another connection${waited} (${sqliteCode}); retry later, or raise busyTimeoutMs.`,
        options,
      );
    }
    case 'SQLITE_TOOBIG':
      return new MemoryError(
        'memory_limit_exceeded',
        `${operation} failed: the row is larger than SQLite allows (${sqliteCode}) in ${where}; store less per key.`,
        options,
      );
    case 'SQLITE_CORRUPT':
    case 'SQLITE_NOTADB':
      return new MemoryError(
        'memory_io',
        `${operation} failed: ${where} is corrupted or is not a SQLite database (${sqliteCode}: ${native}). Restore it from a backup or a snapshot; skreaver never starts empty over it.`,
        options,
      );
    case 'SQLITE_FULL':
      return new MemoryError(
        'memory_io',
        `${operation} failed: the disk holding ${where} is full (${sqliteCode}); free space and retry.`,
        options,
      );
    case 'SQLITE_READONLY':
      return new MemoryError(
        'memory_io',
        `${operation} failed: ${where} is read-only (${sqliteCode}: ${native}); check the file's and its directory's permissions.`,
        options,
      );
    case 'SQLITE_CANTOPEN':
      return new MemoryError(
        'memory_io',
        `${operation} failed: cannot open ${where} (${sqliteCode ?? 'no SQLite code'}: ${native}); check that the path is a file in an existing, writable directory.`,
        options,
      );
    default:
      return new MemoryError(
        'memory_io',
        `${operation} failed on ${where}: ${native}${sqliteCode === undefined ? '' : ` (${sqliteCode})`}.`,
        options,
      );
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}
