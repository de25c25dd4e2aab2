import { TransactionError } from '../errors/families.js';
import { compareMemoryKeys } from './compare-keys.js';

/** The `data` of a `transaction_conflict` error. */
export interface TransactionConflictData {
  /** Keys another writer changed (or created or deleted under a listed prefix), sorted. */
  readonly keys: readonly string[];
  /** Prefixes listed with `tx.keys()` whose set of keys changed, sorted. */
  readonly prefixes: readonly string[];
}

/**
 * Builds the `transaction_conflict` error every backend reports when another
 * writer got in the way: sorted `keys` and `prefixes` in `data`, and a
 * message naming the first ten keys.
 *
 * @param maxShownKeys - How many keys the message names. @defaultValue 10
 * @example
 * ```ts
 * throw transactionConflictError(['user:1']);
 * ```
 */
export function transactionConflictError(
  keys: Iterable<string>,
  prefixes: Iterable<string> = [],
  maxShownKeys = 10,
): TransactionError<TransactionConflictData> {
  const sorted = [...new Set(keys)].sort(compareMemoryKeys);
  const shown = sorted
    .slice(0, maxShownKeys)
    .map((key) => `'${key}'`)
    .join(', ');
  const more = sorted.length > maxShownKeys ? ` and ${sorted.length - maxShownKeys} more` : '';
  return new TransactionError<TransactionConflictData>(
    'transaction_conflict',
    `Another writer changed ${shown || 'keys this transaction used'}${more} while the transaction ran; nothing was kept. Run the transaction again.`,
    { data: { keys: sorted, prefixes: [...new Set(prefixes)].sort(compareMemoryKeys) } },
  );
}

/** Collects what changed since a transaction first touched it; see {@link conflictCheck}. */
export interface ConflictCheck {
  /** Records that `key` changed since the transaction first read or wrote it. */
  key(key: string): void;
  /** Compares the keys under a listed `prefix` now with those it held when first listed. */
  listing(prefix: string, seen: ReadonlySet<string>, current: Iterable<string>): void;
  /** The `transaction_conflict` error for what changed, or `undefined` when nothing did. */
  error(): TransactionError<TransactionConflictData> | undefined;
}

/**
 * Starts a commit-time conflict check: feed it the changed keys and the
 * current listing of each listed prefix, then throw its `error()` if any.
 *
 * @example
 * ```ts
 * const check = conflictCheck();
 * for (const [key, version] of versions) if (versionOf(key) !== version) check.key(key);
 * const conflict = check.error();
 * if (conflict !== undefined) throw conflict;
 * ```
 */
export function conflictCheck(): ConflictCheck {
  const keys = new Set<string>();
  const prefixes: string[] = [];
  return {
    key(key) {
      keys.add(key);
    },
    listing(prefix, seen, current) {
      const now = new Set(current);
      const changed = [...now].filter((key) => !seen.has(key));
      for (const key of seen) if (!now.has(key)) changed.push(key);
      for (const key of changed) keys.add(key);
      if (changed.length > 0) prefixes.push(prefix);
    },
    error() {
      return keys.size === 0 ? undefined : transactionConflictError(keys, prefixes);
    },
  };
}
