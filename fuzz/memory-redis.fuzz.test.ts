import fc from 'fast-check';
import { Redis } from 'ioredis';
import { inMemoryMemory, type Memory } from 'skreaver';
import { redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../test/_support/services.js';
import { deleteKeys, randomPrefix } from '../test/adapters/memory/redis/_helpers.js';
import {
  memoryOp,
  outcome,
  perform,
  performTransaction,
  SAMPLE_KEYS,
  SAMPLE_PREFIXES,
  transactionStep,
} from './_memory-model.js';

/*
 * Model-based test: random operation sequences (transactions, snapshots and
 * restores included) run on a Redis memory and on the in-memory reference;
 * every answer, every error code and the final content must agree.
 */

const redis = await findService(REDIS);

const key = fc.constantFrom(...SAMPLE_KEYS, '𝐀');
const value = fc.string({ unit: 'binary', maxLength: 6 });
const op = memoryOp({
  key,
  prefix: fc.constantFrom(...SAMPLE_PREFIXES),
  value,
  // Long enough never to expire during a run: the TTL path runs, timing does not matter.
  ttlMs: fc.constantFrom(undefined, 600_000),
});

const step = fc.oneof(
  { arbitrary: op, weight: 6 },
  { arbitrary: transactionStep(op, 6), weight: 2 },
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

/** A snapshot's entries and which keys expire: the parts both memories must agree on. */
async function content(memory: Memory): Promise<unknown> {
  const document = JSON.parse((await memory.snapshot?.()) ?? '{}') as {
    entries: Record<string, string>;
    expiresAt: Record<string, number>;
  };
  return { entries: document.entries, expiring: Object.keys(document.expiresAt) };
}

async function apply(memory: Memory, s: Step): Promise<unknown> {
  switch (s.kind) {
    case 'transaction':
      return performTransaction(memory, s);
    case 'snapshot':
      return content(memory);
    case 'restore': {
      // Object.fromEntries keeps the last of repeated keys, as JSON.parse would.
      const flat = JSON.stringify(Object.fromEntries(s.entries));
      return outcome(() => memory.restore?.(flat) ?? Promise.reject(new Error('no snapshots')));
    }
    default:
      return perform(memory, s);
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
            const expected = await apply(reference, s);
            expect(await apply(memory, s), `step ${i}: ${JSON.stringify(s)}`).toEqual(expected);
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
