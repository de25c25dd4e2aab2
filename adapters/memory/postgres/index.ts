/**
 * skreaver/memory/postgres: a Memory in a PostgreSQL table, on node-postgres
 * (`pg` 8). Namespaced, shared safely by many processes, with optimistic
 * transactions, snapshots and TTL.
 *
 * @packageDocumentation
 */
export type { PostgresErrorData } from './_errors.js';
export type { PostgresMemory } from './postgres-memory.js';
export { postgresMemory } from './postgres-memory.js';
export type { PostgresMemoryOptions } from './postgres-memory-options.js';
