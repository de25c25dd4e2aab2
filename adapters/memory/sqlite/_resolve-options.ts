import type BetterSqlite3 from 'better-sqlite3';
import { ValidationError, validateMemoryKey } from 'skreaver';
import type { SqliteMemoryOptions, SqliteSynchronous } from './options.js';

/** {@link SqliteMemoryOptions} checked, with defaults filled in. */
export interface ResolvedOptions {
  readonly path: string | undefined;
  readonly database: BetterSqlite3.Database | undefined;
  readonly namespace: string;
  /** `undefined`: leave a given database's setting alone. */
  readonly busyTimeoutMs: number | undefined;
  readonly synchronous: SqliteSynchronous | undefined;
  readonly journalMode: 'WAL' | 'DELETE' | undefined;
  readonly create: boolean;
  readonly quickCheck: boolean;
  readonly maxValueBytes: number;
  readonly maxSnapshotBytes: number;
  readonly sweepEveryWrites: number;
  readonly now: () => number;
}

const DEFAULTS = {
  namespace: 'default',
  busyTimeoutMs: 5000,
  synchronous: 'FULL',
  journalMode: 'WAL',
  maxValueBytes: 16 * 1024 * 1024,
  maxSnapshotBytes: 64 * 1024 * 1024,
  sweepEveryWrites: 1000,
} as const;

function invalid(option: string, value: unknown, expected: string): ValidationError {
  return new ValidationError(
    'invalid_options',
    `sqliteMemory: ${option} must be ${expected}, got ${typeof value === 'string' ? `'${value}'` : String(value)}.`,
    { data: { option, value } },
  );
}

function positive(
  option: string,
  value: unknown,
  fallback: number,
  integer: boolean,
  min = Number.MIN_VALUE,
): number {
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (integer ? Number.isSafeInteger(value) : !Number.isNaN(value));
  if (!ok) {
    const what = min === 0 ? 'a non-negative' : 'a positive';
    throw invalid(option, value, `${what} ${integer ? 'integer' : 'number'}`);
  }
  return value as number;
}

function oneOf<T extends string>(option: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw invalid(option, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return value as T;
}

/**
 * Checks the options of `sqliteMemory`.
 *
 * @throws `ValidationError` `invalid_options`.
 */
export function resolveOptions(options: SqliteMemoryOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', options, 'an object such as { path: "./state.db" }');
  }
  const { database, path } = options;
  if (database !== undefined) {
    const candidate = database as Partial<BetterSqlite3.Database>;
    if (typeof candidate !== 'object' || typeof candidate.prepare !== 'function') {
      throw invalid('database', database, 'a better-sqlite3 Database');
    }
    if (candidate.open !== true) throw invalid('database', 'a closed Database', 'an open Database');
    if (candidate.readonly === true) {
      throw invalid('database', 'a read-only Database', 'a Database opened for writing');
    }
  } else if (typeof path !== 'string' || path === '') {
    throw invalid('path', path, "a file path or ':memory:' (or pass database)");
  }
  let namespace: string = DEFAULTS.namespace;
  if (options.namespace !== undefined) {
    try {
      namespace = validateMemoryKey(options.namespace);
    } catch (error) {
      throw new ValidationError(
        'invalid_options',
        `sqliteMemory: namespace must be a memory key (letters, digits, _ - . :, at most 128 bytes): ${(error as Error).message}`,
        { data: { option: 'namespace', value: options.namespace }, cause: error },
      );
    }
  }
  // With a database of the caller's, only settings passed explicitly change it.
  const own = database === undefined;
  const busyTimeoutMs =
    options.busyTimeoutMs === undefined && !own
      ? undefined
      : positive('busyTimeoutMs', options.busyTimeoutMs, DEFAULTS.busyTimeoutMs, true, 0);
  const synchronous =
    options.synchronous === undefined
      ? own
        ? DEFAULTS.synchronous
        : undefined
      : oneOf('synchronous', options.synchronous, ['NORMAL', 'FULL', 'EXTRA'] as const);
  const journalMode =
    options.journalMode === undefined
      ? own
        ? DEFAULTS.journalMode
        : undefined
      : oneOf('journalMode', options.journalMode, ['WAL', 'DELETE'] as const);
  for (const flag of ['create', 'quickCheck'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') {
      throw invalid(flag, options[flag], 'true or false');
    }
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw invalid('now', now, 'a function returning epoch ms');
  return {
    path: own ? path : undefined,
    database,
    namespace,
    busyTimeoutMs,
    synchronous,
    journalMode,
    create: options.create ?? true,
    quickCheck: options.quickCheck ?? false,
    maxValueBytes: positive('maxValueBytes', options.maxValueBytes, DEFAULTS.maxValueBytes, false),
    maxSnapshotBytes: positive(
      'maxSnapshotBytes',
      options.maxSnapshotBytes,
      DEFAULTS.maxSnapshotBytes,
      false,
    ),
    sweepEveryWrites: positive(
      'sweepEveryWrites',
      options.sweepEveryWrites,
      DEFAULTS.sweepEveryWrites,
      true,
    ),
    now,
  };
}
