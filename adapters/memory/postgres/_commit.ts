import type { PoolClient } from 'pg';
import {
  conflictCheck,
  isSkreaverError,
  type OptimisticCommit,
  TransactionError,
  transactionConflictError,
} from 'skreaver';
import { CommitOutcomeUnknown, inLockedTransaction, toBytes } from './_db.js';
import { isSerializationFailure, toMemoryError } from './_errors.js';
import { MAX_EPOCH_MS, prefixEnd } from './_sql.js';
import type { TransactionHost } from './_transaction.js';

/** What a transaction body left behind; buffered TTLs count on `performance.now()`. */
type Buffered = OptimisticCommit<string>;

/**
 * Commits a transaction: in one database transaction holding the
 * namespace's advisory lock (so commits in a namespace are serial, as the
 * in-memory reference's are), it locks every touched row that exists,
 * compares versions and re-lists each listed prefix, and applies the writes
 * only when nothing changed. Plain writes do not take the lock: a row the
 * commit locked makes them wait, and a key the commit expects absent that
 * appears meanwhile is not overwritten (a conflict), so a plain write lands
 * either wholly before the check or after the commit.
 *
 * @throws `TransactionError` `transaction_conflict`, or
 * `transaction_failed` with the memory's error as `cause` when the memory is
 * closed or PostgreSQL fails (data `{ reason: 'commit_failed', outcome }`,
 * outcome `'unknown'` when the connection broke during COMMIT itself).
 */
export async function commitTransaction(host: TransactionHost, buffered: Buffered): Promise<void> {
  if (buffered.versions.size === 0 && buffered.listed.size === 0) return;
  try {
    await inLockedTransaction(host, async (client) => {
      const present = await check(client, host, buffered);
      await apply(client, host, buffered, present);
    });
  } catch (error) {
    if (isSkreaverError(error)) throw error;
    if (isSerializationFailure(error)) {
      throw transactionConflictError(buffered.versions.keys());
    }
    const unknown = error instanceof CommitOutcomeUnknown;
    const cause = toMemoryError(unknown ? error.cause : error, 'commit');
    throw new TransactionError(
      'transaction_failed',
      unknown
        ? `The connection failed while committing (${cause.message}); the writes may or may not have been applied. Read before retrying.`
        : `The commit failed (${cause.message}); nothing the transaction wrote was kept.`,
      { cause, data: { reason: 'commit_failed', outcome: unknown ? 'unknown' : 'rolled_back' } },
    );
  }
}

/** Locks and checks; returns the touched keys that have a row (live or expired). */
async function check(
  client: PoolClient,
  host: TransactionHost,
  { versions: touched, listed: scans }: Buffered,
): Promise<Set<string>> {
  const { sql, namespace } = host;
  const current = new Map<string, string>();
  if (touched.size > 0) {
    const result = await client.query<{ key: string; version: string }>({
      ...sql.lockVersions,
      values: [namespace, [...touched.keys()]],
    });
    for (const row of result.rows) current.set(row.key, row.version);
  }
  const conflicts = conflictCheck();
  for (const [key, version] of touched)
    if ((current.get(key) ?? '') !== version) conflicts.key(key);
  for (const [prefix, seen] of scans) {
    const result = await client.query<{ key: string }>({
      ...sql.keys,
      values: [namespace, prefix, prefixEnd(prefix)],
    });
    conflicts.listing(
      prefix,
      seen,
      result.rows.map((row) => row.key),
    );
  }
  const conflict = conflicts.error();
  if (conflict !== undefined) throw conflict;
  return new Set(current.keys());
}

async function apply(
  client: PoolClient,
  host: TransactionHost,
  { writes }: Buffered,
  present: ReadonlySet<string>,
): Promise<void> {
  const { sql, namespace } = host;
  const at = performance.now();
  const deletes: string[] = [];
  const upserts: { key: string; value: string; ttl: number | null }[] = [];
  for (const [key, write] of writes) {
    // The TTL counts from the tx.store() call: what is left of it now.
    const left = write?.expiresAt === undefined ? null : write.expiresAt - at;
    if (write === null || (left !== null && left <= 0)) {
      // A key expected absent has nothing to delete; one that appeared
      // since the check was written after this transaction.
      if (present.has(key)) deletes.push(key);
    } else {
      upserts.push({
        key,
        value: write.value,
        ttl: left === null ? null : Math.min(left, MAX_EPOCH_MS),
      });
    }
  }
  if (deletes.length > 0) await client.query({ ...sql.deleteKeys, values: [namespace, deletes] });
  if (upserts.length === 0) return;
  // The order storeMany uses, so the two take row locks alike. (Deadlocks
  // the order cannot rule out, against a commit's earlier FOR UPDATE, are
  // detected by the server and reported as a conflict.)
  upserts.sort((a, b) => (a.key < b.key ? -1 : 1));
  const result = await client.query<{ key: string }>({
    ...sql.commitWrites,
    values: [
      namespace,
      upserts.map((u) => u.key),
      upserts.map((u) => toBytes(u.value)),
      upserts.map((u) => u.ttl),
      [...present],
    ],
  });
  if (result.rows.length !== upserts.length) {
    const written = new Set(result.rows.map((row) => row.key));
    throw transactionConflictError(upserts.map((u) => u.key).filter((key) => !written.has(key)));
  }
}
