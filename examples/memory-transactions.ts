/**
 * Memory with transactions and snapshots: all-or-nothing writes, reads that
 * see the transaction's own writes, and a snapshot restored elsewhere.
 */
import { inMemoryMemory, isSkreaverError, namespaced, requireCapability } from 'skreaver';

export async function main(): Promise<Record<string, unknown>> {
  const memory = inMemoryMemory();
  const alice = namespaced(memory, 'alice');
  await alice.store('balance', '100');

  // A transaction that throws keeps nothing.
  let code = '';
  try {
    await memory.transaction(async (tx) => {
      await tx.store('alice:balance', '0');
      throw new Error('payment provider down');
    });
  } catch (error) {
    if (isSkreaverError(error)) code = error.code; // 'transaction_failed'
  }

  // Reads inside a transaction see its own writes; the commit is atomic.
  const total = await memory.transaction(async (tx) => {
    const balance = Number(await tx.load('alice:balance'));
    await tx.store('alice:balance', String(balance - 30));
    return Number(await tx.load('alice:balance'));
  });

  // Snapshot one namespace and restore it into another memory.
  // requireCapability asserts the capability (or throws memory_unsupported).
  const copy = namespaced(inMemoryMemory(), 'alice');
  requireCapability(alice, 'snapshots');
  requireCapability(copy, 'snapshots');
  await copy.restore(await alice.snapshot());

  return {
    failedWith: code,
    total,
    keys: await alice.keys(),
    restored: await copy.load('balance'),
  };
}
