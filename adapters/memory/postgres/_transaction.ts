import type { MemoryTransaction, OptimisticBackend } from 'skreaver';
import { runOptimisticTransaction } from 'skreaver';
import { commitTransaction } from './_commit.js';
import { type Db, fromBytes, run } from './_db.js';
import type { Statements } from './_sql.js';
import { prefixEnd } from './_sql.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost
  extends Db,
    Pick<OptimisticBackend<string>, 'maxValueBytes' | 'assertOpen' | 'isClosed'> {
  readonly sql: Statements;
  readonly retryOnConflict: number;
}

/**
 * Runs `body` optimistically (see the core's `runOptimisticTransaction`):
 * reads go to the database and record the version (xmin) of each key when
 * first touched ('' when absent or expired); the commit re-checks every
 * version and listed prefix under the namespace's lock and applies the
 * buffer in one database transaction (see _commit.ts). Buffered TTLs count
 * on `performance.now()`. On `transaction_conflict` the body runs again, at
 * most `retryOnConflict` times.
 */
export function runTransaction<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  const { sql, namespace } = host;
  const backend: OptimisticBackend<string> = {
    maxValueBytes: host.maxValueBytes,
    now: () => performance.now(),
    assertOpen: host.assertOpen,
    isClosed: host.isClosed,
    async read(keys) {
      const rows = await run<{ key: string; value: Buffer; version: string }>(
        host,
        sql.readVersioned,
        [namespace, keys],
        'transaction read',
      );
      const found = new Map(rows.map((row) => [row.key, row]));
      return keys.map((key) => {
        const row = found.get(key);
        return { value: row && fromBytes(row.value), version: row?.version ?? '' };
      });
    },
    async versions(keys) {
      const rows = await run<{ key: string; version: string }>(
        host,
        sql.versions,
        [namespace, keys],
        'transaction write',
      );
      const versions = new Map(rows.map((row) => [row.key, row.version]));
      return keys.map((key) => versions.get(key) ?? '');
    },
    async list(prefix) {
      const rows = await run<{ key: string }>(
        host,
        sql.keys,
        [namespace, prefix, prefixEnd(prefix)],
        'transaction keys',
      );
      return rows.map((row) => row.key);
    },
    commit: (buffered) => commitTransaction(host, buffered),
  };
  return runOptimisticTransaction(backend, body, { retryOnConflict: host.retryOnConflict });
}
