import { describe, expect, it } from 'vitest';
import { compareMemoryKeys } from '../../src/memory/compare-keys.js';

function byCodePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) as number);
  const y = [...b].map((c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  }
  return x.length - y.length;
}

describe('compareMemoryKeys', () => {
  it('orders by code point, which differs from UTF-16 order above U+FFFF', () => {
    const keys = ['𝐀', 'ｚ', 'é', 'z', 'a', 'B', '10', '9', 'ab', 'a.b', '\u{E000}x', '\u{1F600}'];
    const sorted = [...keys].sort(compareMemoryKeys);
    expect(sorted).toEqual([
      '10',
      '9',
      'B',
      'a',
      'a.b',
      'ab',
      'z',
      'é',
      '\u{E000}x',
      'ｚ',
      '𝐀',
      '\u{1F600}',
    ]);
    expect([...keys].sort()).not.toEqual(sorted);
  });

  it('agrees with a code point comparison and with UTF-8 byte order', () => {
    const samples = [
      '',
      'a',
      'ab',
      'b',
      'é',
      '中',
      'ｚ',
      '𝐀',
      '\u{1F600}',
      'a𝐀',
      'aｚ',
      '\uFFFF',
      '\u{10000}',
    ];
    const encoder = new TextEncoder();
    for (const a of samples) {
      for (const b of samples) {
        expect(Math.sign(compareMemoryKeys(a, b))).toBe(Math.sign(byCodePoints(a, b)));
        const [x, y] = [encoder.encode(a), encoder.encode(b)];
        const bytes = Buffer.compare(Buffer.from(x), Buffer.from(y));
        expect(Math.sign(compareMemoryKeys(a, b))).toBe(bytes);
      }
    }
  });
});
