import type { Tool } from 'skreaver';
import type { StandardToolOptions } from '../options.js';
import { defineTextTool } from './_text-tool.js';
import type { TextInput, TextTransformOutput } from './text-uppercase.js';

/**
 * The `text_reverse` tool: reverses the text by code points (not UTF-16
 * units, so emoji and other astral characters survive; not graphemes, so
 * combining marks move to the other side of their letter, as in the original).
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await textReverseTool().call({ text: 'abc' }, ctx);
 * // { original: 'abc', result: 'cba', operation: 'reverse', success: true }
 * ```
 */
export function textReverseTool(
  options: StandardToolOptions = {},
): Tool<TextInput | string, TextTransformOutput> {
  return defineTextTool<TextTransformOutput>(options, {
    name: 'text_reverse',
    factory: 'textReverseTool',
    description: 'Reverses text character by character (by Unicode code points).',
    run: (text) => ({
      original: text,
      result: Array.from(text).reverse().join(''),
      operation: 'reverse',
      success: true,
    }),
  });
}
