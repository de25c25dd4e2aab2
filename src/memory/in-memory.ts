import { type KnownOptions, rejectUnknownOptions } from '../_known-options.js';
import { MemoryError, ValidationError } from '../errors/families.js';
import { exceedsUtf8Bytes, utf8ByteLength } from '../text/utf8.js';
import { createState } from './_in-memory-state.js';
import { runTransaction, type TransactionHost } from './_in-memory-transaction.js';
import type {
  Memory,
  MemoryEntry,
  MemoryHealth,
  MemoryTransaction,
  StoreOptions,
} from './memory.js';
import {
  DEFAULT_MAX_SNAPSHOT_BYTES,
  formatMemorySnapshot,
  parseMemorySnapshot,
} from './snapshot-format.js';
import {
  validateKeyPrefix,
  validateMemoryEntries,
  validateMemoryKey,
  validateMemoryKeys,
  validateMemoryValue,
  validateStoreOptions,
} from './validation.js';

/** The options inMemoryMemory takes, checked against InMemoryMemoryOptions. */
const IN_MEMORY_MEMORY_OPTIONS = {
  maxValueBytes: true,
  maxSnapshotBytes: true,
  now: true,
} satisfies KnownOptions<InMemoryMemoryOptions>;

/** Options of {@link inMemoryMemory}. */
export interface InMemoryMemoryOptions {
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one rejects with
   * `memory_limit_exceeded` (also inside transactions and restores, where it
   * makes the snapshot invalid).
   * @defaultValue Infinity (no limit)
   */
  readonly maxValueBytes?: number;
  /**
   * Largest snapshot `restore()` accepts and `snapshot()` produces, in UTF-8
   * bytes. Past it both reject with `memory_limit_exceeded` (not
   * `snapshot_invalid`: the document may be fine, the limit is the thing to
   * change), so every snapshot this memory writes it can read back.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxSnapshotBytes?: number;
  /**
   * The clock TTLs are measured with, in epoch milliseconds. Expiry is
   * checked when an entry is read or listed; no timer runs.
   * @defaultValue Date.now
   */
  readonly now?: () => number;
}

/**
 * The memory {@link inMemoryMemory} returns: a {@link Memory} whose optional
 * methods are all present.
 */
export interface InMemoryMemory extends Memory {
  /** See {@link Memory.transaction}. */
  transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R>;
  /** See {@link Memory.snapshot}. */
  snapshot(): Promise<string>;
  /** See {@link Memory.restore}. */
  restore(snapshot: string): Promise<void>;
  /** Drops the content; later operations reject with `memory_closed`. */
  close(): Promise<void>;
  /** `ok` while open, `down` once closed; there is nothing to probe. */
  health(): Promise<MemoryHealth>;
}

/**
 * A memory held in a `Map` in this process: fast, lost on exit, and complete.
 * It declares every capability: transactions (optimistic: a transaction that
 * read, wrote or listed something another writer changed meanwhile rejects
 * with `transaction_conflict`), snapshots (see `formatMemorySnapshot`) and
 * TTL (checked lazily against `options.now`).
 *
 * @throws {@link ValidationError} `invalid_options` for an out-of-range option.
 * @example
 * ```ts
 * const memory = inMemoryMemory();
 * await memory.store('user:42', '{"name":"Ada"}');
 * await memory.transaction(async (tx) => {
 *   const visits = Number((await tx.load('visits')) ?? '0');
 *   await tx.store('visits', String(visits + 1));
 * });
 * const backup = await memory.snapshot();
 * ```
 */
export function inMemoryMemory(options: InMemoryMemoryOptions = {}): InMemoryMemory {
  rejectUnknownOptions('inMemoryMemory', options, IN_MEMORY_MEMORY_OPTIONS);
  const maxValueBytes = positiveLimit('maxValueBytes', options.maxValueBytes, Infinity);
  const maxSnapshotBytes = positiveLimit(
    'maxSnapshotBytes',
    options.maxSnapshotBytes,
    DEFAULT_MAX_SNAPSHOT_BYTES,
  );
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new ValidationError(
      'invalid_options',
      'inMemoryMemory: now must be a function returning epoch milliseconds.',
    );
  }
  const state = createState(now);
  let closed = false;

  function assertOpen(): void {
    if (closed) {
      throw new MemoryError(
        'memory_closed',
        'This memory is closed; create a new one to keep working.',
      );
    }
  }

  // A key the map already holds was validated (and trimmed) when stored.
  function checkKey(key: unknown): string {
    return state.holds(key) ? key : validateMemoryKey(key);
  }

  function expiry(ttlMs: number | undefined): number | undefined {
    return ttlMs === undefined ? undefined : now() + ttlMs;
  }

  const host: TransactionHost = {
    state,
    now,
    maxValueBytes,
    assertOpen,
    isClosed: () => closed,
  };

  return {
    capabilities: Object.freeze({ transactions: true, snapshots: true, ttl: true }),

    async load(key: string) {
      assertOpen();
      return state.get(checkKey(key))?.value;
    },

    async loadMany(keys: readonly string[]) {
      assertOpen();
      return validateMemoryKeys(keys).map((key) => state.get(key)?.value);
    },

    async keys(prefix?: string) {
      assertOpen();
      return state.keys(validateKeyPrefix(prefix));
    },

    async store(key: string, value: string, storeOptions?: StoreOptions) {
      assertOpen();
      const k = checkKey(key);
      const v = validateMemoryValue(k, value, maxValueBytes);
      state.set(k, v, expiry(validateStoreOptions(storeOptions)));
    },

    async storeMany(entries: readonly MemoryEntry[], storeOptions?: StoreOptions) {
      assertOpen();
      // Everything is checked before the first write: all or nothing.
      const valid = validateMemoryEntries(entries, maxValueBytes);
      const expiresAt = expiry(validateStoreOptions(storeOptions));
      for (const { key, value } of valid) state.set(key, value, expiresAt);
    },

    async delete(key: string) {
      assertOpen();
      return state.delete(validateMemoryKey(key));
    },

    transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R> {
      return runTransaction(host, body);
    },

    async snapshot() {
      assertOpen();
      const entries = new Map<string, string>();
      const expiresAt = new Map<string, number>();
      for (const [key, entry] of state.live()) {
        entries.set(key, entry.value);
        if (entry.expiresAt !== undefined) expiresAt.set(key, entry.expiresAt);
      }
      const text = formatMemorySnapshot({ entries, expiresAt });
      if (exceedsUtf8Bytes(text, maxSnapshotBytes)) {
        const bytes = utf8ByteLength(text);
        throw new MemoryError(
          'memory_limit_exceeded',
          `The snapshot would be ${bytes} bytes; this memory allows at most ${maxSnapshotBytes} (option maxSnapshotBytes). Raise the limit or store less.`,
          { data: { bytes, maxBytes: maxSnapshotBytes } },
        );
      }
      return text;
    },

    async restore(snapshot: string) {
      assertOpen();
      const content = parseMemorySnapshot(snapshot, { maxSnapshotBytes, maxValueBytes });
      // Validated completely above; from here on nothing can fail, and the
      // swap runs synchronously so no other operation sees half of it.
      const at = now();
      state.clear();
      for (const [key, value] of content.entries) {
        const expiresAt = content.expiresAt.get(key);
        if (expiresAt === undefined || expiresAt > at) state.set(key, value, expiresAt);
      }
    },

    async close() {
      closed = true;
      state.clear();
    },

    async health(): Promise<MemoryHealth> {
      return closed
        ? { status: 'down', latencyMs: 0, backend: 'in-memory', error: CLOSED }
        : { status: 'ok', latencyMs: 0, backend: 'in-memory' };
    },
  };
}

const CLOSED = Object.freeze({ code: 'memory_closed', message: 'The memory is closed.' });

function positiveLimit(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || Number.isNaN(value) || value <= 0) {
    throw new ValidationError(
      'invalid_options',
      `inMemoryMemory: ${name} must be a positive number of bytes (Infinity for no limit), got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}
