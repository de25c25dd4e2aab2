import type { JsonSchema } from 'skreaver';
import { refuse } from '../_errors.js';
import { positiveInteger } from '../_option-checks.js';
import { shortenMessage } from '../_text.js';
import { STANDARD_TOOL_LIMITS } from '../options.js';
import type { JsonToolOptions } from './options.js';

/** A parsed JSON document, or why it is not one. */
export type DocumentParse =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string };

/**
 * Whether arrays and objects in `text` nest deeper than `maxDepth`, found by
 * counting brackets outside strings, so no parse (and no recursion) happens
 * on a document that is too deep.
 */
function nestsDeeper(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c)
        i++; // backslash: skip the escaped character
      else if (char === 0x22) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x5b || char === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (char === 0x5d || char === 0x7d) depth--;
  }
  return false;
}

/** Whether `value` holds a number JSON cannot carry (JSON.parse turns `1e400` into Infinity). */
function hasNonFinite(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value);
  if (typeof value !== 'object' || value === null) return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  for (const item of items) if (hasNonFinite(item)) return true;
  return false;
}

/**
 * Parses a JSON document. A document nesting deeper than `maxDepth` is
 * refused (`too_deep`, at `field`); a syntax error, or a number too large
 * for a double, comes back as `{ ok: false }`.
 */
export function parseDocument(text: string, maxDepth: number, field: string): DocumentParse {
  if (nestsDeeper(text, maxDepth)) {
    refuse([field], `nests arrays and objects deeper than ${maxDepth} levels (option maxDepth)`, {
      reason: 'too_deep',
      limit: maxDepth,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      error: shortenMessage(error instanceof Error ? error.message : String(error)),
    };
  }
  // The depth check above bounds this walk's recursion.
  if (hasNonFinite(value)) return { ok: false, error: 'number out of range' };
  return { ok: true, value };
}

/** The `format` field of both JSON tools' object form (see `formatJson`). */
export const FORMAT_FIELD: JsonSchema = {
  type: 'string',
  description: '"pretty" for 2-space indented formatted text; anything else gives compact text.',
};

/** `formatted` of the JSON tools: 2-space indented for `'pretty'`, compact for anything else. */
export function formatJson(value: unknown, format: string | undefined): string {
  return format === 'pretty' ? JSON.stringify(value, null, 2) : JSON.stringify(value);
}

/**
 * Reads the `maxDepth` both JSON tools take, or its default.
 *
 * @throws `ValidationError` with code `invalid_options` for anything but a positive safe integer.
 */
export function depthLimit(factory: string, options: JsonToolOptions): number {
  return positiveInteger(factory, 'maxDepth', options.maxDepth, STANDARD_TOOL_LIMITS.maxJsonDepth);
}
