import type { Tool } from 'skreaver';
import { defineStandardTool, type ObjectSchema } from '../_define.js';
import { refuse } from '../_errors.js';
import { inputLimit, positiveInteger } from '../_option-checks.js';
import { STANDARD_TOOL_LIMITS, type StandardToolOptions } from '../options.js';
import { matchOffsets } from './_matches.js';

/** Options of {@link textSplitTool}. */
export interface TextSplitOptions extends StandardToolOptions {
  /**
   * Most parts a split may produce; more fail with `tool_invalid_input`
   * (`data.reason: 'too_many_parts'`) rather than return a shortened list
   * (pass `limit` to keep the remainder in the last part instead).
   * @defaultValue 10000
   */
  readonly maxParts?: number;
}

/** Input of `text_split` (the string form must be this object as JSON text). */
export interface TextSplitInput {
  /** The text to split. */
  readonly text: string;
  /** What to split at (literal text). @defaultValue ' ' */
  readonly delimiter?: string;
  /** At most this many parts, the last holding the rest of the text; `0` gives none. */
  readonly limit?: number;
}

/** Output of `text_split`. */
export interface TextSplitOutput {
  /** The text as given. */
  readonly original: string;
  /** The delimiter used. */
  readonly delimiter: string;
  /** The parts, empty ones included. */
  readonly parts: readonly string[];
  /** How many parts. */
  readonly count: number;
  /** Always `'split'`. */
  readonly operation: 'split';
  /** Always `true`. */
  readonly success: true;
}

const SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    text: { type: 'string', description: 'The text to split.' },
    delimiter: { type: 'string', description: 'What to split at (default: one space).' },
    limit: {
      type: 'integer',
      minimum: 0,
      description: 'At most this many parts; the last one keeps the rest of the text.',
    },
  },
  required: ['text'],
};

/** Rust's `split` (no limit) and `splitn(limit)`, which JavaScript's `split` does not match. */
function splitText(
  text: string,
  delimiter: string,
  limit: number | undefined,
  maxParts: number,
): string[] {
  if (limit === 0) return [];
  const parts: string[] = [];
  const add = (part: string) => {
    if (parts.length >= maxParts) {
      refuse([], `splits into more than ${maxParts} parts (option maxParts); pass a limit`, {
        reason: 'too_many_parts',
        limit: maxParts,
      });
    }
    parts.push(part);
  };
  let start = 0;
  for (const at of matchOffsets(text, delimiter)) {
    if (limit !== undefined && parts.length === limit - 1) break;
    add(text.slice(start, at));
    start = at + delimiter.length;
  }
  add(text.slice(start));
  return parts;
}

/**
 * The `text_split` tool: splits a text at a literal delimiter, keeping
 * empty parts, with Rust's semantics (an empty delimiter gives an empty
 * part at each end around the characters; `limit` keeps the rest of the
 * text in the last part). The string form must be the JSON text of the
 * config object, as in the original.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await textSplitTool().call({ text: 'a,b,,c', delimiter: ',', limit: 2 }, ctx);
 * // { parts: ['a', 'b,,c'], count: 2, delimiter: ',', ... }
 * ```
 */
export function textSplitTool(
  options: TextSplitOptions = {},
): Tool<TextSplitInput | string, TextSplitOutput> {
  const factory = 'textSplitTool';
  const maxParts = positiveInteger(
    factory,
    'maxParts',
    options.maxParts,
    STANDARD_TOOL_LIMITS.maxParts,
  );
  return defineStandardTool<TextSplitInput, TextSplitOutput>({
    name: 'text_split',
    description:
      'Splits a text at a literal delimiter (default one space), keeping empty parts; limit caps the number of parts, the last keeping the rest.',
    schema: SCHEMA,
    primary: 'text',
    fallback: false,
    maxInputBytes: inputLimit(factory, options),
    run: ({ text, delimiter = ' ', limit }) => {
      const parts = splitText(text, delimiter, limit, maxParts);
      return {
        original: text,
        delimiter,
        parts,
        count: parts.length,
        operation: 'split',
        success: true,
      };
    },
  });
}
