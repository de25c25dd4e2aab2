import type { MemoryEntry, MemoryTransaction, StoreOptions } from 'skreaver';
import {
  compareMemoryKeys,
  isSkreaverError,
  TransactionError,
  ValidationError,
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from 'skreaver';
import { commitTransaction, type PendingWrite } from './_commit.js';
import { type Db, fromBytes, run } from './_db.js';
import type { Statements } from './_sql.js';
import { prefixEnd } from './_sql.js';

/** What a transaction needs from the memory that runs it. */
export interface TransactionHost extends Db {
  readonly sql: Statements;
  readonly maxValueBytes: number;
  readonly retryOnConflict: number;
  /** Throws `memory_closed` when the memory is closed. */
  assertOpen(): void;
  isClosed(): boolean;
}

type Status = 'active' | 'aborted' | 'committing' | 'committed' | 'rolled_back';

/**
 * Runs `body` optimistically: reads go to the database and record the
 * version (xmin) of each key when first touched; writes are buffered; the
 * commit re-checks every version and listed prefix under the namespace's
 * lock and applies the buffer in one database transaction (see _commit.ts).
 * On `transaction_conflict` the body runs again, at most `retryOnConflict`
 * times.
 */
export async function runTransaction<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  host.assertOpen();
  if (typeof body !== 'function') {
    throw new ValidationError(
      'invalid_input',
      'transaction() expects a function (tx) => ... as its body.',
    );
  }
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptOnce(host, body);
    } catch (error) {
      const retry =
        attempt < host.retryOnConflict && isSkreaverError(error, 'transaction_conflict');
      if (!retry) throw error;
    }
  }
}

async function attemptOnce<R>(
  host: TransactionHost,
  body: (tx: MemoryTransaction) => R | Promise<R>,
): Promise<R> {
  const tx = createTransaction(host);
  let result: R;
  try {
    result = await body(tx.view);
  } catch (error) {
    throw tx.rollback(error);
  }
  await tx.commit();
  return result;
}

function createTransaction(host: TransactionHost) {
  const { sql, namespace } = host;
  const writes = new Map<string, PendingWrite>();
  // Key -> version when first touched ('' when absent or expired).
  const touched = new Map<string, string>();
  const scans = new Map<string, ReadonlySet<string>>();
  let status: Status = 'active';
  let abortError: TransactionError | undefined;
  let abortReason: string | undefined;

  function ended(): TransactionError {
    const what = status === 'committed' ? 'committed' : 'ended without committing';
    return new TransactionError(
      'transaction_failed',
      `This transaction has already ${what}; its handle works only while the body runs. Start a new transaction.`,
      { data: { reason: 'transaction_ended' } },
    );
  }

  function guard(): void {
    if (status === 'aborted') throw aborted(abortReason);
    if (status !== 'active') throw ended();
    host.assertOpen();
  }

  function own(write: PendingWrite): string | undefined {
    if (write === null) return undefined;
    if (write.ttlMs !== undefined && performance.now() - write.at >= write.ttlMs) return undefined;
    return write.value;
  }

  /** Current values of `keys` (none of them written here), recording first-touch versions. */
  async function fetch(keys: readonly string[]): Promise<Map<string, string>> {
    const rows = await run<{ key: string; value: Buffer; version: string }>(
      host,
      sql.readVersioned,
      [namespace, [...new Set(keys)]],
      'transaction read',
    );
    guard();
    const values = new Map<string, string>();
    for (const row of rows) values.set(row.key, fromBytes(row.value));
    const versions = new Map(rows.map((row) => [row.key, row.version]));
    for (const key of keys) if (!touched.has(key)) touched.set(key, versions.get(key) ?? '');
    return values;
  }

  /** Records the versions of keys about to be written for the first time. */
  async function touchForWrite(keys: readonly string[]): Promise<void> {
    const fresh = [...new Set(keys.filter((key) => !touched.has(key)))];
    if (fresh.length === 0) return;
    const rows = await run<{ key: string; version: string }>(
      host,
      sql.versions,
      [namespace, fresh],
      'transaction write',
    );
    guard();
    const versions = new Map(rows.map((row) => [row.key, row.version]));
    for (const key of fresh) if (!touched.has(key)) touched.set(key, versions.get(key) ?? '');
  }

  async function read(keys: readonly string[]): Promise<(string | undefined)[]> {
    const missing = keys.filter((key) => !writes.has(key));
    const fetched = missing.length === 0 ? new Map<string, string>() : await fetch(missing);
    return keys.map((key) => (writes.has(key) ? own(writes.get(key) ?? null) : fetched.get(key)));
  }

  async function write(
    entries: readonly { key: string; value: string | null }[],
    ttlMs: number | undefined,
  ) {
    await touchForWrite(entries.map((entry) => entry.key));
    const at = performance.now();
    for (const { key, value } of entries) {
      writes.set(key, value === null ? null : { value, ttlMs, at });
    }
  }

  const view: MemoryTransaction = {
    async load(key: string) {
      guard();
      const [value] = await read([validateMemoryKey(key)]);
      return value;
    },
    async loadMany(keys: readonly string[]) {
      guard();
      const valid = validateMemoryKeys(keys);
      return valid.length === 0 ? [] : read(valid);
    },
    async keys(prefix?: string) {
      guard();
      const p = validateKeyPrefix(prefix);
      const rows = await run<{ key: string }>(
        host,
        sql.keys,
        [namespace, p, prefixEnd(p)],
        'transaction keys',
      );
      guard();
      const live = rows.map((row) => row.key);
      if (!scans.has(p)) scans.set(p, new Set(live));
      const found = new Set(live);
      for (const [key, w] of writes) {
        if (!key.startsWith(p)) continue;
        if (own(w) === undefined) found.delete(key);
        else found.add(key);
      }
      return [...found].sort(compareMemoryKeys);
    },
    async store(key: string, value: string, options?: StoreOptions) {
      guard();
      const k = validateMemoryKey(key);
      const v = validateMemoryValue(k, value, host.maxValueBytes);
      await write([{ key: k, value: v }], validateStoreOptions(options));
    },
    async storeMany(entries: readonly MemoryEntry[], options?: StoreOptions) {
      guard();
      const valid = validateMemoryEntries(entries, host.maxValueBytes);
      const ttlMs = validateStoreOptions(options);
      if (valid.length > 0) await write(valid, ttlMs);
    },
    async delete(key: string) {
      guard();
      const k = validateMemoryKey(key);
      const [value] = await read([k]);
      writes.set(k, null);
      return value !== undefined;
    },
    abort(reason?: string): never {
      if (status === 'aborted') throw aborted(abortReason);
      if (status !== 'active') throw ended();
      status = 'aborted';
      abortReason = reason === undefined ? undefined : String(reason);
      abortError = aborted(abortReason);
      throw abortError;
    },
  };

  return {
    view,
    /** Ends the transaction after its body threw; returns what to reject with. */
    rollback(error: unknown): TransactionError {
      const wasAborted = status === 'aborted';
      status = 'rolled_back';
      if (wasAborted && abortError !== undefined) return abortError;
      const detail = error instanceof Error ? error.message : String(error);
      return new TransactionError(
        'transaction_failed',
        `The transaction body failed (${detail}); nothing it wrote was kept.`,
        { cause: error },
      );
    },
    /** Checks for conflicts and applies the buffered writes in one database transaction. */
    async commit(): Promise<void> {
      if (status === 'aborted' && abortError !== undefined) {
        status = 'rolled_back';
        throw abortError;
      }
      status = 'committing';
      try {
        await commitTransaction(host, { writes, touched, scans });
        status = 'committed';
      } catch (error) {
        status = 'rolled_back';
        throw error;
      }
    },
  };
}

function aborted(reason: string | undefined): TransactionError {
  return new TransactionError(
    'transaction_aborted',
    reason === undefined
      ? 'The transaction was aborted; nothing it wrote was kept.'
      : `The transaction was aborted (${reason}); nothing it wrote was kept.`,
    { data: { reason } },
  );
}
