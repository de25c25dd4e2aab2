import { ValidationError } from '../errors/families.js';
import type { Result } from '../result.js';

/** Which NonEmpty collection raised an error. */
export type CollectionName = 'NonEmptyArray' | 'NonEmptyQueue';

/** Why a NonEmpty collection refused an operation. */
export type CollectionProblem =
  /** The input held no elements (code `empty_collection`). */
  | 'empty'
  /** The input was not an array or iterable (code `invalid_input`). */
  | 'not_iterable'
  /** The queue was ended by `finish()` and holds nothing (code `empty_collection`). */
  | 'ended'
  /** `finish()` was called while more than one element remained (code `queue_not_drained`). */
  | 'not_drained';

/** The `data` of every error a NonEmpty collection throws or returns. */
export interface CollectionErrorData {
  /** The collection that refused the operation. */
  readonly collection: CollectionName;
  /** The refused operation (`create`, `peek`, `finish`, ...). */
  readonly operation: string;
  /** Why it was refused. */
  readonly reason: CollectionProblem;
  /** How many elements the collection held, for `not_drained`. */
  readonly size?: number;
}

/** The error type of the NonEmpty collection constructors and operations. */
export type CollectionError = ValidationError<CollectionErrorData>;

/** Builds the error for a refused creation from `items`. @internal */
export function creationError(
  collection: CollectionName,
  reason: 'empty' | 'not_iterable',
  items: unknown,
): CollectionError {
  const data: CollectionErrorData = { collection, operation: 'create', reason };
  if (reason === 'empty') {
    return new ValidationError(
      'empty_collection',
      `A ${collection} needs at least one element, but the input was empty.`,
      { data },
    );
  }
  const got = items === null ? 'null' : typeof items;
  return new ValidationError(
    'invalid_input',
    `A ${collection} is made from an array or an iterable, got ${got}.`,
    { data },
  );
}

/**
 * Copies `items` into a fresh array when it is an iterable with at least one
 * element. A copy, so that later changes to the caller's array cannot empty
 * the collection. Exceptions thrown by the caller's own iterator propagate.
 * @internal
 */
export function collect<T>(
  collection: CollectionName,
  items: unknown,
): Result<[T, ...T[]], CollectionError> {
  let array: T[];
  if (Array.isArray(items)) {
    // Array.from rather than slice: holes become `undefined` like on iteration,
    // so `map` and friends never skip an element.
    array = Array.from(items as readonly T[]);
  } else if (
    items !== null &&
    items !== undefined &&
    typeof (items as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function'
  ) {
    array = Array.from(items as Iterable<T>);
  } else {
    return { ok: false, error: creationError(collection, 'not_iterable', items) };
  }
  if (array.length === 0) {
    return { ok: false, error: creationError(collection, 'empty', items) };
  }
  return { ok: true, value: array as [T, ...T[]] };
}
