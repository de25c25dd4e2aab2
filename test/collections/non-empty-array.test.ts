import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  head,
  isNonEmptyArray,
  last,
  mapNonEmpty,
  type NonEmptyArray,
  nonEmptyArray,
  safeNonEmptyArray,
  singleton,
} from '../../src/collections/index.js';
import { SkreaverError, ValidationError } from '../../src/errors/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('nonEmptyArray', () => {
  it('copies a non-empty array and keeps the order', () => {
    const source = [1, 2, 3];
    const items = nonEmptyArray(source);
    expect(items).toEqual([1, 2, 3]);
    expect(items).not.toBe(source);
    expect(Array.isArray(items)).toBe(true);
    expectTypeOf(items).toEqualTypeOf<NonEmptyArray<number>>();
    expectTypeOf(items[0]).toEqualTypeOf<number>();
  });

  it('is unaffected when the source array is emptied afterwards', () => {
    const source = ['a'];
    const items = nonEmptyArray(source);
    source.length = 0;
    expect(items).toEqual(['a']);
  });

  it('accepts any iterable: Set, Map keys, generators, strings', () => {
    expect(nonEmptyArray(new Set(['a', 'b', 'a']))).toEqual(['a', 'b']);
    expect(nonEmptyArray(new Map([['k', 1]]).keys())).toEqual(['k']);
    function* gen() {
      yield 1;
      yield 2;
    }
    expect(nonEmptyArray(gen())).toEqual([1, 2]);
    expect(nonEmptyArray('hé')).toEqual(['h', 'é']);
  });

  it('turns holes of a sparse array into undefined elements', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point of the test
    const items = nonEmptyArray([, 1]);
    expect(Object.hasOwn(items, 0)).toBe(true);
    expect(items[0]).toBeUndefined();
    expect(mapNonEmpty(items, (v) => v ?? 0)).toEqual([0, 1]);
  });

  it('throws ValidationError empty_collection for an empty array or iterable', () => {
    for (const empty of [[], new Set(), ''] as const) {
      const error = thrown(() => nonEmptyArray(empty as Iterable<unknown>));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toBeInstanceOf(SkreaverError);
      expect(error).toMatchObject({
        code: 'empty_collection',
        data: { collection: 'NonEmptyArray', operation: 'create', reason: 'empty' },
      });
      expect((error as Error).message).toMatch(/at least one element/);
    }
  });

  it('throws ValidationError invalid_input for input that is not iterable, never a TypeError', () => {
    for (const bad of [null, undefined, 42, {}, { length: 1, 0: 'x' }]) {
      const error = thrown(() => nonEmptyArray(bad as unknown as Iterable<unknown>));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        code: 'invalid_input',
        data: { collection: 'NonEmptyArray', operation: 'create', reason: 'not_iterable' },
      });
    }
    expect((thrown(() => nonEmptyArray(null as never)) as Error).message).toContain('got null');
    expect((thrown(() => nonEmptyArray(7 as never)) as Error).message).toContain('got number');
  });

  it("lets an error thrown by the caller's own iterator propagate", () => {
    const boom = new Error('boom');
    const iterable: Iterable<number> = {
      [Symbol.iterator]() {
        return {
          next(): IteratorResult<number> {
            throw boom;
          },
        };
      },
    };
    expect(thrown(() => nonEmptyArray(iterable))).toBe(boom);
  });
});

describe('safeNonEmptyArray', () => {
  it('returns ok with a copy for non-empty input', () => {
    const result = safeNonEmptyArray(new Set([3, 4]));
    expect(result).toEqual({ ok: true, value: [3, 4] });
  });

  it('returns the same errors as nonEmptyArray instead of throwing', () => {
    const empty = safeNonEmptyArray([]);
    expect(empty.ok).toBe(false);
    if (!empty.ok) {
      expect(empty.error).toBeInstanceOf(ValidationError);
      expect(empty.error.code).toBe('empty_collection');
      expect(empty.error.data).toEqual({
        collection: 'NonEmptyArray',
        operation: 'create',
        reason: 'empty',
      });
    }
    const bad = safeNonEmptyArray(null as never);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('invalid_input');
  });
});

describe('isNonEmptyArray', () => {
  it('is true only for arrays with at least one element', () => {
    expect(isNonEmptyArray([1])).toBe(true);
    expect(isNonEmptyArray([undefined])).toBe(true);
    expect(isNonEmptyArray([])).toBe(false);
    expect(isNonEmptyArray(null)).toBe(false);
    expect(isNonEmptyArray(undefined)).toBe(false);
    expect(isNonEmptyArray('abc')).toBe(false);
    expect(isNonEmptyArray(new Set([1]))).toBe(false);
    expect(isNonEmptyArray({ length: 1, 0: 1 })).toBe(false);
  });

  it('narrows the same array without copying it', () => {
    const calls: string[] = ['a', 'b'];
    if (!isNonEmptyArray(calls)) throw new Error('expected non-empty');
    expectTypeOf(calls[0]).toEqualTypeOf<string>();
    expect(head(calls)).toBe('a');
    calls.push('c');
    expect(last(calls)).toBe('c');
  });

  it('narrows unknown values to NonEmptyArray<unknown>', () => {
    const value: unknown = [1];
    if (isNonEmptyArray(value)) {
      expectTypeOf(value).toEqualTypeOf<NonEmptyArray<unknown>>();
      expect(value[0]).toBe(1);
    } else {
      throw new Error('expected non-empty');
    }
  });
});

describe('singleton, head, last', () => {
  it('singleton holds exactly the value', () => {
    const one = singleton('x');
    expect(one).toEqual(['x']);
    expect(head(one)).toBe('x');
    expect(last(one)).toBe('x');
    expectTypeOf(one).toEqualTypeOf<NonEmptyArray<string>>();
  });

  it('head is the first element and last the last one', () => {
    const items = nonEmptyArray([3, 1, 2]);
    expect(head(items)).toBe(3);
    expect(last(items)).toBe(2);
  });

  it('head and last return falsy elements as they are', () => {
    expect(head(nonEmptyArray([0, '']))).toBe(0);
    expect(last(nonEmptyArray([0, '']))).toBe('');
  });
});

describe('mapNonEmpty', () => {
  it('maps every element with its index and stays non-empty', () => {
    const mapped = mapNonEmpty(nonEmptyArray(['a', 'b']), (value, index) => `${index}:${value}`);
    expect(mapped).toEqual(['0:a', '1:b']);
    expectTypeOf(mapped).toEqualTypeOf<NonEmptyArray<string>>();
    expectTypeOf(mapped[0]).toEqualTypeOf<string>();
  });

  it('returns a new array and leaves the input unchanged', () => {
    const input = nonEmptyArray([1, 2]);
    const output = mapNonEmpty(input, (n) => n * 10);
    expect(output).toEqual([10, 20]);
    expect(input).toEqual([1, 2]);
    expect(output).not.toBe(input);
  });
});
