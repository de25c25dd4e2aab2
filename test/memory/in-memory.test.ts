import { describe, expect, it } from 'vitest';
import { MemoryError, ValidationError } from '../../src/errors/families.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import { manualClock, rejection } from './_helpers.js';

describe('inMemoryMemory options', () => {
  it.each([
    [{ maxValueBytes: 0 }],
    [{ maxValueBytes: -1 }],
    [{ maxValueBytes: Number.NaN }],
    [{ maxSnapshotBytes: 0 }],
    [{ maxSnapshotBytes: '10' as unknown as number }],
    [{ now: 5 as unknown as () => number }],
  ])('refuses %o with invalid_options', (options) => {
    expect(() => inMemoryMemory(options)).toThrow(ValidationError);
    try {
      inMemoryMemory(options);
    } catch (error) {
      expect((error as ValidationError).code).toBe('invalid_options');
    }
  });

  it('declares every capability', () => {
    expect(inMemoryMemory().capabilities).toEqual({
      transactions: true,
      snapshots: true,
      ttl: true,
    });
  });

  it('accepts Infinity as "no limit"', async () => {
    const memory = inMemoryMemory({ maxValueBytes: Infinity, maxSnapshotBytes: Infinity });
    await memory.store('k', 'x'.repeat(100_000));
    expect(await memory.snapshot()).toContain('"k"');
  });
});

describe('inMemoryMemory value limit', () => {
  it('rejects a value past maxValueBytes with memory_limit_exceeded, counting UTF-8 bytes', async () => {
    const memory = inMemoryMemory({ maxValueBytes: 4 });
    await memory.store('ok', 'éé');
    const error = await rejection(memory.store('big', 'ééé'), 'memory_limit_exceeded');
    expect(error).toBeInstanceOf(MemoryError);
    expect(error.data).toEqual({ key: 'big', bytes: 6, maxBytes: 4 });
    expect(await memory.load('big')).toBeUndefined();
  });

  it('checks the whole batch of storeMany before writing', async () => {
    const memory = inMemoryMemory({ maxValueBytes: 3 });
    const batch = [
      { key: 'a', value: 'abc' },
      { key: 'b', value: 'abcd' },
    ];
    await rejection(memory.storeMany(batch), 'memory_limit_exceeded');
    expect(await memory.keys()).toEqual([]);
  });

  it('applies inside transactions', async () => {
    const memory = inMemoryMemory({ maxValueBytes: 3 });
    const error = await rejection(
      memory.transaction((tx) => tx.store('k', 'abcd')),
      'transaction_failed',
    );
    expect((error.cause as MemoryError).code).toBe('memory_limit_exceeded');
  });

  it('makes a snapshot with a larger value invalid', async () => {
    const memory = inMemoryMemory({ maxValueBytes: 3 });
    const error = await rejection(memory.restore('{"a":"abcd"}'), 'snapshot_invalid');
    expect(error.data).toMatchObject({ problemCount: 1, problems: [{ path: '/a' }] });
  });
});

describe('inMemoryMemory snapshot limit', () => {
  it('refuses to restore a larger snapshot with memory_limit_exceeded', async () => {
    const memory = inMemoryMemory({ maxSnapshotBytes: 20 });
    await memory.store('k', 'v');
    const text = JSON.stringify({ key: 'ééééééééé' });
    const error = await rejection(memory.restore(text), 'memory_limit_exceeded');
    expect(error.data).toEqual({ bytes: new TextEncoder().encode(text).length, maxBytes: 20 });
    expect(await memory.load('k')).toBe('v');
  });

  it('refuses to write a snapshot it could not read back', async () => {
    const memory = inMemoryMemory({ maxSnapshotBytes: 80 });
    await memory.store('k', 'v');
    const small = await memory.snapshot();
    expect(small).toBe(
      '{"format":"skreaver.memory","version":1,"entries":{"k":"v"},"expiresAt":{}}',
    );
    await memory.store('k', 'a longer value that no longer fits');
    await rejection(memory.snapshot(), 'memory_limit_exceeded');
  });
});

describe('inMemoryMemory ttl with an injected clock', () => {
  it('expires an entry exactly when its ttl has passed', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('k', 'v', { ttlMs: 1000 });
    clock.advance(999);
    expect(await memory.load('k')).toBe('v');
    expect(await memory.keys()).toEqual(['k']);
    clock.advance(1);
    expect(await memory.load('k')).toBeUndefined();
    expect(await memory.keys()).toEqual([]);
    expect(await memory.delete('k')).toBe(false);
  });

  it('drops expired entries from keys() and loadMany()', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.storeMany(
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      { ttlMs: 10 },
    );
    await memory.store('c', '3');
    clock.advance(10);
    expect(await memory.keys()).toEqual(['c']);
    expect(await memory.loadMany(['a', 'b', 'c'])).toEqual([undefined, undefined, '3']);
  });

  it('keeps entries correct while unread expired entries are swept during writes', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    for (let i = 0; i < 50; i++) await memory.store(`temp${i}`, 'v', { ttlMs: 5 });
    await memory.store('long', 'v', { ttlMs: 1_000 });
    clock.advance(5);
    for (let i = 0; i < 120; i++) await memory.store(`perm${i}`, String(i));
    expect(await memory.load('long')).toBe('v');
    expect(await memory.load('temp0')).toBeUndefined();
    expect((await memory.keys()).length).toBe(121);
    clock.advance(1_000);
    await memory.delete('perm0');
    expect(await memory.keys('long')).toEqual([]);
    expect((await memory.keys()).length).toBe(119);
  });

  it('writes expiry times into snapshots and restores them', async () => {
    const clock = manualClock(5_000);
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('t', 'v', { ttlMs: 100 });
    await memory.store('p', 'v');
    const snapshot = await memory.snapshot();
    expect(JSON.parse(snapshot).expiresAt).toEqual({ t: 5_100 });

    const copy = inMemoryMemory({ now: clock.now });
    await copy.restore(snapshot);
    clock.advance(99);
    expect(await copy.keys()).toEqual(['p', 't']);
    clock.advance(1);
    expect(await copy.keys()).toEqual(['p']);
    expect(JSON.parse(await copy.snapshot()).expiresAt).toEqual({});
    // Restoring the old snapshot now leaves the expired entry out.
    await copy.restore(snapshot);
    expect(await copy.keys()).toEqual(['p']);
  });
});

describe('inMemoryMemory close', () => {
  it('rejects every later operation with memory_closed', async () => {
    const memory = inMemoryMemory();
    await memory.store('k', 'v');
    await memory.close();
    await rejection(memory.load('k'), 'memory_closed');
    await rejection(memory.loadMany(['k']), 'memory_closed');
    await rejection(memory.keys(), 'memory_closed');
    await rejection(memory.store('k', 'v'), 'memory_closed');
    await rejection(memory.storeMany([]), 'memory_closed');
    await rejection(memory.delete('k'), 'memory_closed');
    await rejection(
      memory.transaction(() => 1),
      'memory_closed',
    );
    await rejection(memory.snapshot(), 'memory_closed');
    await rejection(memory.restore('{}'), 'memory_closed');
    await memory.close();
  });
});

describe('inMemoryMemory argument checks', () => {
  it('rejects malformed arguments with invalid_input', async () => {
    const memory = inMemoryMemory();
    await rejection(memory.loadMany('k' as unknown as string[]), 'invalid_input');
    await rejection(memory.storeMany({} as unknown as []), 'invalid_input');
    await rejection(
      memory.storeMany([null as unknown as { key: string; value: string }]),
      'invalid_input',
    );
    await rejection(
      memory.store('k', 'v', 'fast' as unknown as { ttlMs: number }),
      'invalid_input',
    );
    await rejection(memory.store('k', 'v', null as unknown as { ttlMs: number }), 'invalid_input');
    expect(await memory.keys()).toEqual([]);
  });

  it('treats ttlMs: undefined as no ttl', async () => {
    const clock = manualClock();
    const memory = inMemoryMemory({ now: clock.now });
    await memory.store('k', 'v', {} as { ttlMs: number });
    clock.advance(1e12);
    expect(await memory.load('k')).toBe('v');
  });
});
