import type { Result } from '../result.js';
import { type CollectionError, collect } from './collection-error.js';

/**
 * A read-only array with at least one element. It is a plain array at run
 * time (no wrapper, no copy on read); only the type records that index 0
 * exists, so `arr[0]` is `T`, not `T | undefined`.
 *
 * @example
 * ```ts
 * function gather(targets: NonEmptyArray<AgentId>) {
 *   const first = targets[0]; // AgentId, never undefined
 * }
 * gather(nonEmptyArray(ids)); // throws ValidationError 'empty_collection' if ids is empty
 * ```
 */
export type NonEmptyArray<T> = readonly [T, ...T[]];

/**
 * Copies `items` (an array or any iterable) into a {@link NonEmptyArray}.
 * The result is a new array, so later changes to `items` do not affect it.
 *
 * @throws {@link ValidationError} with code `empty_collection` when `items`
 *   has no elements, or `invalid_input` when it is not an array or iterable
 *   (`data` is a {@link CollectionErrorData}). Errors thrown by the caller's
 *   own iterator propagate unchanged.
 * @example
 * ```ts
 * const batch = nonEmptyArray(new Set(['a', 'b'])); // readonly ['a', 'b']
 * nonEmptyArray([]); // throws ValidationError (code 'empty_collection')
 * ```
 */
export function nonEmptyArray<T>(items: readonly T[] | Iterable<T>): NonEmptyArray<T> {
  const result = collect<T>('NonEmptyArray', items);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Like {@link nonEmptyArray}, but returns a result instead of throwing.
 *
 * @example
 * ```ts
 * const result = safeNonEmptyArray(rows);
 * if (!result.ok) return reply(400, result.error.toJSON());
 * process(result.value);
 * ```
 */
export function safeNonEmptyArray<T>(
  items: readonly T[] | Iterable<T>,
): Result<NonEmptyArray<T>, CollectionError> {
  return collect<T>('NonEmptyArray', items);
}

/**
 * True when `value` is an array with at least one element. Narrows the
 * array itself without copying it.
 *
 * @example
 * ```ts
 * if (isNonEmptyArray(calls)) await runRound(calls); // calls: NonEmptyArray<ToolCall>
 * ```
 */
export function isNonEmptyArray<T>(
  value: readonly T[] | null | undefined,
): value is NonEmptyArray<T>;
/** True when `value` is an array with at least one element. */
export function isNonEmptyArray(value: unknown): value is NonEmptyArray<unknown>;
export function isNonEmptyArray(value: unknown): value is NonEmptyArray<unknown> {
  return Array.isArray(value) && value.length > 0;
}

/**
 * A {@link NonEmptyArray} holding exactly `value`.
 *
 * @example
 * ```ts
 * const targets = singleton(agentId('worker-1')); // readonly [AgentId]
 * ```
 */
export function singleton<T>(value: T): NonEmptyArray<T> {
  return [value];
}

/**
 * The first element.
 *
 * @example
 * ```ts
 * head(nonEmptyArray([3, 1, 2])); // 3
 * ```
 */
export function head<T>(items: NonEmptyArray<T>): T {
  return items[0];
}

/**
 * The last element (the first one when there is only one).
 *
 * @example
 * ```ts
 * last(nonEmptyArray([3, 1, 2])); // 2
 * ```
 */
export function last<T>(items: NonEmptyArray<T>): T {
  return items[items.length - 1] as T;
}

/**
 * Maps every element; the result is non-empty too.
 *
 * @example
 * ```ts
 * const names = mapNonEmpty(tools, (tool) => tool.name); // NonEmptyArray<string>
 * ```
 */
export function mapNonEmpty<T, U>(
  items: NonEmptyArray<T>,
  fn: (value: T, index: number) => U,
): NonEmptyArray<U> {
  // Array#map keeps the length, so the result has an element 0 as well.
  return items.map(fn) as readonly U[] as NonEmptyArray<U>;
}
