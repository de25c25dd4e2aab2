/**
 * skreaver/memory/sqlite: a `Memory` in a SQLite file, through better-sqlite3
 * (12.x, an optional peer dependency).
 *
 * @packageDocumentation
 */
export type { SqliteFailureData } from './_errors.js';
export type { SqliteMemoryOptions, SqliteSynchronous } from './options.js';
export type { SqliteMemory } from './sqlite-memory.js';
export { sqliteMemory } from './sqlite-memory.js';
