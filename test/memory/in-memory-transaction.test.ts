import { describe, expect, it } from 'vitest';
import { MemoryError, TransactionError } from '../../src/errors/families.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import type { MemoryTransaction } from '../../src/memory/memory.js';
import { manualClock, rejection } from './_helpers.js';

describe('transaction conflicts', () => {
  it('lists the conflicting keys in data', async () => {
    const memory = inMemoryMemory();
    await memory.storeMany([
      { key: 'b', value: '1' },
      { key: 'a', value: '1' },
    ]);
    const error = await rejection(
      memory.transaction(async (tx) => {
        await tx.loadMany(['b', 'a', 'c']);
        await memory.storeMany([
          { key: 'b', value: '2' },
          { key: 'a', value: '2' },
          { key: 'c', value: '2' },
        ]);
      }),
      'transaction_conflict',
    );
    expect(error).toBeInstanceOf(TransactionError);
    expect(error.data).toEqual({ keys: ['a', 'b', 'c'], prefixes: [] });
    expect(error.message).toContain("'a', 'b', 'c'");
  });

  it('conflicts on a key the transaction only wrote (blind write)', async () => {
    const memory = inMemoryMemory();
    const error = await rejection(
      memory.transaction(async (tx) => {
        await tx.store('k', 'mine');
        await memory.store('k', 'theirs');
      }),
      'transaction_conflict',
    );
    expect(error.data).toEqual({ keys: ['k'], prefixes: [] });
    expect(await memory.load('k')).toBe('theirs');
  });

  it('names the prefix and the keys that appeared or vanished under it', async () => {
    const memory = inMemoryMemory();
    await memory.storeMany([
      { key: 'job:1', value: 'x' },
      { key: 'job:2', value: 'x' },
    ]);
    const error = await rejection(
      memory.transaction(async (tx) => {
        await tx.keys('job:');
        await tx.keys('job:');
        await memory.delete('job:1');
        await memory.store('job:3', 'x');
        await memory.store('job:2', 'changed value, same key set');
      }),
      'transaction_conflict',
    );
    expect(error.data).toEqual({ keys: ['job:1', 'job:3'], prefixes: ['job:'] });
  });

  it('does not conflict on a changed value under a listed prefix it did not read', async () => {
    const memory = inMemoryMemory();
    await memory.store('job:1', 'x');
    await memory.transaction(async (tx) => {
      await tx.keys('job:');
      await memory.store('job:1', 'y');
      await tx.store('count', '1');
    });
    expect(await memory.load('count')).toBe('1');
  });

  it('does not conflict on writes to keys it never touched', async () => {
    const memory = inMemoryMemory();
    await memory.store('mine', '1');
    await memory.transaction(async (tx) => {
      await tx.load('mine');
      await tx.keys('mine');
      await memory.store('other', 'x');
      await memory.store('mind', 'x');
      await tx.store('mine', '2');
    });
    expect(await memory.load('mine')).toBe('2');
  });

  it('does not conflict on a write made before the transaction first touched the key', async () => {
    const memory = inMemoryMemory();
    await memory.store('k', 'v1');
    await memory.transaction(async (tx) => {
      await memory.store('k', 'v2');
      expect(await tx.load('k')).toBe('v2');
      await tx.store('k', 'v3');
    });
    expect(await memory.load('k')).toBe('v3');
  });

  it('does not conflict when a key is created and deleted again meanwhile', async () => {
    const memory = inMemoryMemory();
    await memory.transaction(async (tx) => {
      expect(await tx.load('k')).toBeUndefined();
      await memory.store('k', 'brief');
      await memory.delete('k');
      await tx.store('other', 'x');
    });
    expect(await memory.load('other')).toBe('x');
  });

  it('lets exactly one of two racing read-modify-write transactions commit', async () => {
    const memory = inMemoryMemory();
    await memory.store('counter', '0');
    const increment = () =>
      memory.transaction(async (tx) => {
        const value = Number(await tx.load('counter'));
        await Promise.resolve();
        await tx.store('counter', String(value + 1));
      });
    const results = await Promise.allSettled([increment(), increment()]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await memory.load('counter')).toBe('1');
  });

  it('conflicts with a restore that changed what the transaction read', async () => {
    const memory = inMemoryMemory();
    await memory.store('k', 'v');
    const snapshot = await memory.snapshot();
    await rejection(
      memory.transaction(async (tx) => {
        await tx.load('k');
        await memory.restore(snapshot);
        await tx.store('x', '1');
      }),
      'transaction_conflict',
    );
  });

  it('treats an entry that expired before commit as changed', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('session', 'token', { ttlMs: 10 });
    await rejection(
      memory.transaction(async (tx) => {
        expect(await tx.load('session')).toBe('token');
        clock.advance(10);
        await tx.store('used', 'token');
      }),
      'transaction_conflict',
    );
  });

  it('shortens the message for many conflicting keys', async () => {
    const memory = inMemoryMemory();
    const keys = Array.from({ length: 12 }, (_, i) => `k${String(i).padStart(2, '0')}`);
    const error = await rejection(
      memory.transaction(async (tx) => {
        await tx.loadMany(keys);
        await memory.storeMany(keys.map((key) => ({ key, value: 'x' })));
      }),
      'transaction_conflict',
    );
    expect(error.message).toContain('and 2 more');
    expect((error.data as { keys: string[] }).keys).toHaveLength(12);
  });
});

describe('transaction lifecycle', () => {
  it('accepts a synchronous body and resolves with its value', async () => {
    const memory = inMemoryMemory();
    expect(await memory.transaction(() => 42)).toBe(42);
  });

  it('wraps a thrown non-Error as the cause of transaction_failed', async () => {
    const memory = inMemoryMemory();
    const error = await rejection(
      memory.transaction(() => {
        throw 'plain string';
      }),
      'transaction_failed',
    );
    expect(error.cause).toBe('plain string');
    expect(error.message).toContain('plain string');
  });

  it('rejects a body that is not a function with invalid_input', async () => {
    const memory = inMemoryMemory();
    await rejection(memory.transaction('nope' as unknown as () => void), 'invalid_input');
  });

  it('carries the abort reason and refuses further use of the handle', async () => {
    const memory = inMemoryMemory();
    let handle: MemoryTransaction | undefined;
    const error = await rejection(
      memory.transaction(async (tx) => {
        handle = tx;
        try {
          tx.abort('quota reached');
        } catch {
          // Swallowed on purpose: the transaction stays aborted.
        }
        await rejection(tx.store('k', 'v'), 'transaction_aborted');
        expect(() => tx.abort('again')).toThrow(TransactionError);
      }),
      'transaction_aborted',
    );
    expect(error.message).toContain('quota reached');
    expect(error.data).toEqual({ reason: 'quota reached' });
    expect(() => handle?.abort()).toThrow(/already ended/);
  });

  it('stays aborted when the body throws something else after abort', async () => {
    const memory = inMemoryMemory();
    await rejection(
      memory.transaction((tx) => {
        try {
          tx.abort();
        } catch {
          throw new Error('other');
        }
      }),
      'transaction_aborted',
    );
  });

  it('rejects every method of an ended handle with transaction_failed', async () => {
    const memory = inMemoryMemory();
    for (const outcome of ['commit', 'throw'] as const) {
      let handle: MemoryTransaction | undefined;
      await memory
        .transaction((tx) => {
          handle = tx;
          if (outcome === 'throw') throw new Error('x');
        })
        .catch(() => undefined);
      const tx = handle as MemoryTransaction;
      for (const call of [
        () => tx.load('k'),
        () => tx.loadMany(['k']),
        () => tx.keys(),
        () => tx.store('k', 'v'),
        () => tx.storeMany([{ key: 'k', value: 'v' }]),
        () => tx.delete('k'),
      ]) {
        const error = await rejection(call(), 'transaction_failed');
        expect(error.data).toEqual({ reason: 'transaction_ended' });
      }
      expect(() => tx.abort()).toThrow(TransactionError);
    }
    expect(await memory.keys()).toEqual([]);
  });

  it('keeps nothing when the memory is closed before commit', async () => {
    const memory = inMemoryMemory();
    const error = await rejection(
      memory.transaction(async (tx) => {
        await tx.store('k', 'v');
        await memory.close();
      }),
      'transaction_failed',
    );
    expect(error.cause).toBeInstanceOf(MemoryError);
    expect((error.cause as MemoryError).code).toBe('memory_closed');
  });

  it('rejects handle operations with memory_closed once the memory closed', async () => {
    const memory = inMemoryMemory();
    await rejection(
      memory.transaction(async (tx) => {
        await memory.close();
        await rejection(tx.load('k'), 'memory_closed');
        return 'body finished';
      }),
      'transaction_failed',
    );
  });

  it('includes writes issued but not awaited before the body returned', async () => {
    const memory = inMemoryMemory();
    await memory.transaction((tx) => {
      void tx.store('k', 'v');
    });
    expect(await memory.load('k')).toBe('v');
  });
});

describe('transactions with ttl', () => {
  it('expires an own write inside the transaction and after commit', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.transaction(async (tx) => {
      await tx.store('t', 'v', { ttlMs: 10 });
      await tx.storeMany([{ key: 'u', value: 'v' }], { ttlMs: 20 });
      expect(await tx.keys()).toEqual(['t', 'u']);
      clock.advance(10);
      expect(await tx.load('t')).toBeUndefined();
      expect(await tx.keys()).toEqual(['u']);
      expect(await tx.delete('t')).toBe(false);
    });
    expect(await memory.keys()).toEqual(['u']);
    clock.advance(10);
    expect(await memory.keys()).toEqual([]);
  });

  it('commits a write whose ttl ran out during the transaction as a delete', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('k', 'old');
    await memory.transaction(async (tx) => {
      await tx.store('k', 'brief', { ttlMs: 5 });
      clock.advance(5);
    });
    expect(await memory.load('k')).toBeUndefined();
    expect(await memory.keys()).toEqual([]);
  });

  it('sees committed entries expire like any other', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('k', 'v', { ttlMs: 5 });
    await memory.transaction(async (tx) => {
      clock.advance(5);
      expect(await tx.load('k')).toBeUndefined();
      expect(await tx.keys()).toEqual([]);
    });
  });
});
