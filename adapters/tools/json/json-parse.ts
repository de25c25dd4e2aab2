import type { Tool } from 'skreaver';
import { defineStandardTool, type ObjectSchema } from '../_define.js';
import { inputLimit } from '../_option-checks.js';
import { depthLimit, FORMAT_FIELD, formatJson, parseDocument } from './_document.js';
import type { JsonToolOptions } from './options.js';

/** Input of `json_parse`: `{ input, format? }`, or the JSON text itself as a string. */
export interface JsonParseInput {
  /** The JSON text to parse. */
  readonly input: string;
  /** `'pretty'` for 2-space indented `formatted` text; anything else gives compact text. */
  readonly format?: string;
}

/**
 * Output of `json_parse`. Text that is not JSON is not a tool failure (as in
 * the original): the output says `valid: false` and why.
 */
export type JsonParseOutput =
  | {
      /** The parsed value. */
      readonly parsed: unknown;
      /** The value as JSON text, compact or pretty. */
      readonly formatted: string;
      readonly valid: true;
      readonly success: true;
    }
  | {
      readonly valid: false;
      /** The parser's message (JavaScript's wording, not serde_json's). */
      readonly error: string;
      readonly success: false;
    };

const SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    input: { type: 'string', description: 'The JSON text to parse.' },
    format: FORMAT_FIELD,
  },
  required: ['input'],
  description: 'An object with the JSON text, or the JSON text itself as a string.',
};

/**
 * The `json_parse` tool: parses JSON text and returns the value with a
 * compact or pretty re-serialisation. Invalid JSON yields `valid: false`
 * (not a tool failure), as in the original. A string input that is itself a
 * JSON object with a string `input` field is taken as the config (the
 * original's rule), so to parse such a document pass `{ input: text }`.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await jsonParseTool().call({ input: '{"a":[1,2]}', format: 'pretty' }, ctx);
 * // { parsed: { a: [1, 2] }, formatted: '{\n  "a": [\n    1,\n    2\n  ]\n}', valid: true, success: true }
 * ```
 */
export function jsonParseTool(
  options: JsonToolOptions = {},
): Tool<JsonParseInput | string, JsonParseOutput> {
  const factory = 'jsonParseTool';
  const maxDepth = depthLimit(factory, options);
  return defineStandardTool<JsonParseInput, JsonParseOutput>({
    name: 'json_parse',
    description:
      'Parses JSON text; returns the value and its compact (or, with format "pretty", indented) text, or valid: false with the parse error.',
    schema: SCHEMA,
    primary: 'input',
    fallback: true,
    maxInputBytes: inputLimit(factory, options),
    run: ({ input, format }) => {
      const parsed = parseDocument(input, maxDepth, 'input');
      if (!parsed.ok) return { valid: false, error: parsed.error, success: false };
      return {
        parsed: parsed.value,
        formatted: formatJson(parsed.value, format),
        valid: true,
        success: true,
      };
    },
  });
}
