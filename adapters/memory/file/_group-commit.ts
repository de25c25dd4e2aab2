import { isSkreaverError, MemoryError } from 'skreaver';

/** What a group commit needs: the current state as text, and a durable write of it. */
export interface GroupCommitOptions {
  /**
   * The whole state as file text. Called synchronously when a write starts,
   * so the write carries every change made before that moment.
   */
  readonly serialize: () => string | Promise<string>;
  /** Writes the text durably; rejects with a MemoryError. */
  readonly write: (text: string) => Promise<void>;
  /** Wait this long after a change before writing (0: as soon as possible). */
  readonly delayMs: number;
}

/** Coalesces changes into as few durable writes as possible. */
export interface GroupCommit {
  /**
   * Call after changing the state. Resolves once a write made after the
   * change is durable; rejects with that write's error.
   */
  commit(): Promise<void>;
  /** Writes whatever is not yet durable (resolves at once when nothing is). */
  flush(): Promise<void>;
  /** Whether a change is not yet durable, or a write is in flight. */
  readonly busy: boolean;
  /** The error of the last write, until a later write succeeds. */
  readonly failure: Error | undefined;
  /** Rejects every later commit with `error` (after close). */
  end(error: MemoryError): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: while a write is in flight, further changes queue, and the
 * next write (one rewrite of the whole state) settles them all. So N
 * concurrent writes cost about two rewrites, not N.
 */
export function groupCommit(options: GroupCommitOptions): GroupCommit {
  let queue: Waiter[] = [];
  let writing = false;
  let scheduled = false;
  let changes = 0;
  let durable = 0;
  let failure: Error | undefined;
  let ended: MemoryError | undefined;

  function schedule(): void {
    if (writing || scheduled) return;
    scheduled = true;
    // setImmediate, not a microtask: every change made in the current turn
    // of the event loop (a Promise.all of stores) joins the same write.
    if (options.delayMs > 0) setTimeout(run, options.delayMs);
    else setImmediate(run);
  }

  async function run(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    const upTo = changes;
    writing = true;
    try {
      // serialize() is called before any await: the text holds every change so far.
      await options.write(await options.serialize());
      durable = Math.max(durable, upTo);
      failure = undefined;
      for (const waiter of batch) waiter.resolve();
    } catch (error) {
      failure = isSkreaverError(error)
        ? error
        : new MemoryError('memory_io', `Writing the memory file failed: ${String(error)}`, {
            cause: error,
          });
      for (const waiter of batch) waiter.reject(failure);
    } finally {
      writing = false;
      if (queue.length > 0) schedule();
    }
  }

  function enqueue(): Promise<void> {
    if (ended !== undefined) return Promise.reject(ended);
    return new Promise<void>((resolve, reject) => {
      queue.push({ resolve, reject });
      schedule();
    });
  }

  return {
    commit() {
      changes++;
      return enqueue();
    },
    flush() {
      return this.busy ? enqueue() : Promise.resolve();
    },
    get busy() {
      return writing || queue.length > 0 || changes !== durable;
    },
    get failure() {
      return failure;
    },
    end(error: MemoryError) {
      ended = error;
    },
  };
}
