import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSkreaverError } from '../src/errors/skreaver-error.js';
import { inMemoryMemory } from '../src/memory/in-memory.js';
import type { Memory } from '../src/memory/memory.js';
import { namespaced } from '../src/memory/namespaced.js';
import { parseMemorySnapshot } from '../src/memory/snapshot-format.js';

const NOW = 1_700_000_000_000;
const clock = () => NOW;

const keyChar = fc.constantFrom(...'abcXYZ019_-.:', 'é', '中', 'ｚ', '𝐀');
const validKey = fc.string({ unit: keyChar, minLength: 1, maxLength: 12 });
const anyKey = fc.oneof(
  validKey,
  fc.string({ maxLength: 8 }),
  fc.constantFrom('', ' ', 'a b', '__proto__', 'constructor'),
);
const value = fc.string({ unit: 'binary', maxLength: 20 });

const content = fc.dictionary(validKey, value, { maxKeys: 8 });
const expiry = fc.oneof(fc.constant(undefined), fc.integer({ min: NOW - 1000, max: NOW + 1000 }));

/** A valid versioned snapshot of random content. */
const validSnapshot = fc
  .tuple(content, fc.array(expiry, { maxLength: 8 }))
  .map(([entries, expiries]) => {
    const expiresAt: Record<string, number> = {};
    Object.keys(entries).forEach((key, i) => {
      const at = expiries[i];
      if (at !== undefined) expiresAt[key] = at;
    });
    return JSON.stringify({ format: 'skreaver.memory', version: 1, entries, expiresAt });
  });

/** Snapshots that are broken in many ways, or maybe not broken at all. */
const hostileSnapshot = fc.oneof(
  validSnapshot,
  fc.tuple(validSnapshot, fc.nat()).map(([text, cut]) => text.slice(0, cut % (text.length + 1))),
  fc.json(),
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .dictionary(anyKey, fc.oneof(value, fc.integer(), fc.constant(null)))
    .map((o) => JSON.stringify(o)),
  fc
    .record(
      {
        format: fc.constantFrom('skreaver.memory', 'other'),
        version: fc.constantFrom(1, 2, '1'),
        entries: fc.dictionary(anyKey, fc.oneof(value, fc.boolean())),
        expiresAt: fc.dictionary(anyKey, fc.oneof(fc.integer(), fc.string())),
      },
      { requiredKeys: [] },
    )
    .map((o) => JSON.stringify(o)),
  fc.constantFrom('{"k":"\\ud800"}', '{"__proto__":"x"}', '{"a":"1"," a":"2"}'),
);

async function contentOf(memory: Memory): Promise<string> {
  return (await memory.snapshot?.()) ?? '';
}

async function checkRestore(memory: Memory, snapshot: string): Promise<void> {
  const before = await contentOf(memory);
  try {
    await memory.restore?.(snapshot);
  } catch (error) {
    expect(isSkreaverError(error, 'snapshot_invalid')).toBe(true);
    expect(await contentOf(memory)).toBe(before);
    return;
  }
  // Accepted: the memory now holds exactly the snapshot's live entries.
  const parsed = parseMemorySnapshot(snapshot);
  const live = [...parsed.entries.keys()].filter(
    (key) => (parsed.expiresAt.get(key) ?? Infinity) > NOW,
  );
  for (const key of live) expect(await memory.load(key)).toBe(parsed.entries.get(key));
  expect((await memory.keys()).sort()).toEqual(live.sort());
}

describe('memory restore with hostile snapshots', () => {
  it('either restores exactly or rejects with snapshot_invalid and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(content, hostileSnapshot, async (initial, snapshot) => {
        const memory = inMemoryMemory({ now: clock });
        await memory.storeMany(Object.entries(initial).map(([key, v]) => ({ key, value: v })));
        await checkRestore(memory, snapshot);
      }),
      { numRuns: 400 },
    );
  });

  it('does the same through a namespace, never touching the others', async () => {
    await fc.assert(
      fc.asyncProperty(content, content, hostileSnapshot, async (mine, theirs, snapshot) => {
        const root = inMemoryMemory({ now: clock });
        const ns = namespaced(root, 'mine', { now: clock });
        const other = namespaced(root, 'theirs', { now: clock });
        await ns.storeMany(Object.entries(mine).map(([key, v]) => ({ key, value: v })));
        await other.storeMany(Object.entries(theirs).map(([key, v]) => ({ key, value: v })));
        const otherBefore = await contentOf(other);
        await checkRestore(ns, snapshot);
        expect(await contentOf(other)).toBe(otherBefore);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips any valid content through snapshot and restore', async () => {
    await fc.assert(
      fc.asyncProperty(validSnapshot, async (snapshot) => {
        const first = inMemoryMemory({ now: clock });
        await first.restore(snapshot);
        const copy = inMemoryMemory({ now: clock });
        await copy.restore(await first.snapshot());
        expect(await copy.snapshot()).toBe(await first.snapshot());
      }),
      { numRuns: 200 },
    );
  });
});
