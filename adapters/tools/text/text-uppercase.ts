import type { Tool } from 'skreaver';
import type { StandardToolOptions } from '../options.js';
import { defineTextTool } from './_text-tool.js';

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
  return defineTextTool<TextTransformOutput>(options, {
    name: 'text_uppercase',
    factory: 'textUppercaseTool',
    description: 'Converts text to upper case (Unicode full case mapping: ß becomes SS).',
    run: (text) => ({
      original: text,
      result: text.toUpperCase(),
      operation: 'uppercase',
      success: true,
    }),
  });
}
