import type { Tool } from 'skreaver';
import {
  textAnalyzeTool,
  textReverseTool,
  textSearchTool,
  textSplitTool,
  textUppercaseTool,
} from 'skreaver/tools';
import { describe, expect, it } from 'vitest';
import { failure, firstIssue, output } from './_helpers.js';

/** Rows of a transform tool: case name, input, the `original` and the `result` it answers with. */
type TransformRow = [string, unknown, string, string];

/** The transform tools answer `{ original, result, operation, success }` for every input form. */
function answersEach(tool: Tool, operation: string, rows: TransformRow[]): void {
  it.each(rows)('%s', async (_name, input, original, result) => {
    expect(await output(tool, input)).toEqual({ original, result, operation, success: true });
  });
}

describe('text_uppercase', () => {
  answersEach(textUppercaseTool(), 'uppercase', [
    ['object form', { text: 'hello' }, 'hello', 'HELLO'],
    ['raw string', 'hello world', 'hello world', 'HELLO WORLD'],
    ['JSON config string', '{"text":"abc"}', 'abc', 'ABC'],
    ['full case mapping', { text: 'straße' }, 'straße', 'STRASSE'],
    ['empty text', '', '', ''],
    [
      'JSON without a string text field is raw text',
      '{"name":"x"}',
      '{"name":"x"}',
      '{"NAME":"X"}',
    ],
    ['JSON array is raw text', '["hello"]', '["hello"]', '["HELLO"]'],
    ['unknown fields are ignored', { text: 'a', extra: 1 }, 'a', 'A'],
  ]);
});

describe('text_reverse', () => {
  answersEach(textReverseTool(), 'reverse', [
    ['object form', { text: 'Skreaver' }, 'Skreaver', 'revaerkS'],
    ['raw string', 'abc', 'abc', 'cba'],
    ['JSON config string', '{"text":"abc"}', 'abc', 'cba'],
    ['by code points, astral characters intact', { text: 'a😀b' }, 'a😀b', 'b😀a'],
    ['combining marks move (code points, not graphemes)', 'e\u0301x', 'e\u0301x', 'x\u0301e'],
    ['empty text', '', '', ''],
  ]);
});

describe('text_analyze', () => {
  const tool = textAnalyzeTool();
  const analysis = async (input: unknown) =>
    ((await output(tool, input)) as { analysis: Record<string, unknown> }).analysis;

  it('returns the full output for a simple text, keys by code point', async () => {
    expect(await output(tool, 'hello world')).toEqual({
      text: 'hello world',
      analysis: {
        character_count: 11,
        byte_count: 11,
        word_count: 2,
        line_count: 1,
        is_empty: false,
        is_ascii: true,
        char_frequency: { ' ': 1, d: 1, e: 1, h: 1, l: 3, o: 2, r: 1, w: 1 },
      },
      operation: 'analyze',
      success: true,
    });
    expect(await output(tool, { text: 'ba' })).toMatchObject({ text: 'ba' });
    const frequency = (await analysis('ba1')).char_frequency as Record<string, number>;
    expect(Object.keys(frequency)).toEqual(['1', 'a', 'b']);
  });

  it.each([
    ['', { character_count: 0, byte_count: 0, word_count: 0, line_count: 0, is_empty: true }],
    ['a\n', { line_count: 1, word_count: 1 }],
    ['a\nb', { line_count: 2 }],
    ['a\r\nb\r\n', { line_count: 2, word_count: 2 }],
    ['\n\n', { line_count: 2, word_count: 0 }],
    ['héllo 😀', { character_count: 7, byte_count: 11, is_ascii: false, word_count: 2 }],
    ['a\u0085b', { word_count: 2 }], // NEL is Unicode white space
    ['a\ufeffb', { word_count: 1 }], // BOM is not (JavaScript's \s says it is)
    ['  spaced   out\ttext ', { word_count: 3 }],
  ])('counts %j', async (text, expected) => {
    expect(await analysis(text)).toMatchObject(expected);
  });

  it('tallies astral characters as one character', async () => {
    expect((await analysis('😀😀a')).char_frequency).toEqual({ a: 1, '😀': 2 });
  });
});

describe('text_search', () => {
  const tool = textSearchTool();
  it('finds matches case-insensitively by default, echoing the input', async () => {
    expect(await output(tool, { text: 'Hello hello HELLO', pattern: 'hello' })).toEqual({
      text: 'Hello hello HELLO',
      pattern: 'hello',
      case_sensitive: false,
      matches: [0, 6, 12],
      match_count: 3,
      found: true,
      operation: 'search',
      success: true,
    });
  });

  it.each([
    ['case-sensitive', { text: 'Hello hello', pattern: 'hello', case_sensitive: true }, [6]],
    ['JSON config string', '{"text":"abcabc","pattern":"BC"}', [1, 4]],
    ['non-overlapping', { text: 'aaaa', pattern: 'aa' }, [0, 2]],
    ['no match', { text: 'abc', pattern: 'z' }, []],
    ['empty pattern matches at every boundary', { text: 'ab', pattern: '' }, [0, 1, 2]],
    ['empty pattern steps over astral characters', { text: '😀a', pattern: '' }, [0, 2, 3]],
    ['offsets are UTF-16 indices', { text: 'é😀x', pattern: 'x' }, [3]],
  ])('%s', async (_name, input, matches) => {
    const out = (await output(tool, input)) as { matches: number[]; found: boolean };
    expect(out.matches).toEqual(matches);
    expect(out.found).toBe(matches.length > 0);
  });

  it('gives the original byte offsets with offsets: utf8', async () => {
    const bytes = textSearchTool({ offsets: 'utf8' });
    const out = (await output(bytes, { text: 'é😀x é', pattern: 'é' })) as { matches: number[] };
    expect(out.matches).toEqual([0, 8]);
    const empty = (await output(bytes, { text: 'é😀', pattern: '' })) as { matches: number[] };
    expect(empty.matches).toEqual([0, 2, 6]);
  });

  it('lists at most maxMatches offsets, still counting every match', async () => {
    const capped = textSearchTool({ maxMatches: 2 });
    expect(await output(capped, { text: 'aaaaa', pattern: 'a' })).toMatchObject({
      matches: [0, 1],
      match_count: 5,
      found: true,
      truncated: true,
    });
    expect(await output(capped, { text: 'aa', pattern: 'a' })).not.toHaveProperty('truncated');
  });

  it.each([
    ['a raw string (the config is required)', 'hello', '', 'is not a valid JSON config'],
    ['a JSON array', '["hello"]', '', 'is not a JSON config object (got an array)'],
    ['a missing pattern', { text: 'a' }, '', 'must have the property "pattern"'],
    ['a missing pattern in a JSON config', '{"text":"a"}', '', 'must have the property "pattern"'],
    ['a pattern of the wrong type', { text: 'a', pattern: 1 }, '/pattern', 'must be string'],
    [
      'case_sensitive of the wrong type',
      { text: 'a', pattern: 'a', case_sensitive: 'yes' },
      '/case_sensitive',
      'must be boolean',
    ],
    ['a number', 42, '', 'must be an object'],
    ['null', null, '', 'must be an object'],
  ])('refuses %s', async (_name, input, path, message) => {
    const issue = await firstIssue(tool, input);
    expect(issue).toMatchObject({ path, message: expect.stringContaining(message) });
  });
});

describe('text_split', () => {
  const tool = textSplitTool();
  it('splits at a space by default, keeping empty parts', async () => {
    expect(await output(tool, { text: 'a b  c' })).toEqual({
      original: 'a b  c',
      delimiter: ' ',
      parts: ['a', 'b', '', 'c'],
      count: 4,
      operation: 'split',
      success: true,
    });
  });

  it.each([
    ['a delimiter', { text: 'a,b,,c', delimiter: ',' }, ['a', 'b', '', 'c']],
    ['JSON config string', '{"text":"a-b","delimiter":"-"}', ['a', 'b']],
    [
      'limit keeps the rest in the last part',
      { text: 'a,b,,c', delimiter: ',', limit: 2 },
      ['a', 'b,,c'],
    ],
    ['limit 1 is the whole text', { text: 'a,b', delimiter: ',', limit: 1 }, ['a,b']],
    ['limit 0 gives no parts', { text: 'a,b', delimiter: ',', limit: 0 }, []],
    ['limit above the part count', { text: 'a,b', delimiter: ',', limit: 9 }, ['a', 'b']],
    [
      'empty delimiter: empty ends around each character',
      { text: 'abc', delimiter: '' },
      ['', 'a', 'b', 'c', ''],
    ],
    [
      'empty delimiter keeps astral characters whole',
      { text: '😀x', delimiter: '' },
      ['', '😀', 'x', ''],
    ],
    ['empty delimiter on empty text', { text: '', delimiter: '' }, ['', '']],
    ['empty delimiter with limit 2', { text: 'abc', delimiter: '', limit: 2 }, ['', 'abc']],
    ['empty delimiter with limit 3', { text: 'abc', delimiter: '', limit: 3 }, ['', 'a', 'bc']],
    ['empty text', { text: '' }, ['']],
    ['delimiter at both ends', { text: '-a-', delimiter: '-' }, ['', 'a', '']],
    ['multi-character delimiter', { text: 'a::b:::c', delimiter: '::' }, ['a', 'b', ':c']],
  ])('%s', async (_name, input, parts) => {
    const out = (await output(tool, input)) as { parts: string[]; count: number };
    expect(out.parts).toEqual(parts);
    expect(out.count).toBe(parts.length);
  });

  it('refuses more than maxParts parts with reason too_many_parts', async () => {
    const capped = textSplitTool({ maxParts: 3 });
    expect((await output(capped, { text: 'a b c' })) as object).toMatchObject({ count: 3 });
    const error = await failure(capped, { text: 'a b c d' });
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toMatchObject({ tool: 'text_split', reason: 'too_many_parts', limit: 3 });
    expect(error.message).toContain('more than 3 parts');
    expect((await output(capped, { text: 'a b c d e', limit: 3 })) as object).toMatchObject({
      parts: ['a', 'b', 'c d e'],
    });
  });

  it.each([
    ['a raw string', 'a b', '', 'is not a valid JSON config'],
    ['a negative limit', { text: 'a', limit: -1 }, '/limit', 'must be at least 0'],
    ['a fractional limit', { text: 'a', limit: 1.5 }, '/limit', 'must be integer'],
    ['a delimiter of the wrong type', { text: 'a', delimiter: 1 }, '/delimiter', 'must be string'],
  ])('refuses %s', async (_name, input, path, message) => {
    const issue = await firstIssue(tool, input);
    expect(issue).toMatchObject({ path, message: expect.stringContaining(message) });
  });
});
