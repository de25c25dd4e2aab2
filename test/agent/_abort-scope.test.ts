import { describe, expect, it } from 'vitest';
import { createAbortScope } from '../../src/agent/_abort-scope.js';
import { raceAbort } from '../../src/agent/_async.js';
import { deferred, flush } from './_helpers.js';

describe('abort scope', () => {
  it('aborts its signal and callbacks once, keeping the first reason', () => {
    const scope = createAbortScope();
    const seen: unknown[] = [];
    scope.onAbort((reason) => seen.push(reason));
    const off = scope.onAbort(() => seen.push('unsubscribed'));
    off();
    scope.abort('first');
    scope.abort('second');
    expect(scope.aborted).toBe(true);
    expect(scope.reason).toBe('first');
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe('first');
    expect(seen).toEqual(['first']);
  });
});

describe('raceAbort', () => {
  it('settles like the value, mapping a rejection', async () => {
    const scope = createAbortScope();
    await expect(raceAbort(Promise.resolve(1), scope, () => 'mapped')).resolves.toBe(1);
    await expect(raceAbort(Promise.reject(new Error('x')), scope, () => 'mapped')).rejects.toBe(
      'mapped',
    );
  });

  it('rejects with the reason at once when aborted, and drops the late rejection', async () => {
    const scope = createAbortScope();
    const late = deferred<number>();
    const raced = raceAbort(late.promise, scope, () => 'mapped');
    scope.abort('deadline');
    await expect(raced).rejects.toBe('deadline');
    late.reject(new Error('late'));
    await flush();
  });

  it('rejects with the reason when the scope was already aborted', async () => {
    const scope = createAbortScope();
    scope.abort('gone');
    await expect(raceAbort(Promise.resolve(1), scope, () => 'mapped')).rejects.toBe('gone');
  });
});
