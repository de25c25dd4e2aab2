import { describe, expect, it } from 'vitest';
import { createAbortScope } from '../../src/agent/_abort-scope.js';
import { mapLimit } from '../../src/agent/_map-limit.js';
import { deferred, flush } from './_helpers.js';

function aborted(reason: unknown) {
  const scope = createAbortScope();
  scope.abort(reason);
  return scope;
}

describe('mapLimit', () => {
  it('resolves an empty list at once', async () => {
    await expect(mapLimit([], 2, async () => 1, createAbortScope())).resolves.toEqual([]);
  });

  it('keeps input order whatever the completion order', async () => {
    const gates = [deferred<number>(), deferred<number>(), deferred<number>()];
    const result = mapLimit(
      [0, 1, 2],
      3,
      (i) => gates[i]?.promise as Promise<number>,
      createAbortScope(),
    );
    gates[2]?.resolve(20);
    gates[0]?.resolve(0);
    gates[1]?.resolve(10);
    await expect(result).resolves.toEqual([0, 10, 20]);
  });

  it('rejects with the first failure, whether thrown or rejected', async () => {
    const scope = createAbortScope();
    await expect(
      mapLimit(
        [1, 2],
        1,
        () => {
          throw new Error('sync');
        },
        scope,
      ),
    ).rejects.toThrow('sync');
    await expect(
      mapLimit([1, 2], 2, () => Promise.reject(new Error('async')), scope),
    ).rejects.toThrow('async');
  });

  it('rejects with the abort reason and starts nothing more after an abort', async () => {
    const scope = createAbortScope();
    const started: number[] = [];
    const gate = deferred<number>();
    const result = mapLimit(
      [0, 1, 2, 3],
      1,
      (i) => {
        started.push(i);
        return gate.promise;
      },
      scope,
    );
    scope.abort('stop');
    await expect(result).rejects.toBe('stop');
    gate.resolve(1);
    await flush();
    expect(started).toEqual([0]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    let called = false;
    const run = mapLimit(
      [1],
      1,
      async () => {
        called = true;
        return 1;
      },
      aborted('early'),
    );
    await expect(run).rejects.toBe('early');
    expect(called).toBe(false);
  });
});
