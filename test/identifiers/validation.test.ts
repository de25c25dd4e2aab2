import { describe, expect, it } from 'vitest';
import { isSkreaverError, ValidationError } from '../../src/errors/index.js';
import {
  agentId,
  IDENTIFIER_RULES,
  memoryKey,
  safeParseAgentId,
  safeParseMemoryKey,
  safeParseToolName,
  safeParseTopicName,
  toolName,
  topicName,
} from '../../src/identifiers/index.js';

const PARSERS = {
  toolName: { make: toolName, safe: safeParseToolName, label: 'tool name' },
  memoryKey: { make: memoryKey, safe: safeParseMemoryKey, label: 'memory key' },
  agentId: { make: agentId, safe: safeParseAgentId, label: 'agent id' },
  topicName: { make: topicName, safe: safeParseTopicName, label: 'topic name' },
} as const;

describe('the identifier rule table', () => {
  it('pins the limits and character sets of every kind', () => {
    expect(IDENTIFIER_RULES).toEqual({
      toolName: { label: 'tool name', maxBytes: 64, extraChars: '', unicode: false },
      memoryKey: { label: 'memory key', maxBytes: 128, extraChars: '.:', unicode: true },
      agentId: { label: 'agent id', maxBytes: 128, extraChars: '', unicode: false },
      topicName: { label: 'topic name', maxBytes: 128, extraChars: '.', unicode: false },
    });
  });
});

describe.each(Object.entries(PARSERS))('%s with input that is not a string', (_kind, parser) => {
  it.each([
    ['null', null],
    ['undefined', undefined],
    ['number', 42],
    ['object', { toString: () => 'tool' }],
    ['object', new String('tool')],
    ['symbol', Symbol('tool')],
    ['bigint', 1n],
    ['object', ['tool']],
  ])('gives invalid_identifier not_a_string for %s, never a TypeError', (got, input) => {
    const result = parser.safe(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toBeInstanceOf(ValidationError);
    expect(isSkreaverError(result.error, 'invalid_identifier')).toBe(true);
    expect(result.error.data).toEqual({ kind: parser.label, reason: 'not_a_string' });
    expect(result.error.message).toContain(`got ${got}`);

    let thrown: unknown;
    try {
      parser.make(input as string);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).not.toBeInstanceOf(TypeError);
    expect((thrown as ValidationError).code).toBe('invalid_identifier');
  });
});

describe('ASCII-only kinds refuse non-ASCII letters (look-alikes would bypass per-name rules)', () => {
  it.each([
    ['é', 'café', 'é', 3],
    ['Cyrillic а (U+0430) in place of Latin a', 'аgent', 'а', 0],
    ['Cyrillic е (U+0435) in place of Latin e', 'echo_tооl', 'о', 6],
    ['Greek ο (U+03BF)', 'tοol', 'ο', 1],
    ['fullwidth digit', 'tool１', '１', 4],
    ['中', '中文', '中', 0],
  ])('toolName and agentId refuse %s', (_label, input, char, position) => {
    for (const safe of [safeParseToolName, safeParseAgentId]) {
      const result = safe(input);
      expect(result.ok).toBe(false);
      if (!result.ok)
        expect(result.error.data).toMatchObject({ reason: 'invalid_char', char, position });
    }
  });

  it('the same strings are valid memory keys (Unicode letters allowed there)', () => {
    for (const input of ['café', 'аgent', 'tοol', '中文']) expect(memoryKey(input)).toBe(input);
  });
});

describe('error messages', () => {
  it('name invisible and control characters by code point and escape the input', () => {
    const newline = safeParseToolName('evil\nINFO forged log line');
    expect(newline.ok).toBe(false);
    if (newline.ok) return;
    expect(newline.error.data).toMatchObject({ char: '\n', position: 4 });
    expect(newline.error.message).not.toContain('\n');
    expect(newline.error.message).toContain('"evil\\nINFO forged log line"');
    expect(newline.error.message).toContain('character U+000A at position 4');

    const hidden = safeParseToolName('tool\u200Bname\u202Egnp');
    expect(hidden.ok).toBe(false);
    if (hidden.ok) return;
    expect(hidden.error.data).toMatchObject({ char: '\u200B', position: 4 });
    expect(hidden.error.message).toContain('character U+200B at position 4');
    expect(hidden.error.message).not.toMatch(/[\u200B\u202E]/u);
    expect(hidden.error.message).toContain('"tool\\u{200B}name\\u{202E}gnp"');
  });

  it('shows printable offending characters quoted', () => {
    const result = safeParseMemoryKey('a/b');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        `The memory key "a/b" has the character '/' (U+002F) at position 1; only letters, digits and '_', '-', '.', ':' are allowed.`,
      );
    }
  });

  it('errors serialise to JSON with their data', () => {
    const result = safeParseToolName('bad name');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(JSON.parse(JSON.stringify(result.error))).toEqual({
        name: 'ValidationError',
        code: 'invalid_identifier',
        message: result.error.message,
        data: {
          kind: 'tool name',
          reason: 'invalid_char',
          input: 'bad name',
          char: ' ',
          position: 3,
        },
      });
    }
  });
});
