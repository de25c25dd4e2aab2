import { formatMemorySnapshot, MemoryError, parseMemorySnapshot } from 'skreaver';
import { CommitOutcomeUnknown, fromBytes, inLockedTransaction, run, toBytes } from './_db.js';
import { toMemoryError } from './_errors.js';
import { MAX_EPOCH_MS } from './_sql.js';
import type { TransactionHost } from './_transaction.js';

/** What snapshots need beyond a transaction host. */
export interface SnapshotHost extends TransactionHost {
  readonly maxSnapshotBytes: number;
}

/**
 * The namespace's live entries as a `skreaver.memory` version 1 document,
 * read by one statement (so one consistent view) with expiry times in epoch
 * milliseconds of the server clock.
 *
 * @throws `MemoryError` `memory_limit_exceeded` past `maxSnapshotBytes`, or an I/O code.
 */
export async function takeSnapshot(host: SnapshotHost): Promise<string> {
  const rows = await run<{ key: string; value: Buffer; expires_ms: number | null }>(
    host,
    host.sql.snapshot,
    [host.namespace],
    'snapshot',
  );
  const entries = new Map<string, string>();
  const expiresAt = new Map<string, number>();
  for (const row of rows) {
    entries.set(row.key, fromBytes(row.value));
    if (row.expires_ms !== null) expiresAt.set(row.key, row.expires_ms);
  }
  const text = formatMemorySnapshot({ entries, expiresAt, namespace: host.namespace });
  // Characters bound the UTF-8 size from below (each is 1 to 3 bytes);
  // measure exactly only when that bound is not already past the limit.
  const bytes = text.length > host.maxSnapshotBytes ? text.length : Buffer.byteLength(text);
  if (bytes > host.maxSnapshotBytes) {
    throw new MemoryError(
      'memory_limit_exceeded',
      `The snapshot would be ${bytes} bytes or more; this memory allows at most ${host.maxSnapshotBytes} (option maxSnapshotBytes). Raise the limit or store less.`,
      { data: { bytes, maxBytes: host.maxSnapshotBytes } },
    );
  }
  return text;
}

/**
 * Replaces the namespace's content with a snapshot's: validated completely
 * first (nothing changes when anything is wrong), then a delete of the
 * namespace and one insert, in one transaction holding the namespace lock.
 * Other namespaces in the table are never touched. Entries whose expiry has
 * passed are left out.
 *
 * @throws `MemoryError` `snapshot_invalid`, `memory_limit_exceeded`, or an I/O code.
 */
export async function restoreSnapshot(host: SnapshotHost, snapshot: string): Promise<void> {
  const content = parseMemorySnapshot(snapshot, {
    maxSnapshotBytes: host.maxSnapshotBytes,
    maxValueBytes: host.maxValueBytes,
    namespace: host.namespace,
  });
  const keys: string[] = [];
  const values: Buffer[] = [];
  const expiries: (number | null)[] = [];
  for (const [key, value] of content.entries) {
    keys.push(key);
    values.push(toBytes(value));
    const at = content.expiresAt.get(key);
    // Any past time means expired; clamping keeps far-off numbers inside
    // the range of timestamptz without changing what they mean.
    expiries.push(at === undefined ? null : Math.max(0, Math.min(at, MAX_EPOCH_MS)));
  }
  const { sql, namespace } = host;
  try {
    await inLockedTransaction(host, async (client) => {
      await client.query({ ...sql.clearNamespace, values: [namespace] });
      if (keys.length > 0) {
        await client.query({ ...sql.restore, values: [namespace, keys, values, expiries] });
      }
    });
  } catch (error) {
    const unknown = error instanceof CommitOutcomeUnknown;
    const mapped = toMemoryError(unknown ? error.cause : error, 'restore');
    if (!unknown) throw mapped;
    throw new MemoryError(
      mapped.code === 'memory_unavailable' ? 'memory_unavailable' : 'memory_io',
      `The connection failed while committing the restore (${mapped.message}); it may or may not have been applied. Restore again.`,
      { data: { operation: 'restore', outcome: 'unknown' }, cause: error.cause },
    );
  }
}
