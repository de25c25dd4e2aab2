import { exceedsUtf8Bytes, utf8ByteLength } from 'skreaver';
import { describe, expect, it } from 'vitest';

const encoder = new TextEncoder();
const samples = [
  '',
  'abc',
  'é',
  'héllo',
  '中文',
  '😀',
  'a\ud800',
  '\ud800b',
  '\udc00',
  'x\ud83d',
  '\ud83d\ud83d',
];

describe('utf8ByteLength', () => {
  it('matches TextEncoder, lone surrogates included', () => {
    for (const text of samples) expect(utf8ByteLength(text)).toBe(encoder.encode(text).length);
  });
});

describe('exceedsUtf8Bytes', () => {
  it('is true exactly when the UTF-8 form is longer than the limit', () => {
    for (const text of samples) {
      const bytes = encoder.encode(text).length;
      for (let max = 0; max <= bytes + 2; max++) {
        expect(exceedsUtf8Bytes(text, max)).toBe(bytes > max);
      }
    }
  });
});
