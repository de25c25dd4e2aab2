import type { Tool } from 'skreaver';
import { defineStandardTool, type ObjectSchema } from '../_define.js';
import { refuse } from '../_errors.js';
import { inputLimit } from '../_option-checks.js';
import { shorten } from '../_text.js';
import { depthLimit, FORMAT_FIELD, formatJson, parseDocument } from './_document.js';
import { parseJsonPath, selectPath } from './_json-path.js';
import type { JsonToolOptions } from './options.js';

/** Input of `json_transform` (the string form must be this object as JSON text). */
export interface JsonTransformInput {
  /** The JSON document, as text. */
  readonly input: string;
  /**
   * What to extract: a JSON Pointer (`/items/0/name`, RFC 6901) or the
   * original's dotted form (`items.0.name`). Absent, `''` or only dots: the
   * whole document.
   */
  readonly path?: string;
  /** `'pretty'` for 2-space indented `formatted` text; anything else gives compact text. */
  readonly format?: string;
}

/** Output of `json_transform`. */
export interface JsonTransformOutput {
  /** The whole parsed document. */
  readonly original: unknown;
  /** The value the path selects. */
  readonly extracted: unknown;
  /** `extracted` as JSON text, compact or pretty. */
  readonly formatted: string;
  /** The path as given, or `null`. */
  readonly path: string | null;
  /** Always `true`. */
  readonly success: true;
}

const SCHEMA: ObjectSchema = {
  type: 'object',
  properties: {
    input: { type: 'string', description: 'The JSON document, as text.' },
    path: {
      type: 'string',
      description:
        'What to extract: a JSON Pointer such as /items/0/name, or a dotted path such as items.0.name. Absent: the whole document.',
    },
    format: FORMAT_FIELD,
  },
  required: ['input'],
};

/**
 * The `json_transform` tool: parses a JSON document and extracts the value
 * at a path. Paths starting with `/` are JSON Pointers (RFC 6901: `~0` is
 * `~`, `~1` is `/`, array indices without leading zeros); others use the
 * original's dotted form (split at `.`, empty segments skipped, a segment of
 * digits indexes an array and never matches an object key). The string form
 * must be the JSON text of the config object, as in the original.
 *
 * Fails with `tool_invalid_input` and `data.reason` `invalid_json` (the
 * document), `invalid_path` (a bad `~` escape), `path_not_found`, `too_deep`
 * or `input_too_large`.
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * await jsonTransformTool().call({ input: '{"user":{"tags":["a","b"]}}', path: '/user/tags/1' }, ctx);
 * // { original: { user: { tags: ['a', 'b'] } }, extracted: 'b', formatted: '"b"', path: '/user/tags/1', success: true }
 * ```
 */
export function jsonTransformTool(
  options: JsonToolOptions = {},
): Tool<JsonTransformInput | string, JsonTransformOutput> {
  const factory = 'jsonTransformTool';
  const maxDepth = depthLimit(factory, options);
  return defineStandardTool<JsonTransformInput, JsonTransformOutput>({
    name: 'json_transform',
    description:
      'Parses a JSON document and extracts the value at a path (a JSON Pointer like /a/0/b, or a dotted path like a.0.b).',
    schema: SCHEMA,
    primary: 'input',
    fallback: false,
    maxInputBytes: inputLimit(factory, options),
    run: ({ input, path, format }) => {
      // The path is checked first: it is cheap, and a bad one makes the parse pointless.
      const parsedPath = path === undefined ? undefined : parseJsonPath(path);
      if (parsedPath !== undefined && !parsedPath.ok) {
        refuse(
          ['path'],
          `is not a valid path: ${parsedPath.message} (offset ${parsedPath.offset})`,
          {
            reason: 'invalid_path',
            path: path as string,
            offset: parsedPath.offset,
          },
        );
      }
      const document = parseDocument(input, maxDepth, 'input');
      if (!document.ok) {
        refuse(['input'], `is not valid JSON: ${document.error}`, { reason: 'invalid_json' });
      }
      let extracted = document.value;
      if (parsedPath?.ok) {
        const selection = selectPath(document.value, parsedPath.path);
        if (!selection.found) {
          refuse(
            ['path'],
            `selects nothing: Path '${shorten(path as string)}' not found in JSON (segment ${selection.segment + 1}: ${selection.reason})`,
            { reason: 'path_not_found', path: path as string },
          );
        }
        extracted = selection.value;
      }
      return {
        original: document.value,
        extracted,
        formatted: formatJson(extracted, format),
        path: path ?? null,
        success: true,
      };
    },
  });
}
