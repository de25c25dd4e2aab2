import { type Tool, utf8ByteLength } from 'skreaver';
import { codePointLength } from '../_text.js';
import type { StandardToolOptions } from '../options.js';
import { defineTextTool } from './_text-tool.js';
import type { TextInput } from './text-uppercase.js';

/** What `text_analyze` counts. */
export interface TextAnalysis {
  /** Code points (a lone surrogate counts as one). */
  readonly character_count: number;
  /** Bytes of the UTF-8 form. */
  readonly byte_count: number;
  /** Runs of characters between Unicode white space. */
  readonly word_count: number;
  /** Lines split at `\n`; a final line break does not start another line, so `''` has 0 and `'a\n'` 1. */
  readonly line_count: number;
  /** Whether the text is empty. */
  readonly is_empty: boolean;
  /** Whether every character is ASCII. */
  readonly is_ascii: boolean;
  /** How often each character (code point) occurs. */
  readonly char_frequency: Readonly<Record<string, number>>;
}

/** Output of `text_analyze`. */
export interface TextAnalyzeOutput {
  /** The text as given. */
  readonly text: string;
  /** The counts. */
  readonly analysis: TextAnalysis;
  /** Always `'analyze'`. */
  readonly operation: 'analyze';
  /** Always `true`. */
  readonly success: true;
}

// Unicode's White_Space property, which Rust's split_whitespace uses: JavaScript's
// \s differs (it lacks U+0085 and adds U+FEFF).
const WHITE_SPACE = /[\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

function wordCount(text: string): number {
  let words = 0;
  for (const part of text.split(WHITE_SPACE)) if (part !== '') words++;
  return words;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  let breaks = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) breaks++;
  return text.endsWith('\n') ? breaks : breaks + 1;
}

function frequencies(text: string): Record<string, number> {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  const keys = [...counts.keys()].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = counts.get(key) ?? 0;
  return out;
}

/**
 * The `text_analyze` tool: counts characters, bytes, words and lines and
 * tallies each character.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await textAnalyzeTool().call('hi there', ctx);
 * // { text: 'hi there', analysis: { character_count: 8, byte_count: 8, word_count: 2, line_count: 1, ... }, ... }
 * ```
 */
export function textAnalyzeTool(
  options: StandardToolOptions = {},
): Tool<TextInput | string, TextAnalyzeOutput> {
  return defineTextTool<TextAnalyzeOutput>(options, {
    name: 'text_analyze',
    factory: 'textAnalyzeTool',
    description:
      'Counts the characters, UTF-8 bytes, words and lines of a text and how often each character occurs.',
    run: (text) => ({
      text,
      analysis: {
        character_count: codePointLength(text),
        byte_count: utf8ByteLength(text),
        word_count: wordCount(text),
        line_count: lineCount(text),
        is_empty: text === '',
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the ASCII range starts at U+0000.
        is_ascii: /^[\u0000-\u007f]*$/.test(text),
        char_frequency: frequencies(text),
      },
      operation: 'analyze',
      success: true,
    }),
  });
}
