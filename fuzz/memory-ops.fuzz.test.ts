import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareMemoryKeys } from '../src/memory/compare-keys.js';
import { inMemoryMemory } from '../src/memory/in-memory.js';
import type { Memory } from '../src/memory/memory.js';
import { namespaced } from '../src/memory/namespaced.js';
import {
  type MemoryOp,
  memoryOp,
  type Outcome,
  perform,
  performTransaction,
  SAMPLE_KEYS,
  SAMPLE_PREFIXES,
  type TransactionStep,
  transactionStep,
} from './_memory-model.js';

/*
 * Model-based test: random operation lists run against the memory and
 * against a plain Map, inside and outside transactions; every answer and the
 * final content must agree.
 */

type Model = Map<string, string>;

const op = memoryOp({
  key: fc.constantFrom(...SAMPLE_KEYS),
  prefix: fc.constantFrom(...SAMPLE_PREFIXES),
  value: fc.string({ unit: 'binary', maxLength: 6 }),
});

const step = fc.oneof(
  { arbitrary: op, weight: 4 },
  { arbitrary: transactionStep(op, 6), weight: 1 },
);

function validKey(k: string, maxKeyBytes: number): string | undefined {
  const trimmed = k.trim();
  if (trimmed === '' || new TextEncoder().encode(trimmed).length > maxKeyBytes) return undefined;
  return /^[\p{Alphabetic}\p{N}_\-.:]+$/u.test(trimmed) ? trimmed : undefined;
}

const invalid: Outcome = { error: 'invalid_identifier' };

/** Applies `operation` to the model; returns the expected outcome. */
function apply(model: Model, operation: MemoryOp, maxKeyBytes: number): Outcome {
  switch (operation.kind) {
    case 'store': {
      const k = validKey(operation.key, maxKeyBytes);
      if (k === undefined) return invalid;
      model.set(k, operation.value);
      return { ok: undefined };
    }
    case 'delete': {
      const k = validKey(operation.key, maxKeyBytes);
      return k === undefined ? invalid : { ok: model.delete(k) };
    }
    case 'load': {
      const k = validKey(operation.key, maxKeyBytes);
      return k === undefined ? invalid : { ok: model.get(k) };
    }
    case 'loadMany': {
      const keys = operation.keys.map((k) => validKey(k, maxKeyBytes));
      return keys.includes(undefined) ? invalid : { ok: keys.map((k) => model.get(k as string)) };
    }
    case 'keys': {
      const p =
        operation.prefix === undefined || operation.prefix === ''
          ? ''
          : validKey(operation.prefix, maxKeyBytes);
      if (p === undefined) return invalid;
      return { ok: [...model.keys()].filter((k) => k.startsWith(p)).sort(compareMemoryKeys) };
    }
    case 'storeMany': {
      const keys = operation.entries.map((e) => validKey(e.key, maxKeyBytes));
      if (keys.includes(undefined)) return invalid;
      for (const [i, e] of operation.entries.entries()) model.set(keys[i] as string, e.value);
      return { ok: undefined };
    }
  }
}

async function check(
  memory: Memory,
  steps: readonly (MemoryOp | TransactionStep)[],
  maxKeyBytes: number,
): Promise<void> {
  let model: Model = new Map();
  for (const s of steps) {
    if (s.kind !== 'transaction') {
      expect(await perform(memory, s)).toEqual(apply(model, s, maxKeyBytes));
      continue;
    }
    // The transaction works on a copy of the model, kept only on commit.
    const scratch = new Map(model);
    const { answers, result } = await performTransaction(memory, s);
    expect(answers).toEqual(s.ops.map((inner) => apply(scratch, inner, maxKeyBytes)));
    if (s.end === 'commit') {
      expect(result).toEqual({ ok: undefined });
      model = scratch;
    } else {
      const code = s.end === 'throw' ? 'transaction_failed' : 'transaction_aborted';
      expect(result).toEqual({ error: code });
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
          for (const o of noise) await perform(other, o);
          const otherKeys = await other.keys();
          await check(namespaced(root, 'ns'), steps, 125);
          expect(await other.keys()).toEqual(otherKeys);
        },
      ),
      { numRuns: 200 },
    );
  });
});
