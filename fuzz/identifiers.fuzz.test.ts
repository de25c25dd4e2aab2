import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../src/errors/index.js';
import {
  agentId,
  IDENTIFIER_RULES,
  type IdentifierErrorData,
  type IdentifierKind,
  memoryKey,
  safeParseAgentId,
  safeParseMemoryKey,
  safeParseToolName,
  safeParseTopicName,
  toolName,
  topicName,
} from '../src/identifiers/index.js';
import type { Result } from '../src/result.js';

type Parser = {
  readonly make: (input: string) => string;
  readonly safe: (input: unknown) => Result<string, ValidationError<IdentifierErrorData>>;
};

const PARSERS: Record<IdentifierKind, Parser> = {
  toolName: { make: toolName, safe: safeParseToolName },
  memoryKey: { make: memoryKey, safe: safeParseMemoryKey },
  agentId: { make: agentId, safe: safeParseAgentId },
  topicName: { make: topicName, safe: safeParseTopicName },
};
const KINDS = Object.keys(PARSERS) as IdentifierKind[];

// An independent model of the rules, written from the specification rather
// than from the implementation: trim, then empty, then UTF-8 byte length,
// then the first character outside the allowed set.
const encoder = new TextEncoder();
const utf8Length = (text: string) => encoder.encode(text).length;
const ALLOWED: Record<IdentifierKind, RegExp> = {
  toolName: /^[A-Za-z0-9_-]$/,
  agentId: /^[A-Za-z0-9_-]$/,
  topicName: /^[A-Za-z0-9_.-]$/,
  memoryKey: /^[\p{Alphabetic}\p{N}_.:-]$/u,
};

type Expected =
  | { ok: true; value: string }
  | { ok: false; reason: 'empty' | 'too_long' }
  | { ok: false; reason: 'invalid_char'; char: string; position: number };

function model(kind: IdentifierKind, input: string): Expected {
  const value = input.trim();
  if (value === '') return { ok: false, reason: 'empty' };
  if (utf8Length(value) > IDENTIFIER_RULES[kind].maxBytes) return { ok: false, reason: 'too_long' };
  const chars = Array.from(value);
  const position = chars.findIndex((char) => !ALLOWED[kind].test(char));
  if (position >= 0) {
    return { ok: false, reason: 'invalid_char', char: chars[position] as string, position };
  }
  return { ok: true, value };
}

// Characters that exercise every rule: allowed ASCII, the memory-key extras,
// Unicode letters and digits, look-alikes, whitespace that trim() removes and
// whitespace it keeps, controls, format characters, combining marks, emoji,
// astral letters and lone surrogates.
const INTERESTING = [
  ...'aZ09_-.:',
  ...' \t\n\r\u00A0\u2003\u3000\uFEFF\u0085\u2028',
  'é',
  '中',
  'م',
  '٣',
  '५',
  'а',
  'ο',
  '１',
  '\u0000',
  '\u001B',
  '\u007F',
  '\u200B',
  '\u202E',
  '\u0301',
  '😀',
  '𝒜',
  '\uD800',
  '\uDC00',
  '/',
  '@',
  '"',
  '\\',
];

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: fc.constantFrom(...INTERESTING), maxLength: 80 }),
  // Long runs around the byte limits, padded with whitespace.
  fc
    .tuple(
      fc.constantFrom('', ' ', '\t\n'),
      fc.constantFrom('a', 'é', '中', '𝒜', '.'),
      fc.integer({ min: 1, max: 140 }),
      fc.constantFrom('', ' ', '\u3000'),
    )
    .map(([before, char, count, after]) => `${before}${char.repeat(count)}${after}`),
);

const kind = fc.constantFrom(...KINDS);

describe('identifier parsers under random input', () => {
  it('safeParse never throws, whatever the input, and rejects non-strings as not_a_string', () => {
    fc.assert(
      fc.property(kind, fc.anything(), (k, input) => {
        const result = PARSERS[k].safe(input);
        if (typeof input !== 'string') {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.data?.reason).toBe('not_a_string');
        }
      }),
    );
  });

  it('agrees with the model of the rules on every string', () => {
    fc.assert(
      fc.property(kind, anyString, (k, input) => {
        const expected = model(k, input);
        const result = PARSERS[k].safe(input);
        if (expected.ok) {
          expect(result).toEqual({ ok: true, value: expected.value });
          return;
        }
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error).toBeInstanceOf(ValidationError);
        expect(result.error.code).toBe('invalid_identifier');
        expect(result.error.data).toMatchObject({
          kind: IDENTIFIER_RULES[k].label,
          reason: expected.reason,
          input: input.trim(),
        });
        if (expected.reason === 'invalid_char') {
          expect(result.error.data).toMatchObject({
            char: expected.char,
            position: expected.position,
          });
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepted values are trimmed, non-empty, within the byte limit and only allowed characters', () => {
    fc.assert(
      fc.property(kind, anyString, (k, input) => {
        const result = PARSERS[k].safe(input);
        if (!result.ok) return;
        const value = result.value;
        expect(value).toBe(input.trim());
        expect(value.trim()).toBe(value);
        expect(value.length).toBeGreaterThan(0);
        expect(utf8Length(value)).toBeLessThanOrEqual(IDENTIFIER_RULES[k].maxBytes);
        for (const char of value) expect(char).toMatch(ALLOWED[k]);
      }),
      { numRuns: 1000 },
    );
  });

  it('every rejection carries a reason; invalid_char points at that character of the trimmed input', () => {
    fc.assert(
      fc.property(kind, anyString, (k, input) => {
        const result = PARSERS[k].safe(input);
        if (result.ok) return;
        const data = result.error.data;
        expect(['empty', 'too_long', 'invalid_char']).toContain(data?.reason);
        expect(result.error.message.length).toBeGreaterThan(0);
        const trimmed = input.trim();
        if (data?.reason === 'invalid_char') {
          expect(data.position).toBeTypeOf('number');
          expect(Array.from(trimmed)[data.position as number]).toBe(data.char);
          expect(data.char).not.toMatch(ALLOWED[k]);
          // The message never carries raw line breaks, whatever the input held.
          expect(result.error.message).not.toMatch(/[\n\r\u2028\u2029]/u);
        }
        if (data?.reason === 'too_long') {
          expect(data.bytes).toBe(utf8Length(trimmed));
          expect(data.bytes).toBeGreaterThan(IDENTIFIER_RULES[k].maxBytes);
          expect(data.maxBytes).toBe(IDENTIFIER_RULES[k].maxBytes);
        }
        if (data?.reason === 'empty') expect(trimmed).toBe('');
      }),
      { numRuns: 1000 },
    );
  });

  it('parse and safeParse agree: same value, or a thrown error equal to the returned one', () => {
    fc.assert(
      fc.property(kind, anyString, (k, input) => {
        const result = PARSERS[k].safe(input);
        let value: string | undefined;
        let thrown: unknown;
        try {
          value = PARSERS[k].make(input);
        } catch (error) {
          thrown = error;
        }
        if (result.ok) {
          expect(thrown).toBeUndefined();
          expect(value).toBe(result.value);
        } else {
          expect(thrown).toBeInstanceOf(ValidationError);
          expect((thrown as ValidationError).toJSON()).toEqual(result.error.toJSON());
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('toolName accepts every [a-zA-Z0-9_-]{1,64} unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-zA-Z0-9_-]{1,64}$/), (name) => {
        expect(toolName(name)).toBe(name);
        expect(agentId(name)).toBe(name);
        expect(memoryKey(name)).toBe(name);
      }),
      { numRuns: 1000 },
    );
  });
});
