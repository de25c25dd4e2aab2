import type BetterSqlite3 from 'better-sqlite3';
import { MemoryError } from 'skreaver';

/** One versioned, forward-only schema change. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly up: string;
}

/*
 * `version` is a random 53-bit stamp drawn for every write (see
 * _version.ts): optimistic transactions record it when they first touch a
 * key and compare it at commit. Random stamps need no shared counter, so a
 * single store stays one autocommit statement with no trigger behind it.
 *
 * `expires_at` is REAL epoch milliseconds so that any finite expiry a
 * snapshot carries round-trips exactly. STRICT keeps every value TEXT. The
 * partial index serves the expiry sweep and leaves permanent rows out.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'Create skreaver_memory (namespace, key, value, expires_at, version)',
    up: `
      CREATE TABLE skreaver_memory (
        namespace TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        expires_at REAL,
        version INTEGER NOT NULL,
        PRIMARY KEY (namespace, key)
      ) STRICT;
      CREATE INDEX skreaver_memory_expiry ON skreaver_memory (namespace, expires_at)
        WHERE expires_at IS NOT NULL;
    `,
  },
];

/** The schema version this release writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

const CREATE_MIGRATIONS_TABLE = `
  CREATE TABLE IF NOT EXISTS skreaver_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`;

function appliedVersion(db: BetterSqlite3.Database): number {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'skreaver_migrations'")
    .pluck()
    .get();
  if (exists === undefined) return 0;
  const version = db.prepare('SELECT MAX(version) FROM skreaver_migrations').pluck().get();
  return typeof version === 'number' ? version : 0;
}

/**
 * Brings the schema up to {@link LATEST_SCHEMA_VERSION}. Each pending
 * migration runs in its own `BEGIN IMMEDIATE` transaction that re-reads the
 * applied version under the write lock, so processes opening the same file at
 * once apply each migration exactly once (the others wait on the busy
 * timeout, then find it done). A database already up to date takes no write
 * lock at all. A schema newer than this release knows is refused.
 *
 * @returns The schema version in force afterwards.
 */
export function migrate(db: BetterSqlite3.Database, path: string): number {
  let current = appliedVersion(db);
  if (current > LATEST_SCHEMA_VERSION) throw tooNew(path, current);
  for (const migration of MIGRATIONS) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(CREATE_MIGRATIONS_TABLE);
      const now = appliedVersion(db);
      if (now >= migration.version) return;
      db.exec(migration.up);
      db.prepare(
        'INSERT INTO skreaver_migrations (version, description, applied_at) VALUES (?, ?, ?)',
      ).run(migration.version, migration.description, Date.now());
    }).immediate();
    current = appliedVersion(db);
  }
  if (current > LATEST_SCHEMA_VERSION) throw tooNew(path, current);
  return current;
}

function tooNew(path: string, version: number): MemoryError {
  return new MemoryError(
    'memory_io',
    `The SQLite database ${path} has skreaver schema version ${version}, newer than the ${LATEST_SCHEMA_VERSION} this release knows; upgrade skreaver to open it.`,
    {
      data: {
        path,
        operation: 'open',
        schemaVersion: version,
        supportedVersion: LATEST_SCHEMA_VERSION,
      },
    },
  );
}
