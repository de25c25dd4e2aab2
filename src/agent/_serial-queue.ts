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
    const resolvers = drainedResolvers;
    drainedResolvers = [];
    for (const resolve of resolvers) resolve();
  }

  function execute<T>(
    task: () => Promise<T>,
    resolve: (value: T) => void,
    reject: (e: unknown) => void,
  ): void {
    let promise: Promise<T>;
    try {
      promise = task();
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => {
        resolve(value);
        next();
      },
      (error: unknown) => {
        reject(error);
        next();
      },
    );
  }

  return {
    get busy() {
      return busy;
    },
    get waiting() {
      return waiters.length;
    },
    run(task, signal, abortError = (reason) => reason) {
      return new Promise((resolve, reject) => {
        if (!busy) {
          busy = true;
          execute(task, resolve, reject);
          return;
        }
        if (signal?.aborted) {
          reject(abortError(signal.reason));
          return;
        }
        const onAbort = (): void => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) waiters.splice(index, 1);
          reject(abortError(signal?.reason));
        };
        const waiter: Waiter = {
          start() {
            signal?.removeEventListener('abort', onAbort);
            execute(task, resolve, reject);
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
