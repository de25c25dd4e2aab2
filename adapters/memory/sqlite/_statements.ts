import type BetterSqlite3 from 'better-sqlite3';

/** A row as the transaction reads it: `[value, expires_at, version]`. */
export type VersionedRow = [value: string, expiresAt: number | null, version: number];

/*
 * Every statement is prepared once per memory. The namespace is always a
 * bound parameter, never spliced into SQL. Reads filter expired rows with the
 * caller's clock (`now`) rather than SQLite's, so TTLs follow the `now` option.
 */
const LIVE = '(expires_at IS NULL OR expires_at > ?)';

type Statement = BetterSqlite3.Statement;

/** The prepared statements of one memory. */
export interface Statements {
  readonly load: Statement;
  readonly loadVersioned: Statement;
  readonly version: Statement;
  readonly keysAll: Statement;
  readonly keysFrom: Statement;
  readonly keysRange: Statement;
  readonly entries: Statement;
  readonly store: Statement;
  readonly delete: Statement;
  readonly clear: Statement;
  readonly sweep: Statement;
  readonly ping: Statement;
}

/** Prepares the statements one memory uses. */
export function prepareStatements(db: BetterSqlite3.Database): Statements {
  const prepare = (sql: string) => db.prepare(sql);
  return {
    /** (ns, key, now) -> value */
    load: prepare(
      `SELECT value FROM skreaver_memory WHERE namespace = ? AND key = ? AND ${LIVE}`,
    ).pluck(),
    /** (ns, key) -> [value, expires_at, version] */
    loadVersioned: prepare(
      'SELECT value, expires_at, version FROM skreaver_memory WHERE namespace = ? AND key = ?',
    ).raw(),
    /** (ns, key) -> [expires_at, version]: the version without reading a large value. */
    version: prepare(
      'SELECT expires_at, version FROM skreaver_memory WHERE namespace = ? AND key = ?',
    ).raw(),
    /** (ns, now) -> keys, sorted (BINARY collation = UTF-8 byte = code point order). */
    keysAll: prepare(
      `SELECT key FROM skreaver_memory WHERE namespace = ? AND ${LIVE} ORDER BY key`,
    ).pluck(),
    /** (ns, from, now) -> keys >= from, sorted. */
    keysFrom: prepare(
      `SELECT key FROM skreaver_memory WHERE namespace = ? AND key >= ? AND ${LIVE} ORDER BY key`,
    ).pluck(),
    /** (ns, from, below, now) -> keys in [from, below), sorted. */
    keysRange: prepare(
      `SELECT key FROM skreaver_memory
       WHERE namespace = ? AND key >= ? AND key < ? AND ${LIVE} ORDER BY key`,
    ).pluck(),
    /** (ns, now) -> [key, value, expires_at] of every live entry, sorted. */
    entries: prepare(
      `SELECT key, value, expires_at FROM skreaver_memory
       WHERE namespace = ? AND ${LIVE} ORDER BY key`,
    ).raw(),
    /** (ns, key, value, expires_at, version): an upsert, one autocommit statement on its own. */
    store: prepare(
      `INSERT INTO skreaver_memory (namespace, key, value, expires_at, version)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (namespace, key) DO UPDATE SET
         value = excluded.value, expires_at = excluded.expires_at, version = excluded.version`,
    ),
    /** (ns, key) -> expires_at of the deleted row (null: no expiry), undefined when none. */
    delete: prepare(
      'DELETE FROM skreaver_memory WHERE namespace = ? AND key = ? RETURNING expires_at',
    ).pluck(),
    /** (ns): empties the namespace (restore). */
    clear: prepare('DELETE FROM skreaver_memory WHERE namespace = ?'),
    /** (ns, now): drops expired rows; uses the partial expiry index. */
    sweep: prepare(
      'DELETE FROM skreaver_memory WHERE namespace = ? AND expires_at IS NOT NULL AND expires_at <= ?',
    ),
    /** The health probe. */
    ping: prepare('SELECT 1').pluck(),
  };
}

/**
 * The smallest string above every string that starts with `prefix`, in code
 * point order (so `key >= prefix AND key < bound` is exactly "starts with
 * prefix" under SQLite's BINARY collation, which compares UTF-8 bytes, and
 * uses the primary key index, unlike LIKE or GLOB with their wildcards).
 * Trailing U+10FFFF cannot be incremented and is dropped; U+D7FF steps over
 * the surrogates. `undefined` when no bound exists (only U+10FFFF).
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = (points.pop() as string).codePointAt(0) as number;
    if (last < 0x10ffff) {
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Live keys of `namespace` starting with `prefix`, in code point order. */
export function listKeys(
  statements: Statements,
  namespace: string,
  prefix: string,
  at: number,
): string[] {
  if (prefix === '') return statements.keysAll.all(namespace, at) as string[];
  const below = prefixUpperBound(prefix);
  return (
    below === undefined
      ? statements.keysFrom.all(namespace, prefix, at)
      : statements.keysRange.all(namespace, prefix, below, at)
  ) as string[];
}
