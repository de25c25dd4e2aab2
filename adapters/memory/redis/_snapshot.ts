import {
  formatMemorySnapshot,
  MemoryError,
  parseMemorySnapshot,
  transactionConflictError,
} from 'skreaver';
import type { ConnectionPool } from './_connections.js';
import { chunks, type Keyspace } from './_keyspace.js';
import type { Client } from './_settings.js';
import { checkExec, pxatOf, type RedisWrite, writeEntries } from './_writes.js';

/** What snapshots and restores need from the memory. */
export interface SnapshotHost {
  readonly client: Client;
  readonly keyspace: Keyspace;
  readonly pool: ConnectionPool;
  readonly batchSize: number;
  readonly maxValueBytes: number;
  readonly maxSnapshotBytes: number;
  readonly maxRestoreAttempts: number;
  /** The key prefix, declared in snapshots as their namespace. */
  readonly namespace: string;
  /** Maps a native failure to the core's codes (see `toMemoryError`). */
  fail(error: unknown, operation: string): unknown;
}

async function io<T>(host: SnapshotHost, operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw host.fail(error, operation);
  }
}

/**
 * The prefix's string keys as a snapshot document. SCAN finds the keys;
 * one MULTI/EXEC then reads every value (MGET) and absolute expiry
 * (PEXPIRETIME, Redis 7) at a single point in time. A key deleted between
 * the scan and the read is left out; one created in between is not in it.
 */
export async function takeSnapshot(host: SnapshotHost): Promise<string> {
  const { keyspace, client, batchSize } = host;
  const keys = await io(host, 'snapshot', () => keyspace.scan(client, ''));
  const entries = new Map<string, string>();
  const expiresAt = new Map<string, number>();
  if (keys.length > 0) {
    const keyChunks = chunks(keys, batchSize);
    const results = await io(host, 'snapshot', async () => {
      const multi = client.multi();
      for (const chunk of keyChunks) multi.mget(...keyspace.redisKeys(chunk));
      for (const key of keys) multi.pexpiretime(keyspace.redisKey(key));
      return checkExec(await multi.exec());
    });
    const values = results.slice(0, keyChunks.length).flatMap(([, v]) => v as (string | null)[]);
    const expiries = results.slice(keyChunks.length).map(([, v]) => Number(v));
    for (const [i, key] of keys.entries()) {
      const value = values[i];
      // null: deleted since the scan, or no longer a string.
      if (value === null || value === undefined) continue;
      entries.set(key, value);
      const expiry = expiries[i] as number;
      // -1: no expiry; -2: gone (cannot happen with the value read in the same EXEC).
      if (expiry >= 0) expiresAt.set(key, expiry);
    }
  }
  const text = formatMemorySnapshot({ entries, expiresAt, namespace: host.namespace });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > host.maxSnapshotBytes) {
    throw new MemoryError(
      'memory_limit_exceeded',
      `The snapshot would be ${bytes} bytes; this memory allows at most ${host.maxSnapshotBytes} (option maxSnapshotBytes). Raise the limit or store less.`,
      { data: { bytes, maxBytes: host.maxSnapshotBytes } },
    );
  }
  return text;
}

/**
 * Replaces the prefix's content with the snapshot's, atomically: validates
 * the whole document first, then on a dedicated connection scans the
 * prefix, WATCHes the keys that must go, and in one MULTI/EXEC deletes them
 * and writes every entry (expiring ones with PXAT, so the expiry time is
 * kept to the millisecond). Nothing outside the prefix is touched. When a
 * key to delete changed meanwhile, EXEC is discarded and the restore starts
 * over, up to `maxRestoreAttempts` times.
 */
export async function restoreSnapshot(host: SnapshotHost, snapshot: string): Promise<void> {
  const { keyspace, pool, batchSize } = host;
  const content = parseMemorySnapshot(snapshot, {
    maxSnapshotBytes: host.maxSnapshotBytes,
    maxValueBytes: host.maxValueBytes,
    namespace: host.namespace,
  });
  const now = Date.now();
  const keep = new Map<string, RedisWrite>();
  for (const [key, value] of content.entries) {
    const expiry = content.expiresAt.get(key);
    // Already expired: left out, and so deleted if it is there now.
    if (expiry !== undefined && expiry <= now) continue;
    const pxat = expiry === undefined ? undefined : pxatOf(expiry);
    keep.set(key, { key: keyspace.redisKey(key), value, pxat });
  }
  for (let attempt = 1; ; attempt++) {
    const connection = await io(host, 'restore', () => pool.acquire());
    let execSent = false;
    try {
      const current = await io(host, 'restore', () => keyspace.scan(host.client, ''));
      const stale = current.filter((key) => !keep.has(key));
      if (stale.length === 0 && keep.size === 0) return;
      const results = await io(host, 'restore', async () => {
        if (stale.length > 0) {
          const watch = connection.client.pipeline();
          for (const chunk of chunks(stale, batchSize)) watch.watch(...keyspace.redisKeys(chunk));
          checkExec(await watch.exec());
        }
        const multi = connection.client.multi();
        const deletions = stale.map((key) => ({ key: keyspace.redisKey(key), value: null }));
        writeEntries(multi, [...deletions, ...keep.values()], batchSize);
        execSent = true;
        return multi.exec();
      });
      if (results !== null) {
        await io(host, 'restore', async () => checkExec(results));
        return;
      }
      if (attempt >= host.maxRestoreAttempts) throw transactionConflictError(stale);
    } finally {
      await pool.release(connection, !execSent);
    }
  }
}
