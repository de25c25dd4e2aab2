import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors/index.js';
import { safeParseToolName, type ToolName, toolName } from '../../src/identifiers/index.js';

function rejection(input: unknown) {
  const result = safeParseToolName(input);
  if (result.ok) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return result.error;
}

describe('toolName (reference §2, §3.1)', () => {
  it.each(['calculator', 'tool_name', 'tool-name', 'Tool123', 'valid_tool', 'valid-tool-123'])(
    'accepts %s unchanged',
    (input) => {
      const name: ToolName = toolName(input);
      expect(name).toBe(input);
      expect(safeParseToolName(input)).toEqual({ ok: true, value: input });
    },
  );

  it('accepts exactly 64 bytes and single characters', () => {
    expect(toolName('a'.repeat(64))).toBe('a'.repeat(64));
    expect(toolName('_')).toBe('_');
    expect(toolName('-')).toBe('-');
    expect(toolName('7')).toBe('7');
  });

  it('trims surrounding whitespace, including tabs and newlines', () => {
    expect(toolName('  tool_name  ')).toBe('tool_name');
    expect(toolName('\t\nhttp_get\r\n')).toBe('http_get');
    expect(toolName(`  ${'a'.repeat(64)}  `)).toBe('a'.repeat(64));
  });

  it.each(['', '   ', '\t\n'])('rejects %j as empty', (input) => {
    const error = rejection(input);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.code).toBe('invalid_identifier');
    expect(error.data).toEqual({ kind: 'tool name', reason: 'empty', input: '' });
    expect(error.message).toBe('A tool name cannot be empty.');
  });

  it.each([
    ['tool with spaces', ' ', 4],
    ['tool.name', '.', 4],
    ['tool:name', ':', 4],
    ['tool@special', '@', 4],
    ['key/path', '/', 3],
    ['@start', '@', 0],
    ['end!', '!', 3],
  ])('rejects %j with the character %j at position %i', (input, char, position) => {
    const error = rejection(input);
    expect(error.code).toBe('invalid_identifier');
    expect(error.data).toEqual({
      kind: 'tool name',
      reason: 'invalid_char',
      input,
      char,
      position,
    });
  });

  it('rejects 65 bytes as too long, with the length and the limit', () => {
    const error = rejection('a'.repeat(65));
    expect(error.data).toEqual({
      kind: 'tool name',
      reason: 'too_long',
      input: 'a'.repeat(65),
      bytes: 65,
      maxBytes: 64,
    });
    expect(error.message).toBe('The tool name is 65 bytes long; the limit is 64 bytes (UTF-8).');
  });

  it('throws the same error from toolName as safeParseToolName returns', () => {
    expect(() => toolName('tool with spaces')).toThrow(ValidationError);
    try {
      toolName('tool with spaces');
    } catch (error) {
      expect((error as ValidationError).toJSON()).toEqual(rejection('tool with spaces').toJSON());
    }
  });

  it('explains what is allowed in the message', () => {
    expect(rejection('tool.name').message).toBe(
      `The tool name "tool.name" has the character '.' (U+002E) at position 4; only ASCII letters, digits and '_', '-' are allowed.`,
    );
  });
});
