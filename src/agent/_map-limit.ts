import type { AbortScope } from './_abort-scope.js';

/**
 * Maps `items` through `fn` with at most `limit` calls in flight, keeping the
 * results in input order. Rejects as soon as one call rejects, or with
 * the scope's reason as soon as `scope` aborts; after that no further call
 * starts and the results of calls still in flight are dropped.
 */
export function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  scope: AbortScope,
): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    const results = new Array<R>(items.length);
    let nextIndex = 0;
    let active = 0;
    let completed = 0;
    let settled = false;
    let unsubscribe: (() => void) | undefined;

    const finish = (error?: { reason: unknown }): void => {
      if (settled) return;
      settled = true;
      unsubscribe?.();
      if (error === undefined) resolve(results);
      else reject(error.reason);
    };

    const launch = (): void => {
      while (!settled && active < limit && nextIndex < items.length) {
        const index = nextIndex++;
        active++;
        let call: Promise<R>;
        try {
          call = fn(items[index] as T, index);
        } catch (error) {
          call = Promise.reject(error);
        }
        call.then(
          (value) => {
            active--;
            results[index] = value;
            completed++;
            if (completed === items.length) finish();
            else launch();
          },
          (error: unknown) => finish({ reason: error }),
        );
      }
    };

    if (scope.aborted) {
      reject(scope.reason);
      return;
    }
    if (items.length === 0) {
      resolve(results);
      return;
    }
    unsubscribe = scope.onAbort((reason) => finish({ reason }));
    launch();
  });
}
