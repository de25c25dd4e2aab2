import fc from 'fast-check';
import type { Memory } from 'skreaver';
import { inMemoryMemory } from 'skreaver';
import { postgresMemory } from 'skreaver/memory/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { findService, POSTGRES } from '../test/_support/services.js';
import { dropTable, randomName } from '../test/adapters/memory/postgres/_helpers.js';
import {
  memoryOp,
  outcome,
  perform,
  performTransaction,
  transactionStep,
} from './_memory-model.js';

/*
 * Model-based test against the reference: random operation sequences (plain
 * operations, transactions that commit, throw or abort, snapshot and restore)
 * run on postgresMemory and on inMemoryMemory; every answer, error code and
 * the final content must agree. Few runs: each one is a namespace on the
 * shared server.
 */

const svc = await findService(POSTGRES);
const table = randomName('skm_fuzz');

const keyChar = fc.constantFrom(...'abAB01_-.:', 'é', 'ｚ', '𝐀');
const key = fc.oneof(
  { arbitrary: fc.string({ unit: keyChar, minLength: 1, maxLength: 4 }), weight: 8 },
  { arbitrary: fc.constantFrom('', ' a ', 'bad key', 'a%', 'x'.repeat(129)), weight: 1 },
);
const prefix = fc.oneof(
  fc.constantFrom(undefined, '', 'bad prefix'),
  fc.string({ unit: keyChar, maxLength: 2 }),
);
const value = fc.string({ unit: 'binary', maxLength: 8 });
const op = memoryOp({
  key,
  prefix,
  value,
  // Long TTLs only: the two memories run on different clocks.
  ttlMs: fc.constantFrom(undefined, 600_000),
});

const step = fc.oneof(
  { arbitrary: op, weight: 6 },
  { arbitrary: transactionStep(op, 5), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant('restore' as const),
      entries: fc.dictionary(fc.oneof(key, fc.constant('  padded ')), value, { maxKeys: 4 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.constant({ kind: 'snapshot' as const }), weight: 1 },
);
type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

/** What a snapshot says, without the expiry times (the clocks differ). */
async function snapshotView(memory: Memory) {
  const document = JSON.parse((await memory.snapshot?.()) ?? '{}');
  return { entries: document.entries, expiring: Object.keys(document.expiresAt).sort() };
}

async function apply(memory: Memory, s: Step): Promise<unknown> {
  switch (s.kind) {
    case 'transaction':
      return performTransaction(memory, s);
    case 'restore':
      return outcome(() => memory.restore?.(JSON.stringify(s.entries)) ?? Promise.resolve());
    case 'snapshot':
      return snapshotView(memory);
    default:
      return perform(memory, s);
  }
}

describe.skipIf(!svc.available)('postgresMemory against inMemoryMemory', () => {
  afterAll(() => dropTable(svc.url, table));

  it('gives the same answers to random operation sequences', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 25 }), async (steps) => {
        const reference = inMemoryMemory();
        const memory = await postgresMemory({
          connectionString: svc.url,
          table,
          namespace: randomName('ns'),
          max: 2,
        });
        try {
          for (const s of steps) {
            expect(await apply(memory, s), JSON.stringify(s)).toEqual(await apply(reference, s));
          }
          expect(await snapshotView(memory)).toEqual(await snapshotView(reference));
        } finally {
          await memory.close();
        }
      }),
      { numRuns: 50 },
    );
  }, 60_000);
});
