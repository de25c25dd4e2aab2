import type { Tool } from 'skreaver';
import { defineStandardTool } from '../_define.js';
import { positiveInteger } from '../_option-checks.js';
import { STANDARD_TOOL_LIMITS, type StandardToolOptions } from '../options.js';
import { TEXT_SCHEMA } from './_text-input.js';

/** Input of `text_uppercase`, `text_reverse` and `text_analyze`: `{ text }`, or the text as a string. */
export interface TextInput {
  /** The text to work on. */
  readonly text: string;
}

/** Output of `text_uppercase` and `text_reverse`. */
export interface TextTransformOutput {
  /** The text as given. */
  readonly original: string;
  /** The transformed text. */
  readonly result: string;
  /** `'uppercase'` or `'reverse'`. */
  readonly operation: 'uppercase' | 'reverse';
  /** Always `true` (the original's field). */
  readonly success: true;
}

/**
 * The `text_uppercase` tool: Unicode full upper-casing (`ß` becomes `SS`),
 * as `String.prototype.toUpperCase` does it.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * const registry = createToolRegistry().register(textUppercaseTool());
 * await registry.dispatch({ name: 'text_uppercase', input: 'straße' });
 * // { ok: true, output: { original: 'straße', result: 'STRASSE', operation: 'uppercase', success: true } }
 * ```
 */
export function textUppercaseTool(
  options: StandardToolOptions = {},
): Tool<TextInput | string, TextTransformOutput> {
  return defineStandardTool<TextInput, TextTransformOutput>({
    name: 'text_uppercase',
    description: 'Converts text to upper case (Unicode full case mapping: ß becomes SS).',
    schema: TEXT_SCHEMA,
    primary: 'text',
    fallback: true,
    maxInputBytes: positiveInteger(
      'textUppercaseTool',
      'maxInputBytes',
      options.maxInputBytes,
      STANDARD_TOOL_LIMITS.maxInputBytes,
    ),
    run: ({ text }) => ({
      original: text,
      result: text.toUpperCase(),
      operation: 'uppercase',
      success: true,
    }),
  });
}
