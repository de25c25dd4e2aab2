import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exceedsUtf8Bytes, utf8ByteLength } from '../src/text/utf8.js';

const encoder = new TextEncoder();

describe('utf8ByteLength and exceedsUtf8Bytes', () => {
  // Any UTF-16 string, lone surrogates included.
  const text = fc.string({ unit: 'binary', maxLength: 64 });

  it('agree with TextEncoder on every string and every limit', () => {
    fc.assert(
      fc.property(text, fc.nat(200), (value, max) => {
        const bytes = encoder.encode(value).length;
        expect(utf8ByteLength(value)).toBe(bytes);
        expect(exceedsUtf8Bytes(value, max)).toBe(bytes > max);
      }),
      { numRuns: 3000 },
    );
  });
});
