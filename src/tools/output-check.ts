import { ValidationError } from '../errors/families.js';
import { escapePointer } from './_json-schema-node.js';
import { DEFAULT_MAX_JSON_DEPTH } from './json-schema-check.js';

/** Limits of {@link isJsonSerialisable} and {@link findSerialisationProblem}. */
export interface JsonSerialisableOptions {
  /**
   * How deeply values may nest (the value itself is level 0, its items or
   * properties level 1); deeper values are refused instead of exhausting the
   * stack.
   * @defaultValue 256
   */
  readonly maxDepth?: number;
}

/** Why a value is not plain JSON, and where. */
export interface SerialisationProblem {
  /** JSON pointer to the offending value (`""` is the value itself). */
  readonly path: string;
  /** What is wrong, in words. */
  readonly reason: string;
}

/** A problem found while unwinding; segments are collected innermost first. */
interface Found {
  readonly reason: string;
  readonly segments: (string | number)[];
}

function primitiveProblem(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value)
        ? undefined
        : `${value} is not a finite number (JSON would turn it into null)`;
    case 'undefined':
      return 'undefined is not JSON (use null)';
    case 'bigint':
      return 'a bigint is not JSON (convert it to a string or a number)';
    case 'symbol':
      return 'a symbol is not JSON';
    case 'function':
      return 'a function is not JSON';
    default:
      return value === null ? undefined : 'unknown';
  }
}

/** Plain object: its prototype is null or a prototype whose own prototype is null (any realm's Object.prototype). */
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

function describeInstance(value: object): string {
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== ''
    ? `a ${name}`
    : 'an object with a custom prototype';
}

function walk(value: unknown, left: number, ancestors: object[]): Found | undefined {
  if (left <= 0) return { reason: 'the value is nested too deeply', segments: [] };
  if (typeof value !== 'object' || value === null) {
    const reason = primitiveProblem(value);
    return reason === undefined ? undefined : { reason, segments: [] };
  }
  if (ancestors.includes(value))
    return { reason: 'the value contains itself (a cycle)', segments: [] };
  ancestors.push(value);
  let found: Found | undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && found === undefined; i++) {
      const item: unknown = value[i];
      found =
        item === undefined
          ? { reason: 'undefined (or a hole) in an array would become null', segments: [] }
          : walk(item, left - 1, ancestors);
      found?.segments.push(i);
    }
  } else if (!isPlainObject(value)) {
    found = {
      reason: `${describeInstance(value)} is not a plain object (convert it to one, or to a string)`,
      segments: [],
    };
  } else {
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      // JSON.stringify drops undefined properties; an absent optional field is not an error.
      if (item === undefined) continue;
      found = walk(item, left - 1, ancestors);
      if (found !== undefined) {
        found.segments.push(key);
        break;
      }
    }
  }
  ancestors.pop();
  return found;
}

/**
 * Finds the first part of `value` that would not survive `JSON.stringify`
 * followed by `JSON.parse` unchanged, or returns `undefined` when the value
 * is plain JSON.
 *
 * Accepted: `null`, booleans, strings, finite numbers, arrays and plain
 * objects (prototype `Object.prototype` or `null`) of those. Object
 * properties whose value is `undefined` are accepted because JSON drops
 * them, as an absent optional field. Refused: `undefined` elsewhere (at the
 * top or in an array), functions, symbols, bigints, `NaN` and infinities
 * (JSON turns them into `null`), cycles, nesting deeper than `maxDepth`, and
 * class instances including `Date`, `Map` and typed arrays (they would
 * arrive as strings or `{}`; convert them first, e.g. `date.toISOString()`).
 * Shared references that are not cycles are fine. A getter that throws is
 * reported as a problem, never thrown.
 *
 * @throws {@link ValidationError} with code `invalid_options` when `maxDepth` is not a non-negative integer.
 * @example
 * ```ts
 * findSerialisationProblem({ at: new Date() });
 * // { path: '/at', reason: 'a Date is not a plain object (convert it to one, or to a string)' }
 * ```
 */
export function findSerialisationProblem(
  value: unknown,
  options?: JsonSerialisableOptions,
): SerialisationProblem | undefined {
  // Primitives are the common case on the dispatch hot path: no allocation.
  if (typeof value !== 'object' || value === null) {
    const reason = primitiveProblem(value);
    return reason === undefined ? undefined : { path: '', reason };
  }
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new ValidationError(
      'invalid_options',
      "The option 'maxDepth' must be a non-negative integer.",
      {
        data: { option: 'maxDepth', value: maxDepth },
      },
    );
  }
  let found: Found | undefined;
  try {
    found = walk(value, maxDepth + 1, []);
  } catch (error) {
    const reason = error instanceof Error ? error.message : 'it threw';
    return { path: '', reason: `reading the value threw: ${reason}` };
  }
  if (found === undefined) return undefined;
  let path = '';
  for (let i = found.segments.length - 1; i >= 0; i--) {
    const segment = found.segments[i] as string | number;
    path += `/${typeof segment === 'number' ? segment : escapePointer(segment)}`;
  }
  return { path, reason: found.reason };
}

/**
 * Whether `value` survives a JSON round trip unchanged; see
 * {@link findSerialisationProblem} for exactly what is accepted.
 *
 * @throws {@link ValidationError} with code `invalid_options` when `maxDepth` is not a non-negative integer.
 * @example
 * ```ts
 * isJsonSerialisable({ ok: true, items: [1, 2] }); // true
 * isJsonSerialisable({ n: 10n }); // false
 * ```
 */
export function isJsonSerialisable(value: unknown, options?: JsonSerialisableOptions): boolean {
  return findSerialisationProblem(value, options) === undefined;
}
