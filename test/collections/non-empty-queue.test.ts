import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type NonEmptyArray,
  type NonEmptyQueue,
  nonEmptyArray,
  nonEmptyQueue,
  safeNonEmptyQueue,
  singleton,
} from '../../src/collections/index.js';
import { ValidationError } from '../../src/errors/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** A queue that has been ended by finish(). */
function endedQueue(): NonEmptyQueue<number> {
  const queue = nonEmptyQueue([7]);
  expect(queue.finish()).toBe(7);
  return queue;
}

describe('nonEmptyQueue: the Rust original test sequences', () => {
  it('enqueue 2, 3 onto a singleton 1: dequeue 1, enqueue 4, dequeue 2, dequeue 3, peek 4', () => {
    const queue = nonEmptyQueue(singleton(1));
    queue.enqueue(2);
    queue.enqueue(3);
    expect(queue.dequeue()).toBe(1);
    queue.enqueue(4);
    expect(queue.dequeue()).toBe(2);
    expect(queue.dequeue()).toBe(3);
    expect(queue.peek()).toBe(4);
    expect(queue.size).toBe(1);
  });

  it('from [1, 2, 3]: dequeue 1, 2, then undefined with size 1 and the last element kept', () => {
    const queue = nonEmptyQueue([1, 2, 3]);
    expect(queue.dequeue()).toBe(1);
    expect(queue.dequeue()).toBe(2);
    expect(queue.dequeue()).toBeUndefined();
    expect(queue.size).toBe(1);
    expect(queue.peek()).toBe(3);
    expect(queue.dequeue()).toBeUndefined();
    expect(queue.toArray()).toEqual([3]);
  });
});

describe('nonEmptyQueue: creation', () => {
  it('copies an array or iterable, front first', () => {
    const source = ['a', 'b'];
    const queue = nonEmptyQueue(source);
    source.length = 0;
    expect(queue.toArray()).toEqual(['a', 'b']);
    expect(nonEmptyQueue(new Set([1, 2])).toArray()).toEqual([1, 2]);
    expect(queue.ended).toBe(false);
  });

  it('throws ValidationError empty_collection for empty input', () => {
    const error = thrown(() => nonEmptyQueue([]));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'empty_collection',
      data: { collection: 'NonEmptyQueue', operation: 'create', reason: 'empty' },
    });
    expect((error as Error).message).toContain('NonEmptyQueue');
  });

  it('throws ValidationError invalid_input for input that is not iterable', () => {
    const error = thrown(() => nonEmptyQueue(undefined as never));
    expect(error).toMatchObject({
      code: 'invalid_input',
      data: { collection: 'NonEmptyQueue', reason: 'not_iterable' },
    });
  });

  it('safeNonEmptyQueue returns a result instead of throwing', () => {
    const ok = safeNonEmptyQueue([1]);
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.value.peek()).toBe(1);
    const empty = safeNonEmptyQueue(new Map());
    expect(empty.ok).toBe(false);
    if (!empty.ok) {
      expect(empty.error).toBeInstanceOf(ValidationError);
      expect(empty.error.code).toBe('empty_collection');
      expect(empty.error.data?.collection).toBe('NonEmptyQueue');
    }
    const bad = safeNonEmptyQueue(5 as never);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('invalid_input');
  });
});

describe('nonEmptyQueue: operations', () => {
  it('peek is the front and back the most recently enqueued element', () => {
    const queue = nonEmptyQueue([1]);
    expect(queue.peek()).toBe(1);
    expect(queue.back()).toBe(1);
    queue.enqueue(2);
    queue.enqueue(3);
    expect(queue.peek()).toBe(1);
    expect(queue.back()).toBe(3);
    expect(queue.size).toBe(3);
  });

  it('dequeue removes from the front in FIFO order', () => {
    const queue = nonEmptyQueue(['a', 'b', 'c']);
    expect(queue.dequeue()).toBe('a');
    expect(queue.peek()).toBe('b');
    expect(queue.size).toBe(2);
    expectTypeOf(queue.dequeue()).toEqualTypeOf<string | undefined>();
  });

  it('toArray returns a copy from front to back, typed non-empty', () => {
    const queue = nonEmptyQueue([1, 2, 3]);
    queue.dequeue();
    queue.enqueue(4);
    const array = queue.toArray();
    expect(array).toEqual([2, 3, 4]);
    expectTypeOf(array).toEqualTypeOf<NonEmptyArray<number>>();
    (array as unknown as number[]).push(99);
    expect(queue.size).toBe(3);
  });

  it('iterates front to back over the elements present when iteration starts', () => {
    const queue = nonEmptyQueue([1, 2, 3]);
    queue.dequeue();
    const seen: number[] = [];
    for (const value of queue) {
      seen.push(value);
      queue.enqueue(value * 10);
      queue.dequeue();
    }
    expect(seen).toEqual([2, 3]);
    expect([...queue]).toEqual([20, 30]);
  });

  it('keeps FIFO order and size across many enqueues and dequeues (compaction)', () => {
    const queue = nonEmptyQueue([0]);
    for (let i = 1; i < 1000; i++) queue.enqueue(i);
    for (let i = 0; i < 900; i++) expect(queue.dequeue()).toBe(i);
    expect(queue.size).toBe(100);
    expect(queue.peek()).toBe(900);
    expect(queue.back()).toBe(999);
    expect(queue.toArray()).toEqual(Array.from({ length: 100 }, (_, i) => 900 + i));
    // A steady trickle keeps working after compactions.
    for (let i = 1000; i < 1200; i++) {
      queue.enqueue(i);
      expect(queue.dequeue()).toBe(i - 100);
    }
    expect(queue.size).toBe(100);
    expect(queue.peek()).toBe(1100);
  });

  it('handles falsy and undefined elements (check size before dequeue when undefined is a value)', () => {
    const queue = nonEmptyQueue<number | undefined>([0, undefined, 2]);
    expect(queue.dequeue()).toBe(0);
    expect(queue.size > 1).toBe(true);
    expect(queue.dequeue()).toBeUndefined();
    expect(queue.size).toBe(1);
    expect(queue.finish()).toBe(2);
  });
});

describe('nonEmptyQueue: finish and the ended state', () => {
  it('finish returns the last element, ends the queue and leaves size 0', () => {
    const queue = nonEmptyQueue(['a', 'b']);
    expect(queue.dequeue()).toBe('a');
    expect(queue.finish()).toBe('b');
    expect(queue.ended).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('the documented drain loop visits every element once, in order', () => {
    const queue = nonEmptyQueue(['a', 'b', 'c']);
    queue.enqueue('d');
    const seen: string[] = [];
    for (let job = queue.dequeue(); job !== undefined; job = queue.dequeue()) seen.push(job);
    seen.push(queue.finish());
    expect(seen).toEqual(['a', 'b', 'c', 'd']);
    expect(queue.ended).toBe(true);
  });

  it('finish refuses with queue_not_drained while more than one element remains, removing nothing', () => {
    const queue = nonEmptyQueue([1, 2, 3]);
    const error = thrown(() => queue.finish());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      code: 'queue_not_drained',
      data: { collection: 'NonEmptyQueue', operation: 'finish', reason: 'not_drained', size: 3 },
    });
    expect((error as Error).message).toContain('3 remain');
    expect(queue.ended).toBe(false);
    expect(queue.toArray()).toEqual([1, 2, 3]);
  });

  it('every operation on an ended queue throws empty_collection naming the operation', () => {
    const operations: Record<string, (queue: NonEmptyQueue<number>) => unknown> = {
      peek: (q) => q.peek(),
      back: (q) => q.back(),
      enqueue: (q) => q.enqueue(1),
      dequeue: (q) => q.dequeue(),
      finish: (q) => q.finish(),
      toArray: (q) => q.toArray(),
    };
    for (const [operation, run] of Object.entries(operations)) {
      const queue = endedQueue();
      const error = thrown(() => run(queue));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({
        code: 'empty_collection',
        data: { collection: 'NonEmptyQueue', operation, reason: 'ended' },
      });
      expect((error as Error).message).toContain(`${operation}()`);
      expect(queue.ended).toBe(true);
      expect(queue.size).toBe(0);
    }
  });

  it('iterating an ended queue throws empty_collection', () => {
    const queue = endedQueue();
    expect(() => [...queue]).toThrow(ValidationError);
    expect(thrown(() => [...queue])).toMatchObject({ code: 'empty_collection' });
  });

  it('a queue made from a NonEmptyArray can be drained back into one', () => {
    const queue = nonEmptyQueue(nonEmptyArray(['x', 'y']));
    const out: string[] = [];
    for (let v = queue.dequeue(); v !== undefined; v = queue.dequeue()) out.push(v);
    out.push(queue.finish());
    expect(nonEmptyArray(out)).toEqual(['x', 'y']);
  });
});
