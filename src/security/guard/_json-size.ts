/** How deep the size walks go; deeper (or cyclic) values are unmeasurable. */
export const MAX_SIZE_DEPTH = 256;

/** A value that cannot be measured: cyclic, or nested past {@link MAX_SIZE_DEPTH}. */
export const UNMEASURABLE = Number.POSITIVE_INFINITY;

/** Exact UTF-8 length of a string's JSON form, quotes and escapes included. */
function stringBytes(s: string): number {
  let n = 2;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x22 || c === 0x5c) n += 2;
      else if (c >= 0x20) n += 1;
      // \b \t \n \f \r have two-character escapes; other controls are \u00XX.
      else n += c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
    } else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        n += 4;
        i++;
      } else n += 6;
    } else if (c >= 0xdc00 && c <= 0xdfff) n += 6;
    else n += 3;
  }
  return n;
}

/** Whether JSON.stringify leaves this out of an object (and writes null for it in an array). */
const skipped = (v: unknown): boolean =>
  v === undefined || typeof v === 'function' || typeof v === 'symbol';

type Measure = (s: string) => number;

/**
 * The JSON size of `value` with strings measured by `measure`; stops early
 * (returning a number above `limit`) once past `limit`.
 */
function walk(value: unknown, limit: number, measure: Measure): number {
  const ancestors: object[] = [];
  let total = 0;
  const visit = (v: unknown, depth: number): void => {
    if (total > limit) return;
    if (typeof v === 'string') total += measure(v);
    else if (typeof v === 'number') total += Number.isFinite(v) ? String(v).length : 4;
    else if (typeof v === 'boolean') total += v ? 4 : 5;
    else if (typeof v === 'bigint') total += String(v).length;
    else if (v === null || skipped(v)) total += 4;
    else {
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') {
        visit(toJSON.call(v), depth);
        return;
      }
      if (depth >= MAX_SIZE_DEPTH || ancestors.includes(v as object)) {
        total = UNMEASURABLE;
        return;
      }
      ancestors.push(v as object);
      if (Array.isArray(v)) {
        total += 2 + Math.max(0, v.length - 1);
        for (let i = 0; i < v.length && total <= limit; i++) visit(v[i], depth + 1);
      } else {
        total += 2;
        let first = true;
        for (const key of Object.keys(v as object)) {
          const field: unknown = (v as Record<string, unknown>)[key];
          if (skipped(field)) continue;
          total += measure(key) + (first ? 1 : 2);
          first = false;
          visit(field, depth + 1);
          if (total > limit) break;
        }
      }
      ancestors.pop();
    }
  };
  if (!skipped(value)) visit(value, 0);
  return total;
}

/** A bound no smaller than the string's JSON size, found without reading its characters. */
const upperBound: Measure = (s) => s.length * 6 + 2;

/**
 * Measures the UTF-8 byte length of `JSON.stringify(value)` against
 * `limit`. A result at or under `limit` means the value fits (it is an upper
 * bound of the size, found cheaply without reading strings when possible);
 * a result above `limit` means it does not (it counts the bytes seen before
 * the walk stopped, so the size is at least that). {@link UNMEASURABLE} for
 * a cyclic value or one nested past {@link MAX_SIZE_DEPTH}.
 */
export function jsonByteLength(value: unknown, limit: number): number {
  if (typeof value === 'string') return stringBytes(value);
  const bound = walk(value, limit, upperBound);
  if (bound <= limit || bound === UNMEASURABLE) return bound;
  return walk(value, limit, stringBytes);
}

/** The exact UTF-8 byte length of `JSON.stringify(value)` (0 when it gives undefined). */
export function exactJsonByteLength(value: unknown): number {
  return walk(value, Number.POSITIVE_INFINITY, stringBytes);
}
