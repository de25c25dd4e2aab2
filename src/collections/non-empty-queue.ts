import { ValidationError } from '../errors/families.js';
import type { Result } from '../result.js';
import { type CollectionError, type CollectionErrorData, collect } from './collection-error.js';
import type { NonEmptyArray } from './non-empty-array.js';

/**
 * A first-in first-out queue that always holds at least one element, until
 * it is explicitly ended.
 *
 * Emptiness is never an accident: {@link NonEmptyQueue.dequeue} refuses to
 * remove the last element (it returns `undefined` and leaves it in place, like
 * the Rust original), and the only way to take the last element out is
 * {@link NonEmptyQueue.finish}, which returns it and ends the queue. An ended
 * queue holds nothing and accepts nothing: every method except the `size` and
 * `ended` getters throws a `ValidationError` with code `empty_collection`.
 *
 * Because `dequeue` signals "only the last element is left" with `undefined`,
 * a queue whose elements may themselves be `undefined` should check
 * `size > 1` before calling it instead.
 *
 * @example
 * ```ts
 * const jobs = nonEmptyQueue(['a', 'b', 'c']);
 * jobs.enqueue('d');
 * for (let job = jobs.dequeue(); job !== undefined; job = jobs.dequeue()) run(job); // a, b, c
 * run(jobs.finish()); // d; jobs.ended is now true
 * ```
 */
export interface NonEmptyQueue<T> extends Iterable<T> {
  /** How many elements the queue holds: at least 1, or 0 once ended. */
  readonly size: number;
  /** True once {@link NonEmptyQueue.finish} has taken the last element. */
  readonly ended: boolean;
  /**
   * The front element (the next one `dequeue` returns), without removing it.
   * @throws {@link ValidationError} `empty_collection` when the queue has ended.
   */
  peek(): T;
  /**
   * The back element (the most recently enqueued), without removing it.
   * @throws {@link ValidationError} `empty_collection` when the queue has ended.
   */
  back(): T;
  /**
   * Adds `value` at the back.
   * @throws {@link ValidationError} `empty_collection` when the queue has ended.
   */
  enqueue(value: T): void;
  /**
   * Removes and returns the front element while at least two remain. When
   * only one remains it returns `undefined` and leaves that element in place;
   * take it with {@link NonEmptyQueue.finish}.
   * @throws {@link ValidationError} `empty_collection` when the queue has ended.
   */
  dequeue(): T | undefined;
  /**
   * Removes and returns the last remaining element and ends the queue.
   * @throws {@link ValidationError} `queue_not_drained` when more than one
   *   element remains (nothing is removed), or `empty_collection` when the
   *   queue has already ended.
   */
  finish(): T;
  /**
   * The elements from front to back, as a new array.
   * @throws {@link ValidationError} `empty_collection` when the queue has ended.
   */
  toArray(): NonEmptyArray<T>;
  /**
   * Iterates front to back over the elements present when iteration starts;
   * changing the queue meanwhile does not affect the iteration.
   * @throws {@link ValidationError} `empty_collection` when the queue has ended.
   */
  [Symbol.iterator](): Iterator<T>;
}

/**
 * Dequeued slots are only reclaimed once at least this many have piled up
 * and they are at least half the backing array, so each compaction moves no
 * more elements than were dequeued since the last one: amortised O(1).
 */
const COMPACT_AFTER = 32;

class Queue<T> implements NonEmptyQueue<T> {
  // Live elements are #items[#head .. length-1]; slots before #head are
  // cleared so dequeued values can be garbage-collected.
  #items: (T | undefined)[];
  #head = 0;
  #ended = false;

  constructor(items: T[]) {
    this.#items = items;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  get ended(): boolean {
    return this.#ended;
  }

  peek(): T {
    this.#assertOpen('peek');
    return this.#items[this.#head] as T;
  }

  back(): T {
    this.#assertOpen('back');
    return this.#items[this.#items.length - 1] as T;
  }

  enqueue(value: T): void {
    this.#assertOpen('enqueue');
    this.#items.push(value);
  }

  dequeue(): T | undefined {
    this.#assertOpen('dequeue');
    if (this.size < 2) return undefined;
    const value = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head++;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
    return value;
  }

  finish(): T {
    this.#assertOpen('finish');
    const size = this.size;
    if (size > 1) {
      const data: CollectionErrorData = {
        collection: 'NonEmptyQueue',
        operation: 'finish',
        reason: 'not_drained',
        size,
      };
      throw new ValidationError(
        'queue_not_drained',
        `finish() takes the last element of a NonEmptyQueue, but ${size} remain; dequeue() until it returns undefined first.`,
        { data },
      );
    }
    const value = this.#items[this.#head] as T;
    this.#items = [];
    this.#head = 0;
    this.#ended = true;
    return value;
  }

  toArray(): NonEmptyArray<T> {
    this.#assertOpen('toArray');
    return this.#items.slice(this.#head) as T[] as [T, ...T[]];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.toArray()[Symbol.iterator]();
  }

  #assertOpen(operation: string): void {
    if (!this.#ended) return;
    const data: CollectionErrorData = { collection: 'NonEmptyQueue', operation, reason: 'ended' };
    throw new ValidationError(
      'empty_collection',
      `This NonEmptyQueue was ended by finish() and holds no elements, so ${operation}() is not allowed; create a new queue instead.`,
      { data },
    );
  }
}

/**
 * Creates a {@link NonEmptyQueue} holding a copy of `items` (an array or any
 * iterable), front first.
 *
 * @throws {@link ValidationError} with code `empty_collection` when `items`
 *   has no elements, or `invalid_input` when it is not an array or iterable.
 * @example
 * ```ts
 * const queue = nonEmptyQueue([1, 2, 3]);
 * queue.dequeue(); // 1
 * queue.dequeue(); // 2
 * queue.dequeue(); // undefined: 3 is the last one and stays
 * queue.finish(); // 3, and the queue has ended
 * ```
 */
export function nonEmptyQueue<T>(items: readonly T[] | Iterable<T>): NonEmptyQueue<T> {
  const result = safeNonEmptyQueue(items);
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Like {@link nonEmptyQueue}, but returns a result instead of throwing.
 *
 * @example
 * ```ts
 * const result = safeNonEmptyQueue(pending);
 * if (result.ok) drain(result.value);
 * ```
 */
export function safeNonEmptyQueue<T>(
  items: readonly T[] | Iterable<T>,
): Result<NonEmptyQueue<T>, CollectionError> {
  const result = collect<T>('NonEmptyQueue', items);
  return result.ok ? { ok: true, value: new Queue(result.value) } : result;
}
