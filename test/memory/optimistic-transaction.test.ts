import { describe, expect, it } from 'vitest';
import {
  conflictCheck,
  isSkreaverError,
  type OptimisticBackend,
  type OptimisticCommit,
  runOptimisticTransaction,
} from '../../src/index.js';

/** An asynchronous backend over a Map whose versions are per-key counters. */
function mapBackend(options: { conflictsLeft?: number; readGate?: Promise<void> } = {}) {
  const data = new Map<string, string>();
  const versions = new Map<string, number>();
  let conflictsLeft = options.conflictsLeft ?? 0;
  let closed = false;
  const commits: OptimisticCommit<number>[] = [];
  const backend: OptimisticBackend<number> = {
    maxValueBytes: 100,
    now: () => 1_000,
    assertOpen() {
      if (closed) throw new Error('closed');
    },
    isClosed: () => closed,
    async read(keys) {
      await options.readGate;
      return keys.map((key) => ({ value: data.get(key), version: versions.get(key) ?? 0 }));
    },
    async versions(keys) {
      return keys.map((key) => versions.get(key) ?? 0);
    },
    async list(prefix) {
      return [...data.keys()].filter((key) => key.startsWith(prefix));
    },
    async commit(buffered) {
      commits.push(buffered);
      if (conflictsLeft > 0) {
        conflictsLeft--;
        const check = conflictCheck();
        check.key('a');
        throw check.error();
      }
      for (const [key, write] of buffered.writes) {
        if (write === null) data.delete(key);
        else data.set(key, write.value);
        versions.set(key, (versions.get(key) ?? 0) + 1);
      }
    },
  };
  return { backend, data, commits, close: () => (closed = true) };
}

describe('runOptimisticTransaction', () => {
  it('lets an asynchronous backend commit what the body wrote, reading its own writes', async () => {
    const { backend, data } = mapBackend();
    data.set('a', '1');
    const seen = await runOptimisticTransaction(backend, async (tx) => {
      await tx.store('b', '2', { ttlMs: 5 });
      await tx.delete('a');
      return [await tx.loadMany(['a', 'b']), await tx.keys()];
    });
    expect(seen).toEqual([[undefined, '2'], ['b']]);
    expect([...data]).toEqual([['b', '2']]);
  });

  it('passes the buffer, first-touch versions and first listings to commit', async () => {
    const { backend, data, commits } = mapBackend();
    data.set('p:1', 'x');
    await runOptimisticTransaction(backend, async (tx) => {
      await tx.keys('p:');
      await tx.storeMany([{ key: 'p:2', value: 'y' }], { ttlMs: 10 });
    });
    expect(commits[0]?.listed).toEqual(new Map([['p:', new Set(['p:1'])]]));
    expect(commits[0]?.versions).toEqual(new Map([['p:2', 0]]));
    expect(commits[0]?.writes).toEqual(new Map([['p:2', { value: 'y', expiresAt: 1_010 }]]));
  });

  it('runs the body again after a conflict, at most retryOnConflict times', async () => {
    const { backend } = mapBackend({ conflictsLeft: 2 });
    let runs = 0;
    const body = async () => {
      runs++;
    };
    await runOptimisticTransaction(backend, body, { retryOnConflict: 2 });
    expect(runs).toBe(3);
    const failing = mapBackend({ conflictsLeft: 5 }).backend;
    const error = await runOptimisticTransaction(failing, body, { retryOnConflict: 1 }).catch(
      (e: unknown) => e,
    );
    expect(isSkreaverError(error, 'transaction_conflict')).toBe(true);
  });

  it('rejects a read that completes after the transaction ended', async () => {
    let open = () => {};
    const { backend } = mapBackend({ readGate: new Promise((resolve) => (open = resolve)) });
    let pending: Promise<unknown> | undefined;
    await runOptimisticTransaction(backend, (tx) => {
      pending = tx.load('a');
      pending.catch(() => {});
    });
    open();
    await expect(pending).rejects.toMatchObject({
      code: 'transaction_failed',
      data: { reason: 'transaction_ended' },
    });
  });

  it('fails the commit when the memory closed while the body ran', async () => {
    const memory = mapBackend();
    const outcome = runOptimisticTransaction(memory.backend, async (tx) => {
      await tx.store('a', '1');
      memory.close();
    });
    await expect(outcome).rejects.toMatchObject({
      code: 'transaction_failed',
      cause: { code: 'memory_closed' },
    });
  });
});

describe('conflictCheck', () => {
  it('reports changed keys and the listed prefixes whose keys changed', () => {
    const check = conflictCheck();
    expect(check.error()).toBeUndefined();
    check.key('k');
    check.listing('p:', new Set(['p:1', 'p:2']), ['p:2', 'p:3']);
    check.listing('q:', new Set(['q:1']), ['q:1']);
    expect(check.error()?.data).toEqual({ keys: ['k', 'p:1', 'p:3'], prefixes: ['p:'] });
  });
});
