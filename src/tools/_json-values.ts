import {
  T_ARRAY,
  T_BOOLEAN,
  T_INTEGER,
  T_NULL,
  T_NUMBER,
  T_OBJECT,
  T_STRING,
} from './_json-schema-node.js';

/** The type bit of a value (0 for anything JSON has no type for: undefined, NaN, functions, ...). */
export function valueBits(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return T_STRING;
    case 'number':
      return Number.isInteger(value) ? T_INTEGER : Number.isFinite(value) ? T_NUMBER : 0;
    case 'boolean':
      return T_BOOLEAN;
    case 'object':
      return value === null ? T_NULL : Array.isArray(value) ? T_ARRAY : T_OBJECT;
    default:
      return 0;
  }
}

export function describe(value: unknown): string {
  const bits = valueBits(value);
  if (bits === T_INTEGER) return 'integer';
  if (bits === T_NUMBER) return 'number';
  if (bits === T_NULL) return 'null';
  if (bits === T_ARRAY) return 'array';
  return typeof value === 'number' ? String(value) : typeof value;
}

export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = '(unprintable)';
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Counts Unicode code points, as JSON Schema's length keywords do. */
export function codePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}

/** JSON equality: same type, same array items in order, same defined properties. */
export function jsonEqual(a: unknown, b: unknown, left: number): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (left <= 0) return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i], left - 1)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let balance = 0;
  for (const key of Object.keys(x)) {
    const item = x[key];
    if (item === undefined) continue;
    balance++;
    if (!Object.hasOwn(y, key) || !jsonEqual(item, y[key], left - 1)) return false;
  }
  for (const key of Object.keys(y)) if (y[key] !== undefined) balance--;
  return balance === 0;
}
