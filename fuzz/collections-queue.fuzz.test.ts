import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type NonEmptyQueue, nonEmptyQueue } from '../src/collections/index.js';
import { ValidationError } from '../src/errors/index.js';

/** The model: a plain array, front first, plus whether finish() ended the queue. */
interface Model {
  items: number[];
  ended: boolean;
}

type Real = NonEmptyQueue<number>;

function expectCode(run: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ValidationError);
  expect((thrown as ValidationError).code).toBe(code);
}

/** After every command the queue must look exactly like the model. */
function expectSameState(model: Model, real: Real): void {
  expect(real.ended).toBe(model.ended);
  expect(real.size).toBe(model.items.length);
  if (model.ended) return;
  expect(real.toArray()).toEqual(model.items);
  expect([...real]).toEqual(model.items);
  expect(real.peek()).toBe(model.items[0]);
  expect(real.back()).toBe(model.items[model.items.length - 1]);
}

class Enqueue implements fc.Command<Model, Real> {
  constructor(readonly value: number) {}
  check = () => true;
  run(model: Model, real: Real): void {
    if (model.ended) {
      expectCode(() => real.enqueue(this.value), 'empty_collection');
    } else {
      real.enqueue(this.value);
      model.items.push(this.value);
    }
    expectSameState(model, real);
  }
  toString = () => `enqueue(${this.value})`;
}

class Dequeue implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    if (model.ended) {
      expectCode(() => real.dequeue(), 'empty_collection');
    } else if (model.items.length === 1) {
      expect(real.dequeue()).toBeUndefined();
    } else {
      expect(real.dequeue()).toBe(model.items.shift());
    }
    expectSameState(model, real);
  }
  toString = () => 'dequeue()';
}

class Finish implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    if (model.ended) {
      expectCode(() => real.finish(), 'empty_collection');
    } else if (model.items.length > 1) {
      expectCode(() => real.finish(), 'queue_not_drained');
    } else {
      expect(real.finish()).toBe(model.items[0]);
      model.items = [];
      model.ended = true;
    }
    expectSameState(model, real);
  }
  toString = () => 'finish()';
}

class Observe implements fc.Command<Model, Real> {
  check = () => true;
  run(model: Model, real: Real): void {
    if (model.ended) {
      for (const read of [
        () => real.peek(),
        () => real.back(),
        () => real.toArray(),
        () => [...real],
      ]) {
        expectCode(read, 'empty_collection');
      }
    }
    expectSameState(model, real);
  }
  toString = () => 'observe()';
}

const commands = fc.commands(
  [
    fc.integer().map((value) => new Enqueue(value)),
    fc.integer().map((value) => new Enqueue(value)),
    // Dequeue is weighted up so runs cross the compaction threshold and drain to one.
    fc.constant(new Dequeue()),
    fc.constant(new Dequeue()),
    fc.constant(new Dequeue()),
    fc.constant(new Finish()),
    fc.constant(new Observe()),
  ],
  { maxCommands: 400, size: 'large' },
);

describe('NonEmptyQueue against a plain array model', () => {
  it('behaves like the model for any sequence of operations', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1, maxLength: 120, size: 'large' }),
        commands,
        (initial, cmds) => {
          const model: Model = { items: [...initial], ended: false };
          const real = nonEmptyQueue(initial);
          fc.modelRun(() => ({ model, real }), cmds);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('never holds zero elements unless ended, and only finish() ends it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer(), { minLength: 1, maxLength: 10 }),
        fc.array(fc.constantFrom('enqueue', 'dequeue', 'finish'), { maxLength: 200 }),
        (initial, ops) => {
          const queue = nonEmptyQueue(initial);
          for (const op of ops) {
            const wasEnded = queue.ended;
            try {
              if (op === 'enqueue') queue.enqueue(1);
              else if (op === 'dequeue') queue.dequeue();
              else queue.finish();
            } catch (error) {
              expect(error).toBeInstanceOf(ValidationError);
            }
            if (!wasEnded && queue.ended) expect(op).toBe('finish');
            expect(queue.size === 0).toBe(queue.ended);
          }
        },
      ),
    );
  });
});
