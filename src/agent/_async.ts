import type { AbortScope } from './_abort-scope.js';

/** Whether `value` looks like a promise (has a callable `then`). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Settles like `value`, unless `scope` aborts first: then it rejects with the
 * scope's reason at once and `value` is abandoned. A rejection of `value` is
 * passed through `mapError`. The abandoned promise keeps its handlers, so its
 * late settlement is dropped and never becomes an unhandled rejection.
 */
export function raceAbort<T>(
  value: T | PromiseLike<T>,
  scope: AbortScope,
  mapError: (error: unknown) => unknown,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const unsubscribe = scope.aborted ? undefined : scope.onAbort(reject);
    if (unsubscribe === undefined) reject(scope.reason);
    Promise.resolve(value).then(
      (settled) => {
        unsubscribe?.();
        resolve(settled);
      },
      (error: unknown) => {
        unsubscribe?.();
        reject(mapError(error));
      },
    );
  });
}
