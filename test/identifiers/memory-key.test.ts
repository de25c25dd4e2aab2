import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { type MemoryKey, memoryKey, safeParseMemoryKey } from '../../src/identifiers/index.js';

function rejection(input: unknown) {
  const result = safeParseMemoryKey(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

const utf8 = (text: string) => new TextEncoder().encode(text).length;

describe('memoryKey (reference §2, §4.1)', () => {
  it.each([
    'user_context',
    'cache.session',
    'user:12345',
    'nested.key.path',
    'cache:session:user',
    'valid_key-123.test:value',
    '.',
    ':',
    'a.b:c_d-e',
  ])('accepts %s unchanged', (input) => {
    const key: MemoryKey = memoryKey(input);
    expect(key).toBe(input);
  });

  it('accepts exactly 128 bytes and rejects 129', () => {
    expect(memoryKey('k'.repeat(128))).toBe('k'.repeat(128));
    const error = rejection('k'.repeat(129));
    expect(error.code).toBe('invalid_identifier');
    expect(error.data).toMatchObject({ reason: 'too_long', bytes: 129, maxBytes: 128 });
  });

  it('trims surrounding whitespace before checking', () => {
    expect(memoryKey('  user:42.profile \n')).toBe('user:42.profile');
    expect(memoryKey(` ${'k'.repeat(128)} `)).toBe('k'.repeat(128));
  });

  it.each([
    ['key/path', '/', 3],
    ['key with spaces', ' ', 3],
    ['  a b  ', ' ', 1],
    ['user@host', '@', 4],
    ['tab\there', '\t', 3],
  ])(
    'rejects %j with the character %j at position %i of the trimmed input',
    (input, char, position) => {
      const error = rejection(input);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.data).toEqual({
        kind: 'memory key',
        reason: 'invalid_char',
        input: input.trim(),
        char,
        position,
      });
    },
  );

  it('rejects empty and blank keys', () => {
    expect(rejection('').data).toEqual({ kind: 'memory key', reason: 'empty', input: '' });
    expect(rejection(' \t ').data?.reason).toBe('empty');
    expect(rejection('').message).toBe('A memory key cannot be empty.');
  });

  describe('non-ASCII (allowed in memory keys, as in the original)', () => {
    it.each([
      ['é', 'café:menu'],
      ['中', '用户:配置'],
      ['Arabic letters', 'مفتاح.قيمة'],
      ['Arabic-Indic digits', 'user:٣٤٥'],
      ['Devanagari digits', 'item-५'],
      ['a letter outside the BMP', 'note:𝒜'],
    ])('accepts %s', (_label, input) => {
      expect(memoryKey(input)).toBe(input);
    });

    it('rejects symbols and emoji that are neither letters nor digits', () => {
      expect(rejection('user:😀').data).toMatchObject({ char: '😀', position: 5 });
      expect(rejection('price€').data).toMatchObject({ char: '€', position: 5 });
    });

    it('counts UTF-8 bytes, not characters', () => {
      const ok = '中'.repeat(42); // 126 bytes
      expect(utf8(ok)).toBe(126);
      expect(memoryKey(ok)).toBe(ok);
      const tooLong = '中'.repeat(43); // 43 characters but 129 bytes
      expect(tooLong.length).toBe(43);
      expect(rejection(tooLong).data).toMatchObject({
        reason: 'too_long',
        bytes: 129,
        maxBytes: 128,
      });
      expect(memoryKey('é'.repeat(64))).toBe('é'.repeat(64)); // 2 bytes each: exactly 128
      expect(rejection(`${'é'.repeat(64)}x`).data).toMatchObject({ bytes: 129 });
      expect(rejection('𝒜'.repeat(33)).data).toMatchObject({ bytes: 132 }); // 4 bytes each
    });

    it('reports positions in code points, not UTF-16 units', () => {
      // '𝒜' is one code point but two UTF-16 units.
      expect(rejection('𝒜𝒜/x').data).toMatchObject({ char: '/', position: 2 });
    });

    it('does not normalise: a decomposed accent (e + U+0301) is a separate, refused mark', () => {
      const decomposed = 'cafe\u0301';
      const error = rejection(decomposed);
      expect(error.data).toMatchObject({ reason: 'invalid_char', char: '\u0301', position: 4 });
      expect(error.message).toContain('U+0301');
      expect(memoryKey(decomposed.normalize('NFC'))).toBe('café');
    });
  });
});
