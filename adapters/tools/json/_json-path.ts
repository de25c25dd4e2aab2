import { shorten } from '../_text.js';

/**
 * The path language of `json_transform`: a JSON Pointer (RFC 6901) when the
 * path starts with `/`, otherwise the original's dotted form.
 */
export type JsonPath =
  | { readonly syntax: 'pointer'; readonly segments: readonly string[] }
  | { readonly syntax: 'dotted'; readonly segments: readonly string[] };

/** A parsed path, or where and why it does not parse. */
export type PathParse =
  | { readonly ok: true; readonly path: JsonPath }
  | { readonly ok: false; readonly message: string; readonly offset: number };

/** What a path selects, or at which segment (0-based) and why it selects nothing. */
export type Selection =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly segment: number; readonly reason: string };

const DOTTED_INDEX = /^\d+$/;
const POINTER_INDEX = /^(?:0|[1-9]\d*)$/;

function pointerSegments(text: string): PathParse {
  const segments: string[] = [];
  let current = '';
  for (let i = 1; i < text.length; i++) {
    const char = text[i];
    if (char === '/') {
      segments.push(current);
      current = '';
    } else if (char === '~') {
      const next = text[i + 1];
      if (next !== '0' && next !== '1') {
        return {
          ok: false,
          message: `'~' must be followed by '0' (for '~') or '1' (for '/') in a JSON Pointer`,
          offset: i,
        };
      }
      current += next === '0' ? '~' : '/';
      i++;
    } else current += char;
  }
  segments.push(current);
  return { ok: true, path: { syntax: 'pointer', segments } };
}

/**
 * Parses a `json_transform` path. `''` and a dotted path never fail: the
 * dotted form splits at `.` and skips empty segments (so `''` and `'...'`
 * select the whole document). A pointer fails only on a `~` not followed by
 * `0` or `1`.
 */
export function parseJsonPath(text: string): PathParse {
  if (text.startsWith('/')) return pointerSegments(text);
  return {
    ok: true,
    path: { syntax: 'dotted', segments: text.split('.').filter((segment) => segment !== '') },
  };
}

/** Writes segments as a JSON Pointer (the inverse of parsing one). */
export function formatPointer(segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) out += `/${segment.replaceAll('~', '~0').replaceAll('/', '~1')}`;
  return out;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function step(value: unknown, segment: string, syntax: JsonPath['syntax']): Selection {
  if (Array.isArray(value)) {
    const index = syntax === 'pointer' ? POINTER_INDEX : DOTTED_INDEX;
    if (!index.test(segment)) {
      return { found: false, segment: 0, reason: `'${shorten(segment)}' is not an array index` };
    }
    const at = Number(segment);
    if (at >= value.length) {
      return {
        found: false,
        segment: 0,
        reason: `index ${shorten(segment)} is past the end of an array of ${value.length}`,
      };
    }
    return { found: true, value: value[at] };
  }
  if (typeof value === 'object' && value !== null) {
    // The original's dotted form reads a number only as an array index, never as a key.
    if (syntax === 'dotted' && DOTTED_INDEX.test(segment)) {
      return { found: false, segment: 0, reason: `index ${shorten(segment)} applied to an object` };
    }
    // Own properties only: '__proto__' or 'constructor' must not reach the prototype.
    if (!Object.hasOwn(value, segment)) {
      return { found: false, segment: 0, reason: `no key '${shorten(segment)}'` };
    }
    return { found: true, value: (value as Record<string, unknown>)[segment] };
  }
  return { found: false, segment: 0, reason: `'${shorten(segment)}' applied to ${kindOf(value)}` };
}

/** Follows `path` from `document`. Never throws. */
export function selectPath(document: unknown, path: JsonPath): Selection {
  let value = document;
  for (let i = 0; i < path.segments.length; i++) {
    const next = step(value, path.segments[i] as string, path.syntax);
    if (!next.found) return { ...next, segment: i };
    value = next.value;
  }
  return { found: true, value };
}
