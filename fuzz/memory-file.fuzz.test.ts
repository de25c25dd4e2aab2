import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { inMemoryMemory } from 'skreaver';
import { type FileMemory, fileMemory } from 'skreaver/memory/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryOp, perform, performTransaction, transactionStep } from './_memory-model.js';

/*
 * Model-based test: random operation lists (transactions and reopening the
 * file included) run against a file memory and against the in-memory
 * reference; every answer, every error code and the final content must agree,
 * and the content read back from disk must be the reference's.
 */

const key = fc.constantFrom('a', 'b', 'a:b', 'ab', 'é', ' a ', 'bad key', '', '😀');
const value = fc.string({ unit: 'binary', maxLength: 8 });

const op = memoryOp({
  key,
  prefix: fc.constantFrom(undefined, 'a', 'b'),
  value,
  ttlMs: fc.option(fc.constantFrom(1, 5_000), { nil: undefined }),
  many: 3,
});

const step = fc.oneof(
  { arbitrary: op, weight: 6 },
  { arbitrary: transactionStep(op, 5), weight: 1 },
  { arbitrary: fc.constant({ kind: 'reopen' as const }), weight: 1 },
);

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
              const expected = await performTransaction(reference, s);
              expect(await performTransaction(memory, s)).toEqual(expected);
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
