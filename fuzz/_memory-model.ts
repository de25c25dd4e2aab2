import fc from 'fast-check';
import { isSkreaverError, type Memory, type MemoryReader, type MemoryWriter } from 'skreaver';

/*
 * The operation-sequence model the memory fuzz tests share: arbitraries for
 * single operations and transactions, and runners that turn each operation's
 * answer or error code into a comparable outcome.
 */

/** Keys that exercise trimming, non-ASCII, invalid and over-long keys. */
export const SAMPLE_KEYS = [
  'a',
  'b',
  'a:b',
  'ab',
  'b.c',
  ' a ',
  'é',
  'bad key',
  '',
  'x'.repeat(129),
];
/** Prefixes for `keys()`, including an invalid one. */
export const SAMPLE_PREFIXES = [undefined, '', 'a', 'a:', 'b', 'é', 'bad prefix'];

/** What the operation arbitrary draws from. */
export interface OpSources {
  readonly key: fc.Arbitrary<string>;
  readonly prefix: fc.Arbitrary<string | undefined>;
  readonly value: fc.Arbitrary<string>;
  /** TTLs for store and storeMany. @defaultValue never a TTL */
  readonly ttlMs?: fc.Arbitrary<number | undefined>;
  /** Most keys in loadMany and entries in storeMany. @defaultValue 4 */
  readonly many?: number;
}

/** One memory operation a test runs on both sides. */
export type MemoryOp =
  | { kind: 'store'; key: string; value: string; ttlMs: number | undefined }
  | { kind: 'delete'; key: string }
  | { kind: 'load'; key: string }
  | { kind: 'loadMany'; keys: string[] }
  | { kind: 'keys'; prefix: string | undefined }
  | {
      kind: 'storeMany';
      entries: { key: string; value: string }[];
      ttlMs: number | undefined;
    };

/** A transaction running `ops`, then ending as `end` says. */
export interface TransactionStep {
  kind: 'transaction';
  ops: MemoryOp[];
  end: 'commit' | 'throw' | 'abort';
}

/** Random memory operations. */
export function memoryOp(sources: OpSources): fc.Arbitrary<MemoryOp> {
  const { key, prefix, value, many = 4 } = sources;
  const ttlMs = sources.ttlMs ?? fc.constant(undefined);
  return fc.oneof(
    fc.record({ kind: fc.constant('store' as const), key, value, ttlMs }),
    fc.record({ kind: fc.constant('delete' as const), key }),
    fc.record({ kind: fc.constant('load' as const), key }),
    fc.record({ kind: fc.constant('loadMany' as const), keys: fc.array(key, { maxLength: many }) }),
    fc.record({ kind: fc.constant('keys' as const), prefix }),
    fc.record({
      kind: fc.constant('storeMany' as const),
      entries: fc.array(fc.record({ key, value }), { maxLength: many }),
      ttlMs,
    }),
  );
}

/** Random transactions of up to `maxOps` operations that commit, throw or abort. */
export function transactionStep(
  op: fc.Arbitrary<MemoryOp>,
  maxOps: number,
): fc.Arbitrary<TransactionStep> {
  return fc.record({
    kind: fc.constant('transaction' as const),
    ops: fc.array(op, { maxLength: maxOps }),
    end: fc.constantFrom('commit' as const, 'throw' as const, 'abort' as const),
  });
}

/** What an operation answered, or the code it failed with. */
export type Outcome = { ok: unknown } | { error: string };

/** Runs `action`; a failure that is not a skreaver error fails the test. */
export async function outcome(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await action() };
  } catch (error) {
    if (!isSkreaverError(error)) throw error;
    return { error: error.code };
  }
}

/** Runs one operation on a memory or a transaction handle. */
export function perform(target: MemoryReader & MemoryWriter, o: MemoryOp): Promise<Outcome> {
  const ttl = (ms: number | undefined) => (ms === undefined ? undefined : { ttlMs: ms });
  switch (o.kind) {
    case 'store':
      return outcome(() => target.store(o.key, o.value, ttl(o.ttlMs)));
    case 'delete':
      return outcome(() => target.delete(o.key));
    case 'load':
      return outcome(() => target.load(o.key));
    case 'loadMany':
      return outcome(() => target.loadMany(o.keys));
    case 'keys':
      return outcome(() => target.keys(o.prefix));
    case 'storeMany':
      return outcome(() => target.storeMany(o.entries, ttl(o.ttlMs)));
  }
}

/** Runs a transaction step: the answers inside it, and how it ended. */
export async function performTransaction(
  memory: Memory,
  s: TransactionStep,
): Promise<{ answers: Outcome[]; result: Outcome }> {
  const answers: Outcome[] = [];
  const result = await outcome(async () => {
    if (memory.transaction === undefined) throw new Error('no transactions');
    await memory.transaction(async (tx) => {
      for (const o of s.ops) answers.push(await perform(tx, o));
      if (s.end === 'throw') throw new Error('rollback');
      if (s.end === 'abort') tx.abort('fuzz');
    });
  });
  return { answers, result };
}
