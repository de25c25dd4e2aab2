/**
 * What a memory backend can do beyond the basic operations. Code that needs
 * a capability checks it (or calls {@link requireCapability}); the
 * conformance suite runs the matching tests only where it is declared.
 */
export interface MemoryCapabilities {
  /** `transaction()` is available: all-or-nothing, reads see own writes. */
  readonly transactions: boolean;
  /** `snapshot()` and `restore()` are available. */
  readonly snapshots: boolean;
  /** `store(..., { ttlMs })` expires entries. */
  readonly ttl: boolean;
}

/** One key and value to store. */
export interface MemoryEntry {
  /** The memory key (validated; trimmed). */
  readonly key: string;
  /** The value: any well-formed string, stored and loaded exactly as given. */
  readonly value: string;
}

/** Options for a write. */
export interface StoreOptions {
  /**
   * Expire the entry this many milliseconds after the write (a positive
   * finite number, else `invalid_input`). A write without `ttlMs` makes the
   * entry permanent again. Needs the `ttl` capability; a memory without it
   * rejects with `memory_unsupported`.
   */
  readonly ttlMs?: number;
}

/** Reads available both on a memory and inside its transactions. */
export interface MemoryReader {
  /** The value under `key`, or `undefined` when absent. */
  load(key: string): Promise<string | undefined>;
  /** The values under `keys`, in the same order, `undefined` where absent. */
  loadMany(keys: readonly string[]): Promise<(string | undefined)[]>;
  /**
   * Every key that starts with `prefix` (all keys when omitted or `''`),
   * sorted by Unicode code point (see `compareMemoryKeys`). The match is
   * literal and case-sensitive. A non-empty prefix follows the memory-key
   * rules (trimmed; otherwise `invalid_identifier`).
   */
  keys(prefix?: string): Promise<string[]>;
}

/** Writes available both on a memory and inside its transactions. */
export interface MemoryWriter {
  /**
   * Stores `value` under `key`, replacing any previous value. A value that is
   * not a string, or holds a lone UTF-16 surrogate, rejects with
   * `invalid_input`; one past the backend's size limit with
   * `memory_limit_exceeded`.
   */
  store(key: string, value: string, options?: StoreOptions): Promise<void>;
  /**
   * Stores every entry, all or nothing (every entry is checked before any is
   * written); a later entry for the same key wins. `options` apply to each.
   */
  storeMany(entries: readonly MemoryEntry[], options?: StoreOptions): Promise<void>;
  /** Deletes `key`; resolves `true` when it existed. */
  delete(key: string): Promise<boolean>;
}

/**
 * The view a transaction body gets: writes are buffered until commit, reads
 * (`keys()` included) see the transaction's own writes and deletes. The view
 * works only while the body runs; afterwards its methods reject with
 * `transaction_failed` (data `{ reason: 'transaction_ended' }`).
 */
export interface MemoryTransaction extends MemoryReader, MemoryWriter {
  /** Aborts the transaction: nothing is kept, and it rejects with `transaction_aborted`. */
  abort(reason?: string): never;
}

/**
 * Key-value memory for agents. Keys are memory keys (see `memoryKey`), values
 * strings that round-trip exactly. Invalid keys reject with
 * `invalid_identifier`; backend failures with a `MemoryError`.
 */
export interface Memory extends MemoryReader, MemoryWriter {
  /** What this backend supports beyond the basics. */
  readonly capabilities: MemoryCapabilities;
  /**
   * Runs `body` atomically: every write or none, and resolves with what
   * `body` returned. Keeps nothing and rejects with a `TransactionError` when
   * it does not commit: `transaction_failed` when `body` threw (the error is
   * the `cause`), `transaction_aborted` after `tx.abort()`, and
   * `transaction_conflict` when another writer changed a key the transaction
   * read or wrote, or a key under a prefix it listed, after it first touched
   * it (data `{ keys, prefixes }`; run it again). Present when
   * `capabilities.transactions`.
   */
  transaction?<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R>;
  /**
   * The whole content as a JSON document,
   * `{"format":"skreaver.memory","version":1,"entries":{...},"expiresAt":{...}}`
   * with keys sorted and expired entries left out (see `formatMemorySnapshot`).
   * Present when `capabilities.snapshots`.
   */
  snapshot?(): Promise<string>;
  /**
   * Replaces the whole content with a snapshot's. Validates everything first;
   * an invalid snapshot rejects with `snapshot_invalid` (data lists each
   * problem with its JSON Pointer) and changes nothing. Also reads the Rust
   * original's flat `{"key":"value",...}` snapshots. Present when
   * `capabilities.snapshots`.
   */
  restore?(snapshot: string): Promise<void>;
  /** Releases connections and timers; later operations reject with `memory_closed`. */
  close?(): Promise<void>;
  /**
   * Probes the backend (a round trip for servers, a file check for files)
   * and reports its state; never rejects.
   */
  health?(): Promise<MemoryHealth>;
}

/** What {@link Memory.health} reports. */
export interface MemoryHealth {
  /** `ok`: the probe succeeded; `down`: it failed or the memory is closed. */
  readonly status: 'ok' | 'down';
  /** Time the probe took, in milliseconds. */
  readonly latencyMs: number;
  /** The backend's name (`in-memory`, `file`, `sqlite`, `postgres`, `redis`). */
  readonly backend: string;
  /** Why the probe failed, when it did. */
  readonly error?: { readonly code: string; readonly message: string };
}
