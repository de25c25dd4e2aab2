import fc from 'fast-check';
import {
  inMemoryMemory,
  isSkreaverError,
  type Memory,
  type MemoryReader,
  type MemoryWriter,
} from 'skreaver';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { describe, expect, it } from 'vitest';

/*
 * Differential test: random operation sequences (TTLs and a clock that moves,
 * transactions that commit, throw or abort, and writes from outside a
 * running transaction) give the same answers, errors, conflicts and final
 * snapshot on sqliteMemory as on inMemoryMemory, the reference.
 */

const key = fc.constantFrom('a', 'b', 'a:b', 'ab', 'a_b', 'a%', 'é', '𝐀', ' a ', 'bad key', '');
const prefix = fc.constantFrom(undefined, '', 'a', 'a:', 'a_', 'a%', 'é', 'bad prefix');
const value = fc.string({ unit: 'binary', maxLength: 6 });
const ttlMs = fc.option(fc.constantFrom(5, 20), { nil: undefined });

const op = fc.oneof(
  fc.record({ kind: fc.constant('store' as const), key, value, ttlMs }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('load' as const), key }),
  fc.record({ kind: fc.constant('loadMany' as const), keys: fc.array(key, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('keys' as const), prefix }),
  fc.record({
    kind: fc.constant('storeMany' as const),
    entries: fc.array(fc.record({ key, value }), { maxLength: 3 }),
    ttlMs,
  }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 15 }) }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const step = fc.oneof(
  { arbitrary: op, weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant('transaction' as const),
      ops: fc.array(fc.record({ outside: fc.boolean(), op }), { maxLength: 6 }),
      end: fc.constantFrom('commit', 'commit', 'throw', 'abort'),
    }),
    weight: 1,
  },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

interface Target {
  memory: Memory;
  /** The memory's clock, moved by `tick` operations. */
  clock: number;
}

function outcome(error: unknown): unknown {
  if (!isSkreaverError(error)) throw error;
  return error.code === 'transaction_conflict'
    ? { error: error.code, data: error.data }
    : { error: error.code };
}

async function run(target: Target, on: MemoryReader & MemoryWriter, o: Op): Promise<unknown> {
  const options = 'ttlMs' in o && o.ttlMs !== undefined ? { ttlMs: o.ttlMs } : undefined;
  try {
    switch (o.kind) {
      case 'store':
        return { ok: await on.store(o.key, o.value, options) };
      case 'delete':
        return { ok: await on.delete(o.key) };
      case 'load':
        return { ok: await on.load(o.key) };
      case 'loadMany':
        return { ok: await on.loadMany(o.keys) };
      case 'keys':
        return { ok: await on.keys(o.prefix) };
      case 'storeMany':
        return { ok: await on.storeMany(o.entries, options) };
      case 'tick':
        target.clock += o.ms;
        return { ok: target.clock };
    }
  } catch (error) {
    return outcome(error);
  }
}

async function apply(target: Target, s: Step): Promise<unknown[]> {
  if (s.kind !== 'transaction') return [await run(target, target.memory, s)];
  const seen: unknown[] = [];
  const result = await target.memory
    .transaction?.(async (tx) => {
      for (const inner of s.ops) {
        seen.push(await run(target, inner.outside ? target.memory : tx, inner.op));
      }
      if (s.end === 'throw') throw new Error('rollback');
      if (s.end === 'abort') tx.abort('fuzz');
      return 'committed';
    })
    .then((r) => ({ ok: r }), outcome);
  return [...seen, result];
}

async function final(target: Target): Promise<unknown> {
  // The namespace field is the adapter's own; the content must agree.
  const { namespace: _namespace, ...snapshot } = JSON.parse(await snapshotOf(target));
  return { keys: await target.memory.keys(), snapshot };
}

function snapshotOf(target: Target): Promise<string> {
  const { snapshot } = target.memory;
  if (snapshot === undefined) throw new Error('no snapshot()');
  return snapshot.call(target.memory);
}

describe('sqliteMemory against inMemoryMemory', () => {
  it('agrees on every answer, error, conflict and the final content', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const reference: Target = { memory: inMemoryMemory(), clock: 1_000 };
        reference.memory = inMemoryMemory({ now: () => reference.clock });
        const sqlite: Target = { memory: inMemoryMemory(), clock: 1_000 };
        sqlite.memory = await sqliteMemory({ path: ':memory:', now: () => sqlite.clock });
        try {
          for (const [i, s] of steps.entries()) {
            expect(await apply(sqlite, s), `step ${i}: ${JSON.stringify(s)}`).toEqual(
              await apply(reference, s),
            );
          }
          expect(await final(sqlite)).toEqual(await final(reference));
        } finally {
          await sqlite.memory.close?.();
        }
      }),
      { numRuns: 300 },
    );
  }, 60_000);
});
