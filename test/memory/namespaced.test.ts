import { describe, expect, it } from 'vitest';
import { TransactionError, ValidationError } from '../../src/errors/families.js';
import { requireCapability } from '../../src/memory/capabilities.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import type { Memory } from '../../src/memory/memory.js';
import { namespaced } from '../../src/memory/namespaced.js';
import { manualClock, rejection } from './_helpers.js';

function capable(memory: Memory) {
  requireCapability(memory, 'transactions');
  requireCapability(memory, 'snapshots');
  return memory;
}

describe('namespaced isolation', () => {
  it('stores under the prefix and never shows other namespaces', async () => {
    const root = inMemoryMemory();
    const alice = namespaced(root, 'alice');
    const bob = namespaced(root, 'bob');
    await alice.store('notes', 'a');
    await bob.store('notes', 'b');
    await root.store('alice-not-a-namespace', 'x');
    expect(await root.keys()).toEqual(['alice-not-a-namespace', 'alice:notes', 'bob:notes']);
    expect(await alice.load('notes')).toBe('a');
    expect(await alice.keys()).toEqual(['notes']);
    expect(await bob.loadMany(['notes', 'none'])).toEqual(['b', undefined]);
    expect(await alice.delete('notes')).toBe(true);
    expect(await bob.load('notes')).toBe('b');
  });

  it('snapshots and restores only its own keys', async () => {
    const root = inMemoryMemory();
    const alice = capable(namespaced(root, 'alice'));
    const bob = capable(namespaced(root, 'bob'));
    await alice.storeMany([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
    ]);
    await bob.store('a', 'bob');
    const snapshot = await alice.snapshot();
    expect(JSON.parse(snapshot).entries).toEqual({ a: '1', b: '2' });

    await alice.store('c', 'added later');
    await alice.delete('a');
    await alice.restore(snapshot);
    expect(await alice.keys()).toEqual(['a', 'b']);
    expect(await bob.keys()).toEqual(['a']);

    // Alice's data restored into bob (as a namespace-less document) replaces bob's keys only.
    const { namespace: _alice, ...portable } = JSON.parse(snapshot);
    await bob.restore(JSON.stringify(portable));
    expect(await bob.loadMany(['a', 'b'])).toEqual(['1', '2']);
    expect(await root.keys()).toEqual(['alice:a', 'alice:b', 'bob:a', 'bob:b']);
  });

  it('leaves everything unchanged when the snapshot is invalid', async () => {
    const root = inMemoryMemory();
    const alice = capable(namespaced(root, 'alice'));
    await root.store('other', 'x');
    await alice.store('a', '1');
    await rejection(alice.restore('{"ok":"1","bad key":"2"}'), 'snapshot_invalid');
    expect(await root.keys()).toEqual(['alice:a', 'other']);
  });

  it("declares its namespace in snapshots and refuses another namespace's", async () => {
    const root = inMemoryMemory();
    const alice = capable(namespaced(root, 'alice'));
    const bob = capable(namespaced(root, 'bob'));
    await alice.store('a', '1');
    const text = await alice.snapshot();
    expect(JSON.parse(text)).toMatchObject({ namespace: 'alice', entries: { a: '1' } });
    const error = await rejection(bob.restore(text), 'snapshot_invalid');
    expect(error.message).toContain('namespace "alice"');
    // Snapshots without a namespace (the original's flat files, in-memory ones) restore anywhere.
    await bob.restore(await inMemoryMemory().snapshot());
    await alice.restore(text);
    expect(await root.keys()).toEqual(['alice:a']);
  });

  it('refuses a snapshot key that does not fit in the namespace', async () => {
    const alice = capable(namespaced(inMemoryMemory(), 'alice'));
    const error = await rejection(
      alice.restore(JSON.stringify({ ['k'.repeat(123)]: 'v' })),
      'snapshot_invalid',
    );
    expect(error.message).toContain('at most 122');
  });

  it('contains the namespaces nested under it', async () => {
    const root = inMemoryMemory();
    const outer = namespaced(root, 'a');
    const inner = namespaced(outer, 'b');
    await inner.store('k', 'v');
    expect(await root.keys()).toEqual(['a:b:k']);
    expect(await outer.keys()).toEqual(['b:k']);
    expect(await inner.keys()).toEqual(['k']);
    expect(await namespaced(root, 'a:b').load('k')).toBe('v');
    expect(JSON.parse(await capable(inner).snapshot()).entries).toEqual({ k: 'v' });
  });

  it('ignores the bare prefix key, which no namespaced key can name', async () => {
    const root = inMemoryMemory();
    const ns = capable(namespaced(root, 'ns'));
    await root.store('ns:', 'bare');
    await ns.store('k', 'v');
    expect(await ns.keys()).toEqual(['k']);
    expect(JSON.parse(await ns.snapshot()).entries).toEqual({ k: 'v' });
    await ns.restore('{}');
    expect(await root.keys()).toEqual(['ns:']);
  });
});

describe('namespaced keys', () => {
  it('trims and validates the namespace', async () => {
    const root = inMemoryMemory();
    await namespaced(root, '  ns ').store('k', 'v');
    expect(await root.keys()).toEqual(['ns:k']);
    for (const bad of ['', 'has space', 'a/b', 'n'.repeat(127)]) {
      expect(() => namespaced(root, bad)).toThrow(ValidationError);
    }
    expect(() => namespaced(root, 'n'.repeat(126))).not.toThrow();
  });

  it('refuses something that is not a memory with invalid_options', () => {
    expect(() => namespaced({} as Memory, 'ns')).toThrow(/must be a Memory/);
  });

  it('limits keys to 128 bytes including the prefix', async () => {
    const ns = namespaced(inMemoryMemory(), 'ns');
    await ns.store('k'.repeat(125), 'fits');
    const error = await rejection(ns.store('k'.repeat(126), 'v'), 'invalid_identifier');
    expect(error.data).toMatchObject({ reason: 'too_long', bytes: 126, maxBytes: 125 });
    await rejection(ns.keys('k'.repeat(126)), 'invalid_identifier');
    await rejection(ns.load('bad key'), 'invalid_identifier');
  });

  it('passes malformed batches on, so the inner memory rejects them', async () => {
    const ns = namespaced(inMemoryMemory(), 'ns');
    await rejection(ns.loadMany('k' as unknown as string[]), 'invalid_input');
    await rejection(ns.storeMany('k' as unknown as []), 'invalid_input');
    await rejection(
      ns.storeMany([7 as unknown as { key: string; value: string }]),
      'invalid_input',
    );
  });
});

describe('namespaced capabilities', () => {
  const basic = (memory: Memory, caps: Memory['capabilities']): Memory => ({
    capabilities: caps,
    load: (k) => memory.load(k),
    loadMany: (k) => memory.loadMany(k),
    keys: (p) => memory.keys(p),
    store: (k, v, o) => memory.store(k, v, o),
    storeMany: (e, o) => memory.storeMany(e, o),
    delete: (k) => memory.delete(k),
    ...(caps.snapshots ? { snapshot: () => memory.snapshot?.() ?? Promise.resolve('') } : {}),
    ...(caps.snapshots ? { restore: (s: string) => memory.restore?.(s) ?? Promise.resolve() } : {}),
  });

  it('mirrors the inner memory', () => {
    expect(namespaced(inMemoryMemory(), 'ns').capabilities).toEqual({
      transactions: true,
      snapshots: true,
      ttl: true,
    });
    const none = namespaced(
      basic(inMemoryMemory(), { transactions: false, snapshots: false, ttl: false }),
      'ns',
    );
    expect(none.capabilities).toEqual({ transactions: false, snapshots: false, ttl: false });
    expect(none.transaction).toBeUndefined();
    expect(none.snapshot).toBeUndefined();
  });

  it('declares no snapshots when the inner memory has snapshots but no transactions', () => {
    const inner = basic(inMemoryMemory(), { transactions: false, snapshots: true, ttl: true });
    const ns = namespaced(inner, 'ns');
    expect(ns.capabilities.snapshots).toBe(false);
    expect(ns.restore).toBeUndefined();
  });

  it('refuses a snapshot with expiry times when the inner memory has no ttl', async () => {
    const root = inMemoryMemory();
    const inner: Memory = {
      ...root,
      capabilities: { transactions: true, snapshots: true, ttl: false },
    };
    const ns = capable(namespaced(inner, 'ns'));
    const snapshot = JSON.stringify({
      format: 'skreaver.memory',
      version: 1,
      entries: { k: 'v' },
      expiresAt: { k: Date.now() + 60_000 },
    });
    await rejection(ns.restore(snapshot), 'memory_unsupported');
  });
});

describe('namespaced transactions', () => {
  it('prefixes every operation and commits in the inner memory', async () => {
    const root = inMemoryMemory();
    const ns = capable(namespaced(root, 'ns'));
    await ns.store('old', 'x');
    const result = await ns.transaction(async (tx) => {
      await tx.store('a', '1');
      await tx.storeMany([{ key: 'b', value: '2' }]);
      expect(await tx.delete('old')).toBe(true);
      expect(await tx.loadMany(['a', 'b', 'old'])).toEqual(['1', '2', undefined]);
      expect(await tx.keys()).toEqual(['a', 'b']);
      return tx.load('a');
    });
    expect(result).toBe('1');
    expect(await root.keys()).toEqual(['ns:a', 'ns:b']);
  });

  it('aborts through the inner transaction', async () => {
    const root = inMemoryMemory();
    const ns = capable(namespaced(root, 'ns'));
    await rejection(
      ns.transaction(async (tx) => {
        await tx.store('a', '1');
        tx.abort('no');
      }),
      'transaction_aborted',
    );
    expect(await root.keys()).toEqual([]);
  });

  it('reports conflicts with the namespace own key names', async () => {
    const root = inMemoryMemory();
    const ns = capable(namespaced(root, 'ns'));
    await ns.store('k', '1');
    const error = await rejection(
      ns.transaction(async (tx) => {
        await tx.load('k');
        await tx.keys('j');
        await ns.store('k', '2');
        await ns.store('j1', '2');
      }),
      'transaction_conflict',
    );
    expect(error).toBeInstanceOf(TransactionError);
    expect(error.data).toEqual({ keys: ['j1', 'k'], prefixes: ['j'] });
    expect(error.message).toContain("'k'");
    expect(error.message).not.toContain('ns:');
    expect((error.cause as TransactionError).data).toEqual({
      keys: ['ns:j1', 'ns:k'],
      prefixes: ['ns:j'],
    });
  });

  it('passes on errors that are not conflicts', async () => {
    const ns = capable(namespaced(inMemoryMemory(), 'ns'));
    await rejection(
      ns.transaction(() => {
        throw new Error('x');
      }),
      'transaction_failed',
    );
  });

  it('passes on a conflict of the restore transaction', async () => {
    const root = inMemoryMemory();
    const racing: Memory = {
      ...root,
      transaction: (body) =>
        root.transaction(async (tx) => {
          await tx.keys('ns:');
          await root.store('ns:intruder', 'x');
          return body(tx);
        }),
    };
    const ns = capable(namespaced(racing, 'ns'));
    const error = await rejection(ns.restore('{"a":"1"}'), 'transaction_conflict');
    expect(error.data).toEqual({ keys: ['intruder'], prefixes: [''] });
    expect(await root.keys()).toEqual(['ns:intruder']);
  });

  it('restores as one transaction, surfacing the inner memory refusal', async () => {
    const root = inMemoryMemory({ maxValueBytes: 3 });
    const ns = capable(namespaced(root, 'ns'));
    await ns.store('keep', 'abc');
    await rejection(
      ns.restore(JSON.stringify({ a: 'ok', b: 'too long' })),
      'memory_limit_exceeded',
    );
    expect(await root.keys()).toEqual(['ns:keep']);
  });
});

describe('namespaced ttl in snapshots', () => {
  it('keeps expiry times through snapshot and restore', async () => {
    const clock = manualClock();
    const root = inMemoryMemory({ now: clock.now });
    const ns = capable(namespaced(root, 'ns', { now: clock.now }));
    await ns.store('t', 'v', { ttlMs: 100 });
    await ns.store('p', 'v');
    const snapshot = await ns.snapshot();
    expect(JSON.parse(snapshot).expiresAt).toEqual({ t: clock.now() + 100 });
    await ns.restore('{}');
    expect(await ns.keys()).toEqual([]);
    clock.advance(40);
    await ns.restore(snapshot);
    expect(JSON.parse(await root.snapshot()).expiresAt).toEqual({ 'ns:t': clock.now() + 60 });
    clock.advance(60);
    expect(await ns.keys()).toEqual(['p']);
  });

  it('deletes a key whose snapshot entry has already expired', async () => {
    const clock = manualClock();
    const root = inMemoryMemory({ now: clock.now });
    const ns = capable(namespaced(root, 'ns', { now: clock.now }));
    await ns.store('t', 'current');
    const old = JSON.stringify({
      format: 'skreaver.memory',
      version: 1,
      entries: { t: 'old' },
      expiresAt: { t: clock.now() - 1 },
    });
    await ns.restore(old);
    expect(await root.keys()).toEqual([]);
  });

  it('honours maxSnapshotBytes on restore', async () => {
    const ns = capable(namespaced(inMemoryMemory(), 'ns', { maxSnapshotBytes: 10 }));
    await rejection(ns.restore('{"key":"a long value"}'), 'memory_limit_exceeded');
  });
});

describe('namespaced close', () => {
  it('closes the view only', async () => {
    const root = inMemoryMemory();
    const ns = capable(namespaced(root, 'ns'));
    await ns.store('k', 'v');
    await ns.close?.();
    for (const pending of [
      ns.load('k'),
      ns.loadMany(['k']),
      ns.keys(),
      ns.store('k', 'v'),
      ns.storeMany([]),
      ns.delete('k'),
      ns.transaction(() => 1),
      ns.snapshot(),
      ns.restore('{}'),
    ]) {
      await rejection(pending, 'memory_closed');
    }
    expect(await root.load('ns:k')).toBe('v');
  });

  it('refuses transaction handle operations after the view closed', async () => {
    const ns = capable(namespaced(inMemoryMemory(), 'ns'));
    await rejection(
      ns.transaction(async (tx) => {
        await ns.close?.();
        await tx.load('k');
      }),
      'transaction_failed',
    );
  });
});
