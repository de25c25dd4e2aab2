import type { Memory, MemoryTransaction } from 'skreaver';
import { assertEqual, assertRejects, sleep } from './_assert.js';
import { defineCapabilityTests, type SuiteContext } from './_memory-context.js';

/** Expiry. The tests wait a little longer than the TTL and check only that entries are gone. */
export function defineTtlTests(suite: SuiteContext): void {
  const { ttlMs, ttlWaitMs } = suite;
  const long = { ttlMs: 600_000 };
  suite.runner.describe('ttl', () => {
    defineCapabilityTests(suite, 'ttl', (test) => {
      test('an entry expires after its ttl', async (t) => {
        await t.memory.store(t.key('short'), 'v', { ttlMs });
        await t.memory.store(t.key('long'), 'v', long);
        await t.memory.store(t.key('forever'), 'v');
        await sleep(ttlWaitMs);
        assertEqual(await t.memory.load(t.key('short')), undefined, 'load of the expired entry');
        assertEqual(
          await t.memory.loadMany(['short', 'long', 'forever'].map(t.key)),
          [undefined, 'v', 'v'],
          'loadMany',
        );
        assertEqual(await t.memory.keys(t.key('')), ['forever', 'long'].map(t.key), 'keys');
        assertEqual(await t.memory.delete(t.key('short')), false, 'delete of the expired entry');
      });

      test('a later write without ttl makes the entry permanent', async (t) => {
        await t.memory.store(t.key('k'), 'temporary', { ttlMs });
        await t.memory.store(t.key('k'), 'permanent');
        await sleep(ttlWaitMs);
        assertEqual(await t.memory.load(t.key('k')), 'permanent', 'after the old ttl');
      });

      test('a later write with a new ttl replaces the old one', async (t) => {
        await t.memory.store(t.key('k'), 'v1', long);
        await t.memory.store(t.key('k'), 'v2', { ttlMs });
        await sleep(ttlWaitMs);
        assertEqual(await t.memory.load(t.key('k')), undefined, 'after the new ttl');
      });

      test('storeMany applies the ttl to every entry', async (t) => {
        const entries = ['a', 'b'].map((s) => ({ key: t.key(s), value: s }));
        await t.memory.storeMany(entries, { ttlMs });
        await t.memory.storeMany([{ key: t.key('c'), value: 'c' }], long);
        await sleep(ttlWaitMs);
        assertEqual(await t.memory.keys(t.key('')), [t.key('c')], 'keys after the ttl');
      });

      test('rejects a ttl that is not a positive finite number with invalid_input', async (t) => {
        for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100', null]) {
          const options = { ttlMs: bad as number };
          await assertRejects(
            () => t.memory.store(t.key('k'), 'v', options),
            { code: 'invalid_input' },
            `store with ttlMs ${String(bad)}`,
          );
          await assertRejects(
            () => t.memory.storeMany([{ key: t.key('k'), value: 'v' }], options),
            { code: 'invalid_input' },
            `storeMany with ttlMs ${String(bad)}`,
          );
        }
        assertEqual(await t.memory.load(t.key('k')), undefined, 'nothing was stored');
      });

      test('expires entries written inside a transaction', async (t) => {
        const run = t.memory.transaction;
        if (!t.capabilities.transactions || run === undefined) return;
        await run.call(t.memory, async (tx: MemoryTransaction) => {
          await tx.store(t.key('short'), 'v', { ttlMs });
          await tx.storeMany([{ key: t.key('long'), value: 'v' }], long);
        });
        await sleep(ttlWaitMs);
        assertEqual(await t.memory.keys(t.key('')), [t.key('long')], 'keys after the ttl');
      });

      test('leaves expired entries out of snapshots', async (t) => {
        if (!t.capabilities.snapshots || t.memory.snapshot === undefined) return;
        await t.memory.store(t.key('short'), 'v', { ttlMs });
        await sleep(ttlWaitMs);
        const document = JSON.parse(await t.memory.snapshot()) as {
          entries: Record<string, string>;
          expiresAt: Record<string, number>;
        };
        assertEqual(document.entries[t.key('short')], undefined, 'the expired entry');
        assertEqual(document.expiresAt[t.key('short')], undefined, 'its expiry time');
        await restoreOld(t.memory, t.key('old'));
      });
    });
  });
}

/** A restored entry whose expiry time has already passed does not come back. */
async function restoreOld(memory: Memory, key: string): Promise<void> {
  if (memory.restore === undefined) return;
  const snapshot = JSON.stringify({
    format: 'skreaver.memory',
    version: 1,
    entries: { [key]: 'expired long ago' },
    expiresAt: { [key]: 1 },
  });
  await memory.restore(snapshot);
  assertEqual(await memory.load(key), undefined, 'an entry restored with a past expiry');
}
