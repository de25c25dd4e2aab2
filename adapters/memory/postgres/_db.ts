import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { toMemoryError } from './_errors.js';
import type { Statement } from './_sql.js';

/** What the memory's parts share: the pool, the statements and the namespace. */
export interface Db {
  readonly pool: Pool;
  readonly namespace: string;
  /** The namespace's advisory-lock key, a signed 64-bit decimal. */
  readonly lockKey: string;
}

/** Runs one statement on the pool; failures become skreaver errors. */
export async function run<R extends QueryResultRow>(
  db: Db,
  statement: Statement,
  values: readonly unknown[],
  operation: string,
): Promise<R[]> {
  try {
    const result = await db.pool.query<R>({ ...statement, values: values as unknown[] });
    return result.rows;
  } catch (error) {
    throw toMemoryError(error, operation);
  }
}

/**
 * Runs `fn` in a transaction on one pooled connection that first takes the
 * namespace's advisory lock, so commits and restores of one namespace run
 * one at a time (plain writes do not take it). Commits when `fn` resolves,
 * rolls back when it rejects; a connection that cannot even roll back is
 * destroyed, not returned to the pool. Errors come out as they were thrown.
 */
export async function inLockedTransaction<R>(
  db: Db,
  fn: (client: PoolClient) => Promise<R>,
): Promise<R> {
  const client = await db.pool.connect();
  // A checked-out client has no error listener; without one a connection
  // dropped between two statements would crash the process.
  const onError = () => {};
  client.on('error', onError);
  let destroy = false;
  try {
    // One round trip: a simple query may hold several statements, and the
    // lock key is a number we computed, not user input.
    await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${db.lockKey}::bigint)`);
    const result = await fn(client);
    try {
      await client.query('COMMIT');
    } catch (error) {
      throw new CommitOutcomeUnknown(error);
    }
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      destroy = true;
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(destroy);
  }
}

/** COMMIT itself failed: the server may or may not have applied the transaction. */
export class CommitOutcomeUnknown extends Error {
  constructor(cause: unknown) {
    super('COMMIT failed', { cause });
  }
}

/** `value` as the UTF-8 bytes stored in the bytea column. */
export function toBytes(value: string): Buffer {
  return Buffer.from(value, 'utf8');
}

/** A bytea column (node-postgres gives a Buffer) back as the stored string. */
export function fromBytes(value: Buffer): string {
  return value.toString('utf8');
}
