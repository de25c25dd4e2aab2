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
