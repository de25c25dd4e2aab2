import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonStringBytes, jsonValueBytes } from '../src/mesh/_payload.js';

const utf8 = (text: string) => new TextEncoder().encode(text).length;

/** An array with a hole, which JSON.stringify would turn into null. */
function sparse(): unknown[] {
  const array: unknown[] = [1];
  array[2] = 2;
  return array;
}

describe('mesh payload sizes', () => {
  it('measures exactly the UTF-8 bytes JSON.stringify writes, without writing them', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonValueBytes(value, 1000, Number.POSITIVE_INFINITY)).toBe(
          utf8(JSON.stringify(value)),
        );
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(jsonStringBytes(text)).toBe(utf8(JSON.stringify(text)));
      }),
    );
  });

  it('refuses values that do not round-trip through JSON', () => {
    for (const bad of [
      undefined,
      () => 1,
      Number.NaN,
      Infinity,
      new Date(),
      sparse(),
      { a: undefined },
      new Uint8Array(1),
      1n,
    ]) {
      expect(jsonValueBytes(bad, 10, Number.POSITIVE_INFINITY)).toBe(-1);
    }
    const cycle: unknown[] = [];
    cycle.push(cycle);
    expect(jsonValueBytes(cycle, 10, Number.POSITIVE_INFINITY)).toBe(-1);
    expect(jsonValueBytes({ a: 'x'.repeat(100) }, 10, 10)).toBeGreaterThan(10);
  });
});
