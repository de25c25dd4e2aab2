import type { Memory, MemoryTransaction } from 'skreaver';
import { TransactionError } from 'skreaver';
import { assert, assertEqual, assertRejects, fail } from './_assert.js';
import { defineCapabilityTests, type SuiteContext } from './_memory-context.js';

type Transact = <R>(body: (tx: MemoryTransaction) => R | Promise<R>) => Promise<R>;

function transact(memory: Memory): Transact {
  if (memory.transaction === undefined) {
    fail('the memory declares transactions but has no transaction()');
  }
  const capable = memory as Required<Pick<Memory, 'transaction'>>;
  return (body) => capable.transaction(body);
}

/** Transactions, conflict detection included. */
export function defineTransactionTests(suite: SuiteContext): void {
  suite.runner.describe('transactions', () => {
    defineCapabilityTests(suite, 'transactions', (test) => {
      test('commits every write and resolves with the body result', async (t) => {
        const result = await transact(t.memory)(async (tx) => {
          await tx.store(t.key('a'), '1');
          await tx.storeMany([
            { key: t.key('b'), value: '2' },
            { key: t.key('c'), value: '3' },
          ]);
          return 'done';
        });
        assertEqual(result, 'done', 'the transaction result');
        assertEqual(await t.memory.loadMany(['a', 'b', 'c'].map(t.key)), ['1', '2', '3'], 'after');
      });

      test('reads inside see the transaction own writes and deletes', async (t) => {
        await t.memory.storeMany([
          { key: t.key('keep'), value: 'old' },
          { key: t.key('gone'), value: 'old' },
        ]);
        await transact(t.memory)(async (tx) => {
          await tx.store(t.key('keep'), 'new');
          await tx.store(t.key('added'), 'fresh');
          assertEqual(await tx.delete(t.key('gone')), true, 'tx.delete of a stored key');
          assertEqual(await tx.delete(t.key('gone')), false, 'tx.delete again');
          assertEqual(await tx.load(t.key('keep')), 'new', 'tx.load of an overwritten key');
          assertEqual(await tx.load(t.key('gone')), undefined, 'tx.load of a deleted key');
          assertEqual(
            await tx.loadMany(['added', 'gone', 'keep'].map(t.key)),
            ['fresh', undefined, 'new'],
            'tx.loadMany',
          );
          assertEqual(await tx.keys(t.key('')), [t.key('added'), t.key('keep')], 'tx.keys');
          assertEqual(await tx.delete(t.key('added')), true, 'tx.delete of an own write');
          assertEqual(await tx.keys(t.key('')), [t.key('keep')], 'tx.keys after that delete');
        });
        assertEqual(await t.memory.keys(t.key('')), [t.key('keep')], 'keys after commit');
        assertEqual(await t.memory.load(t.key('keep')), 'new', 'value after commit');
      });

      test('keeps writes invisible outside until commit', async (t) => {
        await t.memory.store(t.key('k'), 'before');
        await transact(t.memory)(async (tx) => {
          await tx.store(t.key('k'), 'inside');
          await tx.store(t.key('new'), 'inside');
          assertEqual(await t.memory.load(t.key('k')), 'before', 'an outside read during the tx');
          assertEqual(await t.memory.load(t.key('new')), undefined, 'an outside read of a new key');
        });
        assertEqual(await t.memory.load(t.key('k')), 'inside', 'after commit');
      });

      test('keeps nothing when the body throws, and rejects with transaction_failed', async (t) => {
        await t.memory.store(t.key('k'), 'before');
        const boom = new Error('boom');
        const error = await assertRejects(
          () =>
            transact(t.memory)(async (tx) => {
              await tx.store(t.key('k'), 'during');
              await tx.store(t.key('new'), 'during');
              await tx.delete(t.key('k'));
              throw boom;
            }),
          { code: 'transaction_failed', name: 'TransactionError' },
          'a throwing body',
        );
        assert(error.cause === boom, 'the thrown error must be the cause');
        assertEqual(
          await t.memory.loadMany([t.key('k'), t.key('new')]),
          ['before', undefined],
          'after rollback',
        );
      });

      test('keeps nothing after tx.abort(), and rejects with transaction_aborted', async (t) => {
        await assertRejects(
          () =>
            transact(t.memory)(async (tx) => {
              await tx.store(t.key('k'), 'during');
              tx.abort('changed my mind');
            }),
          { code: 'transaction_aborted', name: 'TransactionError' },
          'an aborted transaction',
        );
        await assertRejects(
          () =>
            transact(t.memory)(async (tx) => {
              await tx.store(t.key('k'), 'during');
              try {
                tx.abort();
              } catch {
                // A body that swallows the abort is still aborted.
              }
              return 'ignored';
            }),
          { code: 'transaction_aborted' },
          'an abort the body caught',
        );
        assertEqual(await t.memory.load(t.key('k')), undefined, 'after abort');
      });

      test('fails the transaction on an invalid key and keeps nothing', async (t) => {
        const error = await assertRejects(
          () =>
            transact(t.memory)(async (tx) => {
              await tx.store(t.key('k'), 'v');
              await tx.store('bad key', 'v');
            }),
          { code: 'transaction_failed' },
          'a transaction writing an invalid key',
        );
        assert(
          (error.cause as { code?: unknown } | undefined)?.code === 'invalid_identifier',
          'the cause must be the invalid_identifier error',
        );
        await transact(t.memory)(async (tx) => {
          await assertRejects(
            () =>
              tx.storeMany([
                { key: t.key('m'), value: 'v' },
                { key: '', value: 'v' },
              ]),
            { code: 'invalid_identifier' },
            'tx.storeMany with an invalid key',
          );
        });
        assertEqual(
          await t.memory.loadMany([t.key('k'), t.key('m')]),
          [undefined, undefined],
          'after',
        );
      });

      test('rejects use of the handle after the transaction ended', async (t) => {
        let leaked: MemoryTransaction | undefined;
        await transact(t.memory)(async (tx) => {
          leaked = tx;
        });
        const tx = leaked as MemoryTransaction;
        const ended = { code: 'transaction_failed', name: 'TransactionError' };
        await assertRejects(() => tx.store(t.key('late'), 'v'), ended, 'tx.store after commit');
        await assertRejects(() => tx.load(t.key('late')), ended, 'tx.load after commit');
        assertEqual(await t.memory.load(t.key('late')), undefined, 'the late write');
      });

      if (!suite.conflictDetection) return;

      test('conflicts when another writer changes a key the transaction read', async (t) => {
        await t.memory.store(t.key('k'), 'v1');
        await expectConflict(t.memory, async (tx) => {
          await tx.load(t.key('k'));
          await t.memory.store(t.key('k'), 'v2');
          await tx.store(t.key('out'), 'derived from v1');
        });
        assertEqual(await t.memory.load(t.key('k')), 'v2', 'the other writer keeps its write');
        assertEqual(await t.memory.load(t.key('out')), undefined, 'the transaction write');
      });

      test('conflicts when another writer creates a key the transaction saw absent', async (t) => {
        await expectConflict(t.memory, async (tx) => {
          assertEqual(await tx.loadMany([t.key('k')]), [undefined], 'the first read');
          await t.memory.store(t.key('k'), 'created');
          await tx.store(t.key('k'), 'also created');
        });
        assertEqual(await t.memory.load(t.key('k')), 'created', 'after the conflict');
      });

      test('conflicts when another writer deletes a key the transaction read', async (t) => {
        await t.memory.store(t.key('k'), 'v');
        await expectConflict(t.memory, async (tx) => {
          await tx.load(t.key('k'));
          await t.memory.delete(t.key('k'));
          await tx.store(t.key('other'), 'x');
        });
        assertEqual(await t.memory.load(t.key('other')), undefined, 'after the conflict');
      });

      test('conflicts when a key appears under a prefix the transaction listed', async (t) => {
        await t.memory.store(t.key('item:1'), 'a');
        await expectConflict(t.memory, async (tx) => {
          const items = await tx.keys(t.key('item:'));
          await t.memory.store(t.key('item:2'), 'b');
          await tx.store(t.key('count'), String(items.length));
        });
        assertEqual(await t.memory.load(t.key('count')), undefined, 'after the conflict');
      });
    });
  });
}

async function expectConflict(
  memory: Memory,
  body: (tx: MemoryTransaction) => Promise<void>,
): Promise<void> {
  const error = await assertRejects(
    () => transact(memory)(body),
    { code: 'transaction_conflict', name: 'TransactionError' },
    'a transaction racing another writer',
  );
  assert(error instanceof TransactionError, 'a conflict must be a TransactionError');
}
