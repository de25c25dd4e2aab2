/**
 * A FIFO that runs one task at a time: a task starts only after every task
 * queued before it has settled. Used to serialise one agent's steps.
 */
export interface SerialQueue {
  /** Whether a task is running now. */
  readonly busy: boolean;
  /** How many tasks wait behind the running one. */
  readonly waiting: number;
  /**
   * Runs `task` once every earlier task has settled and settles like it. If
   * `signal` aborts while the task still waits, the task is dropped from the
   * queue and the promise rejects with `abortError(signal.reason)`.
   */
  run<T>(
    task: () => Promise<T>,
    signal?: AbortSignal,
    abortError?: (reason: unknown) => unknown,
  ): Promise<T>;
  /** Drops every waiting task, rejecting each with `error()`; the running one goes on. */
  cancelWaiting(error: () => unknown): void;
  /** Resolves once no task runs or waits. */
  drained(): Promise<void>;
}

interface Waiter {
  start(): void;
  cancel(error: unknown): void;
}

const sameReason = (reason: unknown): unknown => reason;

export function createSerialQueue(): SerialQueue {
  const waiters: Waiter[] = [];
  let busy = false;
  let drainedResolvers: (() => void)[] = [];

  function next(): void {
    const waiter = waiters.shift();
    if (waiter !== undefined) {
      waiter.start();
      return;
    }
    busy = false;
    if (drainedResolvers.length === 0) return;
    const resolvers = drainedResolvers;
    drainedResolvers = [];
    for (const resolve of resolvers) resolve();
  }

  /**
   * Starts `task` and returns its promise. `next` is the promise's first
   * reaction, so the next task starts before anyone awaiting this one
   * resumes, as it would if the promise were forwarded to a wrapper; an idle
   * queue thus hands back the task's own promise and allocates no wrapper.
   */
  function execute<T>(task: () => Promise<T>): Promise<T> {
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(next, next);
    return promise;
  }

  return {
    get busy() {
      return busy;
    },
    get waiting() {
      return waiters.length;
    },
    run(task, signal, abortError = sameReason) {
      if (!busy) {
        busy = true;
        return execute(task);
      }
      if (signal?.aborted) return Promise.reject(abortError(signal.reason));
      return new Promise((resolve, reject) => {
        const onAbort = (): void => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(abortError(signal?.reason));
        };
        const waiter: Waiter = {
          start() {
            signal?.removeEventListener('abort', onAbort);
            execute(task).then(resolve, reject);
          },
          cancel(error) {
            signal?.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        waiters.push(waiter);
      });
    },
    cancelWaiting(error) {
      for (const waiter of waiters.splice(0)) waiter.cancel(error());
    },
    drained() {
      if (!busy) return Promise.resolve();
      return new Promise((resolve) => drainedResolvers.push(resolve));
    },
  };
}
