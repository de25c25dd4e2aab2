import { type Tool, utf8ByteLength } from 'skreaver';
import { defineStandardTool, type ObjectSchema } from '../_define.js';
import { inputLimit, oneOf, positiveInteger } from '../_option-checks.js';
import { STANDARD_TOOL_LIMITS, type StandardToolOptions } from '../options.js';
import { matchOffsets } from './_matches.js';

/** Options of {@link textSearchTool}. */
export interface TextSearchOptions extends StandardToolOptions {
  /**
   * Most offsets listed in `matches`; `match_count` still counts every
   * match, and `truncated: true` marks a shortened list.
   * @defaultValue 10000
   */
  readonly maxMatches?: number;
  /**
   * Unit of the offsets: `'utf16'` gives JavaScript string indices (use them
   * with `text.slice`), `'utf8'` gives byte offsets as the Rust original did.
   * @defaultValue 'utf16'
   */
  readonly offsets?: 'utf16' | 'utf8';
}

/** Input of `text_search` (the string form must be this object as JSON text). */
export interface TextSearchInput {
  /** The text to search in. */
  readonly text: string;
  /** The literal text to look for (not a regular expression). */
  readonly pattern: string;
  /** Whether case matters; without it both sides are lower-cased first. @defaultValue false */
  readonly case_sensitive?: boolean;
}

/** Output of `text_search`. */
export interface TextSearchOutput {
  /** The text as given. */
  readonly text: string;
  /** The pattern as given. */
  readonly pattern: string;
  /** Whether case mattered. */
  readonly case_sensitive: boolean;
  /** Start offsets of the non-overlapping matches, left to right (at most `maxMatches`). */
  readonly matches: readonly number[];
  /** How many matches there are in all. */
  readonly match_count: number;
  /** Whether there is at least one match. */
  readonly found: boolean;
  /** Present (`true`) when `matches` lists fewer offsets than `match_count`. */
  readonly truncated?: true;
  /** Always `'search'`. */
  readonly operation: 'search';
  /** Always `true`. */
  readonly success: true;
}

const SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'The text to search in.' },
    pattern: { type: 'string', description: 'The literal text to look for.' },
    case_sensitive: {
      type: 'boolean',
      description: 'Whether case matters (default false: both sides are lower-cased).',
    },
  },
  required: ['text', 'pattern'],
};

/**
 * The `text_search` tool: finds a literal pattern in a text and lists where
 * each non-overlapping match starts. The string form must be the JSON text
 * of the config object, as in the original.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await textSearchTool().call({ text: 'Hello hello', pattern: 'hello' }, ctx);
 * // { matches: [0, 6], match_count: 2, found: true, case_sensitive: false, ... }
 * ```
 */
export function textSearchTool(
  options: TextSearchOptions = {},
): Tool<TextSearchInput | string, TextSearchOutput> {
  const factory = 'textSearchTool';
  const maxMatches = positiveInteger(
    factory,
    'maxMatches',
    options.maxMatches,
    STANDARD_TOOL_LIMITS.maxMatches,
  );
  const unit = oneOf(factory, 'offsets', options.offsets, ['utf16', 'utf8'], 'utf16');
  return defineStandardTool<TextSearchInput, TextSearchOutput>({
    name: 'text_search',
    description:
      'Finds every non-overlapping occurrence of a literal pattern in a text (case-insensitive unless case_sensitive is true) and lists their start offsets.',
    schema: SCHEMA,
    primary: 'text',
    fallback: false,
    maxInputBytes: inputLimit(factory, options),
    run: ({ text, pattern, case_sensitive = false }) => {
      const haystack = case_sensitive ? text : text.toLowerCase();
      const needle = case_sensitive ? pattern : pattern.toLowerCase();
      const matches: number[] = [];
      let count = 0;
      // UTF-8 offsets are counted forward from the previous match, not from the start.
      let lastUnit = 0;
      let lastByte = 0;
      for (const index of matchOffsets(haystack, needle)) {
        count++;
        if (matches.length >= maxMatches) continue;
        if (unit === 'utf16') {
          matches.push(index);
          continue;
        }
        lastByte += utf8ByteLength(haystack.slice(lastUnit, index));
        lastUnit = index;
        matches.push(lastByte);
      }
      return {
        text,
        pattern,
        case_sensitive,
        matches,
        match_count: count,
        found: count > 0,
        ...(matches.length < count ? { truncated: true as const } : {}),
        operation: 'search',
        success: true,
      };
    },
  });
}
