import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSkreaverError } from '../src/errors/skreaver-error.js';
import { compareMemoryKeys } from '../src/memory/compare-keys.js';
import { inMemoryMemory } from '../src/memory/in-memory.js';
import type { Memory, MemoryReader, MemoryWriter } from '../src/memory/memory.js';
import { namespaced } from '../src/memory/namespaced.js';

/*
 * Model-based test: random operation lists run against the memory and
 * against a plain Map, inside and outside transactions; every answer and the
 * final content must agree.
 */

type Model = Map<string, string>;

const key = fc.constantFrom(
  'a',
  'b',
  'a:b',
  'ab',
  'b.c',
  ' a ',
  'é',
  'bad key',
  '',
  'x'.repeat(129),
);
const prefix = fc.constantFrom(undefined, '', 'a', 'a:', 'b', 'é', 'bad prefix');
const value = fc.string({ unit: 'binary', maxLength: 6 });

const op = fc.oneof(
  fc.record({ kind: fc.constant('store' as const), key, value }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('load' as const), key }),
  fc.record({ kind: fc.constant('loadMany' as const), keys: fc.array(key, { maxLength: 4 }) }),
  fc.record({ kind: fc.constant('keys' as const), prefix }),
  fc.record({
    kind: fc.constant('storeMany' as const),
    entries: fc.array(fc.record({ key, value }), { maxLength: 4 }),
  }),
);
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never;

const step = fc.oneof(
  { arbitrary: op, weight: 4 },
  {
    arbitrary: fc.record({
      kind: fc.constant('transaction' as const),
      ops: fc.array(op, { maxLength: 6 }),
      end: fc.constantFrom('commit', 'throw', 'abort'),
    }),
    weight: 1,
  },
);

function validKey(k: string, maxKeyBytes: number): string | undefined {
  const trimmed = k.trim();
  if (trimmed === '' || new TextEncoder().encode(trimmed).length > maxKeyBytes) return undefined;
  return /^[\p{Alphabetic}\p{N}_\-.:]+$/u.test(trimmed) ? trimmed : undefined;
}

/** Applies `operation` to the model; returns the expected answer or 'error'. */
function apply(model: Model, operation: Op, maxKeyBytes: number): unknown {
  switch (operation.kind) {
    case 'store': {
      const k = validKey(operation.key, maxKeyBytes);
      if (k === undefined) return 'error';
      model.set(k, operation.value);
      return undefined;
    }
    case 'delete': {
      const k = validKey(operation.key, maxKeyBytes);
      return k === undefined ? 'error' : model.delete(k);
    }
    case 'load': {
      const k = validKey(operation.key, maxKeyBytes);
      return k === undefined ? 'error' : model.get(k);
    }
    case 'loadMany': {
      const keys = operation.keys.map((k) => validKey(k, maxKeyBytes));
      return keys.includes(undefined) ? 'error' : keys.map((k) => model.get(k as string));
    }
    case 'keys': {
      const p =
        operation.prefix === undefined || operation.prefix === ''
          ? ''
          : validKey(operation.prefix, maxKeyBytes);
      if (p === undefined) return 'error';
      return [...model.keys()].filter((k) => k.startsWith(p)).sort(compareMemoryKeys);
    }
    case 'storeMany': {
      const keys = operation.entries.map((e) => validKey(e.key, maxKeyBytes));
      if (keys.includes(undefined)) return 'error';
      for (const [i, e] of operation.entries.entries()) model.set(keys[i] as string, e.value);
      return undefined;
    }
  }
}

async function run(target: MemoryReader & MemoryWriter, operation: Op): Promise<unknown> {
  try {
    switch (operation.kind) {
      case 'store':
        return await target.store(operation.key, operation.value);
      case 'delete':
        return await target.delete(operation.key);
      case 'load':
        return await target.load(operation.key);
      case 'loadMany':
        return await target.loadMany(operation.keys);
      case 'keys':
        return await target.keys(operation.prefix);
      case 'storeMany':
        return await target.storeMany(operation.entries);
    }
  } catch (error) {
    expect(isSkreaverError(error, 'invalid_identifier')).toBe(true);
    return 'error';
  }
}

type Step = Op | { kind: 'transaction'; ops: Op[]; end: 'commit' | 'throw' | 'abort' };

async function check(memory: Memory, steps: readonly Step[], maxKeyBytes: number): Promise<void> {
  let model: Model = new Map();
  for (const s of steps) {
    if (s.kind !== 'transaction') {
      expect(await run(memory, s)).toEqual(apply(model, s, maxKeyBytes));
      continue;
    }
    // The transaction works on a copy of the model, kept only on commit.
    const scratch = new Map(model);
    const outcome = memory.transaction?.(async (tx) => {
      for (const inner of s.ops)
        expect(await run(tx, inner)).toEqual(apply(scratch, inner, maxKeyBytes));
      if (s.end === 'throw') throw new Error('rollback');
      if (s.end === 'abort') tx.abort('fuzz');
    });
    if (s.end === 'commit') {
      await outcome;
      model = scratch;
    } else {
      const code = s.end === 'throw' ? 'transaction_failed' : 'transaction_aborted';
      await expect(outcome).rejects.toMatchObject({ code });
    }
  }
  expect(await memory.keys()).toEqual([...model.keys()].sort(compareMemoryKeys));
  for (const [k, v] of model) expect(await memory.load(k)).toBe(v);
}

describe('memory operations against a Map model', () => {
  it('inMemoryMemory agrees with the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        await check(inMemoryMemory(), steps, 128);
      }),
      { numRuns: 300 },
    );
  });

  it('a namespace agrees with the model while another namespace is busy', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 20 }),
        fc.array(op, { maxLength: 10 }),
        async (steps, noise) => {
          const root = inMemoryMemory();
          const other = namespaced(root, 'other');
          for (const o of noise) await run(other, o);
          const otherKeys = await other.keys();
          await check(namespaced(root, 'ns'), steps, 125);
          expect(await other.keys()).toEqual(otherKeys);
        },
      ),
      { numRuns: 200 },
    );
  });
});
