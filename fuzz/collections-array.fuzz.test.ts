import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  head,
  isNonEmptyArray,
  last,
  mapNonEmpty,
  nonEmptyArray,
  safeNonEmptyArray,
} from '../src/collections/index.js';
import { ValidationError } from '../src/errors/index.js';

describe('NonEmptyArray under random input', () => {
  it('accepts exactly the non-empty arrays and iterables, as faithful copies', () => {
    fc.assert(
      fc.property(fc.array(fc.anything()), fc.boolean(), (items, asIterable) => {
        const input: Iterable<unknown> = asIterable ? new Set(items) : items;
        const expected = [...input];
        const result = safeNonEmptyArray(input);
        expect(result.ok).toBe(expected.length > 0);
        expect(isNonEmptyArray(items)).toBe(items.length > 0);
        if (result.ok) {
          expect(result.value).toEqual(expected);
          expect(result.value).not.toBe(input);
          expect(head(result.value)).toBe(expected[0]);
          expect(last(result.value)).toBe(expected[expected.length - 1]);
          expect(nonEmptyArray(input)).toEqual(expected);
        } else {
          expect(result.error).toBeInstanceOf(ValidationError);
          expect(result.error.code).toBe('empty_collection');
          expect(() => nonEmptyArray(input)).toThrow(ValidationError);
        }
      }),
    );
  });

  it('never throws anything but a ValidationError, whatever the input', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = safeNonEmptyArray(input as Iterable<unknown>);
        if (!result.ok) {
          expect(result.error).toBeInstanceOf(ValidationError);
          expect(['empty_collection', 'invalid_input']).toContain(result.error.code);
        }
      }),
    );
  });

  it('mapNonEmpty equals Array#map and keeps the length', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1 }), (items) => {
        const mapped = mapNonEmpty(nonEmptyArray(items), (n, i) => n * 2 + i);
        expect(mapped).toEqual(items.map((n, i) => n * 2 + i));
        expect(isNonEmptyArray(mapped)).toBe(true);
      }),
    );
  });
});
