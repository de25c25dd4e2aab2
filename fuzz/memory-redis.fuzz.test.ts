import fc from 'fast-check';
import { Redis } from 'ioredis';
import { inMemoryMemory, type Memory, type MemoryReader, type MemoryWriter } from 'skreaver';
import { redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../test/_support/services.js';
import { deleteKeys, randomPrefix } from '../test/adapters/memory/redis/_helpers.js';

/*
 * Model-based test: random operation sequences (transactions, snapshots and
 * restores included) run on a Redis memory and on the in-memory reference;
 * every answer, every error code and the final content must agree.
 */

const redis = await findService(REDIS);

const key = fc.constantFrom(
  'a',
  'b',
  'a:b',
  'ab',
  'b.c',
  ' a ',
  'é',
  '𝐀',
  'bad key',
  '',
  'x'.repeat(129),
);
const prefix = fc.constantFrom(undefined, '', 'a', 'a:', 'b', 'é', 'bad prefix');
const value = fc.string({ unit: 'binary', maxLength: 6 });
// Long enough never to expire during a run: the TTL path runs, timing does not matter.
const ttl = fc.constantFrom(undefined, 600_000);

const op = fc.oneof(
  fc.record({ kind: fc.constant('store' as const), key, value, ttl }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('load' as const), key }),
  fc.record({ kind: fc.constant('loadMany' as const), keys: fc.array(key, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('keys' as const), prefix }),
  fc.record({
    kind: fc.constant('storeMany' as const),
    entries: fc.array(fc.record({ key, value }), { maxLength: 4 }),
    ttl,
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const step = fc.oneof(
  { arbitrary: op, weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant('transaction' as const),
      ops: fc.array(op, { maxLength: 6 }),
      end: fc.constantFrom('commit', 'throw', 'abort'),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('restore' as const),
      entries: fc.array(fc.tuple(key, value), { maxLength: 4 }),
    }),
    weight: 1,
  },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** What an operation answered, or the code it failed with. */
async function outcome(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await fn() };
  } catch (error) {
    return { error: (error as { code?: unknown }).code ?? String(error) };
  }
}

function apply(target: MemoryReader & MemoryWriter, o: Op): Promise<unknown> {
  const options = (ms: number | undefined) => (ms === undefined ? undefined : { ttlMs: ms });
  switch (o.kind) {
    case 'store':
      return outcome(() => target.store(o.key, o.value, options(o.ttl)));
    case 'delete':
      return outcome(() => target.delete(o.key));
    case 'load':
      return outcome(() => target.load(o.key));
    case 'loadMany':
      return outcome(() => target.loadMany(o.keys));
    case 'keys':
      return outcome(() => target.keys(o.prefix));
    case 'storeMany':
      return outcome(() => target.storeMany(o.entries, options(o.ttl)));
  }
}

/** A snapshot's entries and which keys expire: the parts both memories must agree on. */
async function content(memory: Memory): Promise<unknown> {
  const document = JSON.parse((await memory.snapshot?.()) ?? '{}') as {
    entries: Record<string, string>;
    expiresAt: Record<string, number>;
  };
  return { entries: document.entries, expiring: Object.keys(document.expiresAt) };
}

async function perform(memory: Memory, s: Step): Promise<unknown> {
  switch (s.kind) {
    case 'transaction': {
      const inner: unknown[] = [];
      const result = await outcome(
        () =>
          memory.transaction?.(async (tx) => {
            for (const o of s.ops) inner.push(await apply(tx, o));
            if (s.end === 'throw') throw new Error('rollback');
            if (s.end === 'abort') tx.abort('fuzz');
            return inner.length;
          }) ?? Promise.reject(new Error('no transactions')),
      );
      return { result, inner };
    }
    case 'snapshot':
      return content(memory);
    case 'restore': {
      // Object.fromEntries keeps the last of repeated keys, as JSON.parse would.
      const flat = JSON.stringify(Object.fromEntries(s.entries));
      return outcome(() => memory.restore?.(flat) ?? Promise.reject(new Error('no snapshots')));
    }
    default:
      return apply(memory, s);
  }
}

describe.skipIf(!redis.available)('redisMemory against the in-memory reference', () => {
  let client: Redis;
  const stem = randomPrefix('fuzz');

  beforeAll(async () => {
    client = new Redis(redis.url);
  });
  afterAll(async () => {
    await deleteKeys(client, stem);
    await client.quit();
  });

  it('gives the same answers for random operation sequences', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const prefix = `${stem}${run++}:`;
        const memory = await redisMemory({ client, prefix });
        const reference = inMemoryMemory();
        try {
          for (const [i, s] of steps.entries()) {
            const expected = await perform(reference, s);
            expect(await perform(memory, s), `step ${i}: ${JSON.stringify(s)}`).toEqual(expected);
          }
          expect(await memory.keys()).toEqual(await reference.keys());
          expect(await content(memory)).toEqual(await content(reference));
        } finally {
          await memory.close();
          await deleteKeys(client, prefix);
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
