import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { inMemoryMemory, isSkreaverError, type MemoryReader, type MemoryWriter } from 'skreaver';
import { type FileMemory, fileMemory } from 'skreaver/memory/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Model-based test: random operation lists (transactions and reopening the
 * file included) run against a file memory and against the in-memory
 * reference; every answer, every error code and the final content must agree,
 * and the content read back from disk must be the reference's.
 */

const key = fc.constantFrom('a', 'b', 'a:b', 'ab', 'é', ' a ', 'bad key', '', '😀');
const value = fc.string({ unit: 'binary', maxLength: 8 });
const ttl = fc.option(fc.constantFrom(1, 5_000), { nil: undefined });

const op = fc.oneof(
  fc.record({ kind: fc.constant('store' as const), key, value, ttl }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('load' as const), key }),
  fc.record({ kind: fc.constant('loadMany' as const), keys: fc.array(key, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('keys' as const), prefix: fc.constantFrom(undefined, 'a', 'b') }),
  fc.record({
    kind: fc.constant('storeMany' as const),
    entries: fc.array(fc.record({ key, value }), { maxLength: 3 }),
    ttl,
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const step = fc.oneof(
  { arbitrary: op, weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('transaction' as const),
      ops: fc.array(op, { maxLength: 5 }),
      end: fc.constantFrom('commit', 'throw', 'abort'),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'reopen' as const }), weight: 1 },
);

type Outcome = { ok: unknown } | { error: string };

async function outcome(action: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: await action() };
  } catch (error) {
    if (!isSkreaverError(error)) throw error;
    return { error: error.code };
  }
}

function perform(target: MemoryReader & MemoryWriter, o: Op): Promise<Outcome> {
  const ttlMs = o.kind === 'store' || o.kind === 'storeMany' ? o.ttl : undefined;
  const withTtl = ttlMs === undefined ? undefined : { ttlMs };
  switch (o.kind) {
    case 'store':
      return outcome(() => target.store(o.key, o.value, withTtl));
    case 'storeMany':
      return outcome(() => target.storeMany(o.entries, withTtl));
    case 'delete':
      return outcome(() => target.delete(o.key));
    case 'load':
      return outcome(() => target.load(o.key));
    case 'loadMany':
      return outcome(() => target.loadMany(o.keys));
    case 'keys':
      return outcome(() => target.keys(o.prefix));
  }
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'skreaver-file-fuzz-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('fileMemory against the in-memory reference', () => {
  it('gives the same answers and keeps the same content on disk', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        // A fixed clock: TTLs are stored and compared, never reached.
        const now = () => 1_000_000;
        const path = join(root, `state-${run++}.json`);
        const reference = inMemoryMemory({ now });
        let memory: FileMemory = await fileMemory({ path, now });
        try {
          for (const s of steps) {
            if (s.kind === 'reopen') {
              await memory.close();
              memory = await fileMemory({ path, now });
            } else if (s.kind === 'transaction') {
              const answers: Outcome[][] = [[], []];
              const results = [];
              for (const [i, target] of [reference, memory].entries()) {
                results.push(
                  await outcome(() =>
                    target.transaction(async (tx) => {
                      for (const inner of s.ops) answers[i]?.push(await perform(tx, inner));
                      if (s.end === 'throw') throw new Error('rollback');
                      if (s.end === 'abort') tx.abort('fuzz');
                    }),
                  ),
                );
              }
              expect(answers[1]).toEqual(answers[0]);
              expect(results[1]).toEqual(results[0]);
            } else {
              expect(await perform(memory, s)).toEqual(await perform(reference, s));
            }
          }
          const expected = await reference.snapshot();
          expect(await memory.snapshot()).toBe(expected);
          await memory.close();
          memory = await fileMemory({ path, now });
          expect(await memory.snapshot()).toBe(expected);
        } finally {
          await memory.close();
        }
      }),
      { numRuns: 60 },
    );
  });
});
