import type { QueryConfig } from 'pg';

/**
 * FNV-1a, 64 bits, over the UTF-8 bytes of `text`, as a signed decimal (the
 * form `pg_advisory_lock(bigint)` takes). Used for advisory-lock keys and
 * short prepared-statement names; a collision only makes two unrelated
 * namespaces wait for each other's commits, never mixes their data.
 */
export function hash64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash);
}

/** `"name"`; callers pass only names that passed the identifier check. */
export function quote(name: string): string {
  return `"${name}"`;
}

/**
 * The upper bound of a prefix range: every key starting with `prefix` sorts
 * below `prefix + U+10FFFF` in the C collation, because keys hold letters,
 * digits and `_-.:` only (U+10FFFF is none of them). A range on the primary
 * key needs no `LIKE` escaping and uses the index; `starts_with` is kept as
 * a guard for rows written by hand.
 */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** Longest TTL or expiry distance used, in ms: JavaScript's last Date (year 275760). */
export const MAX_EPOCH_MS = 8.64e15;

// SQL for "still live"; `now()` is the server clock, shared by every process.
const LIVE = '(expires_at IS NULL OR expires_at > now())';
const UPDATE_SET =
  'DO UPDATE SET value = EXCLUDED.value, expires_at = EXCLUDED.expires_at, updated_at = now()';
const TTL_EXPIRY = (ttl: string) =>
  `CASE WHEN ${ttl} IS NULL THEN NULL ELSE now() + ${ttl} * interval '1 millisecond' END`;

/** A query config with a fixed name and text; the caller adds the values. */
export type Statement = Pick<QueryConfig, 'name' | 'text'>;

/** Every statement the memory runs against one table, named for preparing once per connection. */
export function statementsFor(schema: string, table: string) {
  const t = `${quote(schema)}.${quote(table)}`;
  // Short names (the server truncates at 63 bytes) that differ per table and
  // per statement version, so memories on different tables can share a pool.
  const tag = (hash64(`skreaver-memory-v1:${schema}.${table}`) & 0xffffffffffffn).toString(36);
  const named = (name: string, text: string): Statement => ({ name: `skm_${tag}_${name}`, text });

  return {
    load: named('load', `SELECT value FROM ${t} WHERE namespace = $1 AND key = $2 AND ${LIVE}`),
    loadMany: named(
      'load_many',
      `SELECT key, value FROM ${t} WHERE namespace = $1 AND key = ANY($2::text[]) AND ${LIVE}`,
    ),
    keys: named(
      'keys',
      `SELECT key FROM ${t} WHERE namespace = $1 AND key >= $2 AND key < $3 AND starts_with(key, $2) AND ${LIVE} ORDER BY key`,
    ),
    // Values travel as bytea, or as text turned into the same UTF-8 bytes by
    // the server when the database is UTF8 and the value holds no NUL: text
    // skips the hex escaping node-postgres applies to bytea arrays.
    store: named(
      'store',
      `INSERT INTO ${t} (namespace, key, value, expires_at) VALUES ($1, $2, $3::bytea, ${TTL_EXPIRY('$4::float8')}) ON CONFLICT (namespace, key) ${UPDATE_SET}`,
    ),
    storeText: named(
      'store_text',
      `INSERT INTO ${t} (namespace, key, value, expires_at) VALUES ($1, $2, convert_to($3::text, 'UTF8'), ${TTL_EXPIRY('$4::float8')}) ON CONFLICT (namespace, key) ${UPDATE_SET}`,
    ),
    storeMany: named(
      'store_many',
      `INSERT INTO ${t} (namespace, key, value, expires_at) SELECT $1, u.key, u.value, ${TTL_EXPIRY('$4::float8')} FROM unnest($2::text[], $3::bytea[]) AS u(key, value) ON CONFLICT (namespace, key) ${UPDATE_SET}`,
    ),
    storeManyText: named(
      'store_many_text',
      `INSERT INTO ${t} (namespace, key, value, expires_at) SELECT $1, u.key, convert_to(u.value, 'UTF8'), ${TTL_EXPIRY('$4::float8')} FROM unnest($2::text[], $3::text[]) AS u(key, value) ON CONFLICT (namespace, key) ${UPDATE_SET}`,
    ),
    delete: named(
      'delete',
      `DELETE FROM ${t} WHERE namespace = $1 AND key = $2 RETURNING ${LIVE} AS live`,
    ),
    sweep: named('sweep', `DELETE FROM ${t} WHERE namespace = $1 AND expires_at <= now()`),
    // Transactions: the version of a row is its xmin, the id of the
    // transaction that wrote it, so every committed write changes it.
    readVersioned: named(
      'read_versioned',
      `SELECT key, value, xmin::text AS version FROM ${t} WHERE namespace = $1 AND key = ANY($2::text[]) AND ${LIVE}`,
    ),
    versions: named(
      'versions',
      `SELECT key, xmin::text AS version FROM ${t} WHERE namespace = $1 AND key = ANY($2::text[]) AND ${LIVE}`,
    ),
    // Locks every touched row that exists, in key order, and reports its
    // live version ('' when expired).
    lockVersions: named(
      'lock_versions',
      `SELECT key, CASE WHEN ${LIVE} THEN xmin::text ELSE '' END AS version FROM ${t} WHERE namespace = $1 AND key = ANY($2::text[]) ORDER BY key FOR UPDATE`,
    ),
    deleteKeys: named(
      'delete_keys',
      `DELETE FROM ${t} WHERE namespace = $1 AND key = ANY($2::text[])`,
    ),
    // Commit writes: a row may be replaced only when the commit locked it
    // ($5: the touched keys that had a row) or it has expired; a live row
    // that appeared since the check is left alone and is missing from
    // RETURNING (a conflict).
    commitWrites: named(
      'commit_writes',
      `INSERT INTO ${t} AS t (namespace, key, value, expires_at) SELECT $1, u.key, u.value, ${TTL_EXPIRY('u.ttl')} FROM unnest($2::text[], $3::bytea[], $4::float8[]) AS u(key, value, ttl) ON CONFLICT (namespace, key) ${UPDATE_SET} WHERE t.key = ANY($5::text[]) OR t.expires_at <= now() RETURNING t.key`,
    ),
    snapshot: named(
      'snapshot',
      `SELECT key, value, floor(extract(epoch FROM expires_at) * 1000)::float8 AS expires_ms FROM ${t} WHERE namespace = $1 AND ${LIVE} ORDER BY key`,
    ),
    clearNamespace: named('clear_namespace', `DELETE FROM ${t} WHERE namespace = $1`),
    // ON CONFLICT: a plain write may land between the delete and the insert.
    restore: named(
      'restore',
      `INSERT INTO ${t} (namespace, key, value, expires_at) SELECT $1, u.key, u.value, e.at FROM unnest($2::text[], $3::bytea[], $4::float8[]) AS u(key, value, ms), LATERAL (SELECT CASE WHEN u.ms IS NULL THEN NULL ELSE timestamptz 'epoch' + u.ms * interval '1 millisecond' END AS at) AS e WHERE e.at IS NULL OR e.at > now() ON CONFLICT (namespace, key) ${UPDATE_SET}`,
    ),
  };
}

/** The statements of one table. */
export type Statements = ReturnType<typeof statementsFor>;
