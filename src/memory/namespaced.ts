import { MemoryError, TransactionError, ValidationError } from '../errors/families.js';
import { isSkreaverError } from '../errors/skreaver-error.js';
import { IDENTIFIER_RULES } from '../identifiers/rules.js';
import { exceedsUtf8Bytes, utf8ByteLength } from '../text/utf8.js';
import type {
  Memory,
  MemoryEntry,
  MemoryReader,
  MemoryTransaction,
  MemoryWriter,
  StoreOptions,
} from './memory.js';
import {
  DEFAULT_MAX_SNAPSHOT_BYTES,
  formatMemorySnapshot,
  parseMemorySnapshot,
} from './snapshot-format.js';
import { validateKeyPrefix, validateMemoryKey } from './validation.js';

/** Options of {@link namespaced}. */
export interface NamespacedOptions {
  /**
   * The clock that turns a snapshot's expiry times back into TTLs on
   * `restore()`; give it the same clock as the inner memory. (The Memory
   * contract takes relative TTLs only, so a restored expiry moves later by
   * the time between this clock's reading and the inner write.)
   * @defaultValue Date.now
   */
  readonly now?: () => number;
  /**
   * Largest snapshot `restore()` accepts, in UTF-8 bytes; past it, it
   * rejects with `memory_limit_exceeded`.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxSnapshotBytes?: number;
}

type ReadWrite = MemoryReader & MemoryWriter;

/** How many accepted keys a view remembers; past it, it forgets them all and starts over. */
const ACCEPTED_KEYS = 64;

/**
 * A view of `memory` in which every key lives under `${namespace}:`. Every
 * operation is prefixed and `keys()` strips the prefix again; transactions
 * run in the inner memory's transaction; `snapshot()` holds only this
 * namespace's keys (unprefixed) and `restore()` replaces only them, in one
 * inner transaction. Namespaces nest (`namespaced(namespaced(m, 'a'), 'b')`
 * stores under `a:b:`), which also means namespace `a` contains `a:b`.
 *
 * Keys keep the 128-byte limit of a memory key including the prefix, so a
 * namespace of n bytes leaves 127 - n bytes for keys. Capabilities mirror the
 * inner memory's, except that snapshots need the inner memory's snapshots and
 * transactions. `close()` closes the view only; the inner memory stays open.
 *
 * @throws {@link ValidationError} `invalid_identifier` when the namespace is not a valid memory key or leaves no room for keys.
 * @example
 * ```ts
 * const shared = inMemoryMemory();
 * const alice = namespaced(shared, 'agent:alice');
 * await alice.store('notes', 'hi'); // stored as 'agent:alice:notes'
 * await alice.keys(); // ['notes']
 * ```
 */
export function namespaced(
  memory: Memory,
  namespace: string,
  options: NamespacedOptions = {},
): Memory {
  if (typeof memory !== 'object' || memory === null || typeof memory.load !== 'function') {
    throw new ValidationError(
      'invalid_options',
      'namespaced: the first argument must be a Memory.',
    );
  }
  const ns = validateMemoryKey(namespace);
  const prefix = `${ns}:`;
  const maxKeyBytes = IDENTIFIER_RULES.memoryKey.maxBytes - utf8ByteLength(prefix);
  if (maxKeyBytes < 1) {
    throw new ValidationError(
      'invalid_identifier',
      `The namespace '${ns}' leaves no room for keys within the ${IDENTIFIER_RULES.memoryKey.maxBytes}-byte limit; use a shorter one.`,
      {
        data: {
          kind: 'namespace',
          reason: 'too_long',
          input: ns,
          maxBytes: IDENTIFIER_RULES.memoryKey.maxBytes - 2,
        },
      },
    );
  }
  const now = options.now ?? Date.now;
  const maxSnapshotBytes = options.maxSnapshotBytes ?? DEFAULT_MAX_SNAPSHOT_BYTES;
  let closed = false;
  // Keys this view accepted, with their prefixed form. Agents reuse a few
  // keys over and over; a hit skips validation, and the inner memory gets
  // the same string each time, whose hash the engine has already computed.
  const accepted = new Map<string, string>();

  function guard(): void {
    if (closed) {
      throw new MemoryError(
        'memory_closed',
        `The namespace '${ns}' view is closed; make a new one.`,
      );
    }
  }

  function full(key: unknown): string {
    const known = accepted.get(key as string);
    if (known !== undefined) return known;
    const k = validateMemoryKey(key);
    if (exceedsUtf8Bytes(k, maxKeyBytes)) {
      const bytes = utf8ByteLength(k);
      throw new ValidationError(
        'invalid_identifier',
        `The memory key '${k}' is ${bytes} bytes; inside namespace '${ns}' keys may be at most ${maxKeyBytes} bytes (128 including the prefix).`,
        {
          data: { kind: 'memory key', reason: 'too_long', input: k, bytes, maxBytes: maxKeyBytes },
        },
      );
    }
    const prefixed = prefix + k;
    if (accepted.size >= ACCEPTED_KEYS) accepted.clear();
    accepted.set(key as string, prefixed);
    return prefixed;
  }

  function strip(keys: readonly string[]): string[] {
    return keys.map((key) => key.slice(prefix.length)).filter((key) => key.length > 0);
  }

  function view<T extends ReadWrite>(target: T): ReadWrite {
    return {
      // load, store and delete are the per-step calls: plain functions that
      // hand back the inner promise save an async wrapper and its extra ticks.
      load(key: string) {
        try {
          guard();
          return Promise.resolve(target.load(full(key)));
        } catch (error) {
          return Promise.reject(error);
        }
      },
      async loadMany(keys: readonly string[]) {
        guard();
        if (!Array.isArray(keys)) return target.loadMany(keys);
        return target.loadMany(keys.map(full));
      },
      async keys(keyPrefix?: string) {
        guard();
        const p = validateKeyPrefix(keyPrefix);
        if (p !== '') full(p);
        return strip(await target.keys(prefix + p));
      },
      store(key: string, value: string, storeOptions?: StoreOptions) {
        try {
          guard();
          return Promise.resolve(target.store(full(key), value, storeOptions));
        } catch (error) {
          return Promise.reject(error);
        }
      },
      async storeMany(entries: readonly MemoryEntry[], storeOptions?: StoreOptions) {
        guard();
        if (!Array.isArray(entries)) return target.storeMany(entries, storeOptions);
        const mapped = entries.map((entry: unknown) =>
          typeof entry === 'object' && entry !== null
            ? { key: full((entry as MemoryEntry).key), value: (entry as MemoryEntry).value }
            : (entry as MemoryEntry),
        );
        return target.storeMany(mapped, storeOptions);
      },
      delete(key: string) {
        try {
          guard();
          return Promise.resolve(target.delete(full(key)));
        } catch (error) {
          return Promise.reject(error);
        }
      },
    };
  }

  const inner = memory;
  const transactions = inner.capabilities.transactions && typeof inner.transaction === 'function';
  const snapshots =
    transactions &&
    inner.capabilities.snapshots &&
    typeof inner.snapshot === 'function' &&
    typeof inner.restore === 'function';

  const result: Memory = {
    ...view(inner),
    capabilities: Object.freeze({ transactions, snapshots, ttl: inner.capabilities.ttl }),
    async close() {
      closed = true;
    },
  };
  // A view has no backend of its own: its health is the inner memory's.
  if (typeof inner.health === 'function') {
    const probe = inner.health.bind(inner);
    result.health = async () =>
      closed
        ? {
            status: 'down',
            latencyMs: 0,
            backend: (await probe()).backend,
            error: { code: 'memory_closed', message: `The namespace '${ns}' view is closed.` },
          }
        : probe();
  }

  async function transaction<R>(body: (tx: MemoryTransaction) => R | Promise<R>): Promise<R> {
    guard();
    try {
      return await (inner.transaction as NonNullable<Memory['transaction']>)((tx) =>
        body({ ...view(tx), abort: (reason?: string) => tx.abort(reason) }),
      );
    } catch (error) {
      throw unprefixConflict(error, prefix);
    }
  }

  async function snapshot(): Promise<string> {
    guard();
    const content = parseMemorySnapshot(await (inner.snapshot as () => Promise<string>)(), {
      maxSnapshotBytes: Infinity,
    });
    const entries = new Map<string, string>();
    const expiresAt = new Map<string, number>();
    for (const [key, value] of content.entries) {
      if (!key.startsWith(prefix) || key.length === prefix.length) continue;
      const own = key.slice(prefix.length);
      entries.set(own, value);
      const expiry = content.expiresAt.get(key);
      if (expiry !== undefined) expiresAt.set(own, expiry);
    }
    return formatMemorySnapshot({ entries, expiresAt, namespace: ns });
  }

  async function restore(text: string): Promise<void> {
    guard();
    const content = parseMemorySnapshot(text, { maxSnapshotBytes, maxKeyBytes, namespace: ns });
    if (content.expiresAt.size > 0 && !inner.capabilities.ttl) {
      throw new MemoryError(
        'memory_unsupported',
        'The snapshot has entries with expiry times, but the inner memory does not support ttl.',
        { data: { capability: 'ttl' } },
      );
    }
    try {
      await transaction(async (tx) => {
        const at = now();
        const keep = new Map<string, { value: string; ttlMs: number | undefined }>();
        for (const [key, value] of content.entries) {
          const expiry = content.expiresAt.get(key);
          if (expiry === undefined) keep.set(key, { value, ttlMs: undefined });
          else if (expiry > at) keep.set(key, { value, ttlMs: expiry - at });
        }
        for (const key of await tx.keys()) if (!keep.has(key)) await tx.delete(key);
        const plain: MemoryEntry[] = [];
        for (const [key, { value, ttlMs }] of keep) {
          if (ttlMs === undefined) plain.push({ key, value });
          else await tx.store(key, value, { ttlMs });
        }
        if (plain.length > 0) await tx.storeMany(plain);
      });
    } catch (error) {
      // A write the inner memory refused (a value limit, say) is the real
      // reason; the transaction wrapper around it adds nothing.
      if (
        error instanceof TransactionError &&
        error.code === 'transaction_failed' &&
        isSkreaverError(error.cause)
      ) {
        throw error.cause;
      }
      throw error;
    }
  }

  if (transactions) Object.assign(result, { transaction });
  if (snapshots) Object.assign(result, { snapshot, restore });
  return result;
}

/** Rewrites a conflict's keys to the namespace's own names. */
function unprefixConflict(error: unknown, prefix: string): unknown {
  if (!(error instanceof TransactionError) || error.code !== 'transaction_conflict') return error;
  const data = error.data as { keys?: unknown; prefixes?: unknown } | undefined;
  const unprefix = (list: unknown) =>
    Array.isArray(list)
      ? list.map((key) =>
          typeof key === 'string' && key.startsWith(prefix) ? key.slice(prefix.length) : key,
        )
      : list;
  return new TransactionError('transaction_conflict', error.message.replaceAll(`'${prefix}`, "'"), {
    data: { ...data, keys: unprefix(data?.keys), prefixes: unprefix(data?.prefixes) },
    cause: error,
  });
}
