import type { Pool, PoolClient } from 'pg';
import { MemoryError } from 'skreaver';
import { toMemoryError } from './_errors.js';
import { hash64, quote } from './_sql.js';

/** One versioned up-migration of a memory table. */
interface Migration {
  readonly version: number;
  readonly description: string;
  /** The DDL, run in one transaction with the row recording it. */
  up(schema: string, table: string): readonly string[];
}

/*
 * Append only: a released migration never changes, a new one gets the next
 * version. Values are bytea because PostgreSQL text cannot hold NUL; keys and
 * namespaces use the C collation so that ORDER BY is code point order.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'Create the memory table',
    up: (schema, table) => {
      const t = `${quote(schema)}.${quote(table)}`;
      return [
        `CREATE TABLE ${t} (
          namespace text COLLATE "C" NOT NULL,
          key text COLLATE "C" NOT NULL,
          value bytea NOT NULL,
          expires_at timestamptz,
          updated_at timestamptz NOT NULL DEFAULT now(),
          PRIMARY KEY (namespace, key)
        )`,
        `CREATE INDEX ${quote(`${table}_expires_at_idx`)} ON ${t} (namespace, expires_at) WHERE expires_at IS NOT NULL`,
      ];
    },
  },
];

/** The table version this release reads and writes. */
export const LATEST_VERSION = MIGRATIONS.length;

/** Name of the table recording applied migrations, one per schema. */
export const MIGRATIONS_TABLE = 'skreaver_migrations';

const UNDEFINED_TABLE = '42P01';
const UNDEFINED_SCHEMA = '3F000';
const DUPLICATE_TABLE = '42P07';

function migrationsTable(schema: string): string {
  return `${quote(schema)}.${quote(MIGRATIONS_TABLE)}`;
}

async function currentVersion(
  db: Pick<Pool, 'query'> | PoolClient,
  schema: string,
  table: string,
): Promise<number> {
  try {
    const result = await db.query<{ version: number }>(
      `SELECT coalesce(max(version), 0)::int AS version FROM ${migrationsTable(schema)} WHERE table_name = $1`,
      [table],
    );
    return result.rows[0]?.version ?? 0;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === UNDEFINED_TABLE || code === UNDEFINED_SCHEMA) return 0;
    throw error;
  }
}

function checkVersion(version: number, schema: string, table: string, migrate: boolean): boolean {
  if (version > LATEST_VERSION) {
    throw new MemoryError(
      'memory_io',
      `The table ${schema}.${table} is at version ${version}, newer than the ${LATEST_VERSION} this release of skreaver knows; upgrade skreaver (it never downgrades a table).`,
      { data: { operation: 'migration', version, latest: LATEST_VERSION } },
    );
  }
  if (version === LATEST_VERSION) return true;
  if (!migrate) {
    throw new MemoryError(
      'memory_io',
      `The table ${schema}.${table} is at version ${version}, but this release needs ${LATEST_VERSION}, and migrate is false; open it once with migrate: true as a role allowed to create tables.`,
      { data: { operation: 'migration', version, latest: LATEST_VERSION } },
    );
  }
  return false;
}

/**
 * Brings `schema.table` to {@link LATEST_VERSION}. A memory that finds the
 * table current does no more than one SELECT. Otherwise the run holds a
 * session advisory lock per schema, so memories starting at once (in any
 * number of processes) apply each migration exactly once, and each migration
 * runs in its own transaction together with the row recording it.
 *
 * @throws `MemoryError` `memory_io` (table from a newer release, not
 * migrated with `migrate: false`, a same-named table skreaver did not create,
 * DDL refused) or `memory_unavailable`.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  table: string,
  apply: boolean,
): Promise<void> {
  try {
    if (checkVersion(await currentVersion(pool, schema, table), schema, table, apply)) return;
    await migrateLocked(pool, schema, table);
  } catch (error) {
    throw toMemoryError(error, 'migration');
  }
}

async function migrateLocked(pool: Pool, schema: string, table: string): Promise<void> {
  const client = await pool.connect();
  // A checked-out client has no error listener; without one a dropped
  // connection would crash the process instead of failing this call.
  const onError = () => {};
  client.on('error', onError);
  const lock = hash64(`skreaver_migrations:${schema}`).toString();
  let broken = false;
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [lock]);
    await runPending(client, schema, table);
    await client.query('SELECT pg_advisory_unlock($1::bigint)', [lock]);
  } catch (error) {
    // The connection may still hold the lock or a failed transaction:
    // destroying it (instead of returning it to the pool) releases both.
    broken = true;
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}

async function runPending(client: PoolClient, schema: string, table: string): Promise<void> {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  // CREATE SCHEMA IF NOT EXISTS checks the CREATE right even when the schema
  // exists, so it runs only when the schema is missing.
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${migrationsTable(schema)} (
      table_name text NOT NULL,
      version integer NOT NULL,
      description text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (table_name, version)
    )`,
  );
  const version = await currentVersion(client, schema, table);
  if (checkVersion(version, schema, table, true)) return;
  for (const migration of MIGRATIONS) {
    if (migration.version <= version) continue;
    await client.query('BEGIN');
    try {
      for (const statement of migration.up(schema, table)) await client.query(statement);
      await client.query(
        `INSERT INTO ${migrationsTable(schema)} (table_name, version, description) VALUES ($1, $2, $3)`,
        [table, migration.version, migration.description],
      );
      await client.query('COMMIT');
    } catch (error) {
      // The connection is destroyed after a failure anyway; keep the first error.
      await client.query('ROLLBACK').catch(() => {});
      if ((error as { code?: unknown }).code === DUPLICATE_TABLE) {
        throw new MemoryError(
          'memory_io',
          `A table ${schema}.${table} already exists but ${schema}.${MIGRATIONS_TABLE} has no record of skreaver creating it; choose another table (option table) or drop that one.`,
          { data: { operation: 'migration' }, cause: error },
        );
      }
      throw error;
    }
  }
}
