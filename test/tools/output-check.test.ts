import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/families.js';
import { findSerialisationProblem, isJsonSerialisable } from '../../src/tools/output-check.js';

describe('isJsonSerialisable', () => {
  it('accepts plain JSON values, including null-prototype objects and shared references', () => {
    const shared = { x: 1 };
    const bare = Object.create(null) as Record<string, unknown>;
    bare.k = 'v';
    for (const value of [
      null,
      true,
      0,
      -1.5,
      '',
      'text',
      [],
      {},
      [1, 'a', null],
      { a: { b: [shared, shared] } },
      bare,
    ]) {
      expect(isJsonSerialisable(value)).toBe(true);
    }
  });

  it('accepts undefined as an object property value, which JSON drops', () => {
    expect(isJsonSerialisable({ a: 1, optional: undefined })).toBe(true);
  });

  it.each([
    ['undefined', undefined, ''],
    ['a function', () => 1, ''],
    ['a symbol', Symbol('s'), ''],
    ['a bigint', 10n, ''],
    ['NaN', Number.NaN, ''],
    ['Infinity', Number.NEGATIVE_INFINITY, ''],
    ['a nested function', { a: { b: () => 1 } }, '/a/b'],
    ['undefined in an array', [1, undefined], '/1'],
    ['a hole in an array', new Array<number>(3).fill(1, 0, 1), '/1'],
    ['a Date', { at: new Date(0) }, '/at'],
    ['a Map', [new Map()], '/0'],
    ['a class instance', { x: new (class Point {})() }, '/x'],
    ['a typed array', new Uint8Array(2), ''],
    ['a key that needs escaping', { 'a/b': 1n }, '/a~1b'],
  ])('refuses %s and points at it', (_label, value, path) => {
    expect(isJsonSerialisable(value)).toBe(false);
    expect(findSerialisationProblem(value)?.path).toBe(path);
  });

  it('refuses cycles', () => {
    const value: Record<string, unknown> = { list: [] };
    (value.list as unknown[]).push(value);
    expect(findSerialisationProblem(value)).toEqual({
      path: '/list/0',
      reason: 'the value contains itself (a cycle)',
    });
  });

  it('refuses values nested deeper than maxDepth without overflowing the stack', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(findSerialisationProblem(deep)?.reason).toBe('the value is nested too deeply');
    expect(isJsonSerialisable([[1]], { maxDepth: 2 })).toBe(true);
    expect(isJsonSerialisable([[1]], { maxDepth: 1 })).toBe(false);
    expect(isJsonSerialisable({}, { maxDepth: 0 })).toBe(true);
  });

  it('reports a getter that throws instead of throwing', () => {
    const value = {
      get broken(): number {
        throw new Error('nope');
      },
    };
    expect(findSerialisationProblem(value)).toEqual({
      path: '',
      reason: 'reading the value threw: nope',
    });
  });

  it('describes the problem in words', () => {
    expect(findSerialisationProblem({ at: new Date(0) })?.reason).toContain(
      'a Date is not a plain object',
    );
    expect(findSerialisationProblem(Number.NaN)?.reason).toContain('not a finite number');
    const orphan = Object.create(
      Object.create(null, { constructor: { value: undefined } }),
    ) as object;
    expect(findSerialisationProblem(Object.create(orphan))?.reason).toContain('custom prototype');
  });

  it('refuses a maxDepth that is not a non-negative integer', () => {
    expect(() => isJsonSerialisable({}, { maxDepth: -1 })).toThrow(ValidationError);
    expect(() => isJsonSerialisable({}, { maxDepth: 1.5 })).toThrow(/maxDepth/);
  });
});
