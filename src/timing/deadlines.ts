/*
 * Shared deadline timers. A setTimeout plus clearTimeout per step or per
 * tool call costs a Timeout object, a timer-list insertion and a removal;
 * with many calls in flight it shows. Deadlines of one length expire in the
 * order they were started, so each length gets a FIFO (doubly linked, so
 * cancelling is O(1)) with one timer armed for its head. A deadline that is
 * cancelled just leaves the line; the timer is re-armed for the new head
 * only when it fires, and cleared as soon as the line is empty, so nothing
 * idle holds a timer.
 *
 * With `keepIdleTimer`, an empty line keeps its timer armed but no longer
 * holding the process open (`unref`), and the next deadline takes it back
 * (`ref`): work that starts and finishes one at a time (a server answering
 * each request before it reads the next) would otherwise pay a setTimeout
 * and a clearTimeout every time. The idle timer fires once, finds nothing
 * and is gone. Where timers cannot be unref'd (browsers, Deno) it is
 * cleared as usual.
 */

/** Told when its deadline passes (see {@link createDeadlineQueue}). */
export interface Expirable {
  /** The deadline passed. */
  expired(): void;
}

/** A pending deadline; cancel it when the work finished in time. */
export interface Deadline {
  /** Stops the deadline; `expired` will not be called. Idempotent. */
  cancel(): void;
}

/** Options of {@link createDeadlineQueue}. */
export interface DeadlineQueueOptions {
  /**
   * Keep the timer armed (unref'd, so it holds no process open) when no
   * deadline is pending, for the next one to reuse: cheaper when deadlines
   * start and end one at a time, at the price of one idle timer firing
   * once, `delayMs` after the last start. Default `false`: an empty queue
   * clears its timer at once.
   */
  readonly keepIdleTimer?: boolean;
}

/** Deadlines of one fixed length (see {@link createDeadlineQueue}). */
export interface DeadlineQueue {
  /** The length of every deadline of this queue, in milliseconds. */
  readonly delayMs: number;
  /** Calls `owner.expired()` once the queue's delay has passed, unless cancelled first. */
  start(owner: Expirable): Deadline;
}

/**
 * Deadlines of any length: one queue (and at most one timer) per length in use.
 * @internal
 */
export interface Deadlines {
  /** Calls `owner.expired()` once `delayMs` has passed, unless cancelled first. */
  start(delayMs: number, owner: Expirable): Deadline;
}

class Entry implements Deadline {
  prev: Entry | null = null;
  next: Entry | null = null;
  pending = true;

  constructor(
    readonly queue: Queue,
    readonly at: number,
    readonly owner: Expirable,
  ) {}

  cancel(): void {
    this.queue.cancel(this);
  }
}

class Queue implements DeadlineQueue {
  head: Entry | null = null;
  tail: Entry | null = null;
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Whether the timer holds the process open (it does not while the line is empty). */
  refed = false;
  /** The entry the timer was armed for: it expires when the timer fires, whatever the clock says. */
  armedFor: Entry | null = null;
  readonly onTimer = (): void => this.fire();

  constructor(
    readonly delayMs: number,
    /** Called when the last pending deadline left and no timer is armed. */
    readonly onEmpty: (() => void) | undefined = undefined,
    readonly keepIdleTimer = false,
  ) {}

  start(owner: Expirable): Deadline {
    const entry = new Entry(this, performance.now() + this.delayMs, owner);
    entry.prev = this.tail;
    if (this.tail === null) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    const timer = this.timer;
    if (timer === undefined) this.arm(entry, this.delayMs);
    else if (!this.refed) {
      // Armed for a deadline that was cancelled: it fires no later than
      // this one is due, and re-arms for it then.
      (timer as { ref(): void }).ref();
      this.refed = true;
    }
    return entry;
  }

  cancel(entry: Entry): void {
    if (!entry.pending) return;
    this.unlink(entry);
    if (this.head === null) this.idle();
  }

  /**
   * The line is empty: the timer may stay, but must not keep the process
   * alive. `onEmpty` runs once the queue holds neither deadlines nor a timer.
   */
  private idle(): void {
    const timer = this.timer;
    if (
      this.keepIdleTimer &&
      timer !== undefined &&
      typeof (timer as { unref?: unknown }).unref === 'function'
    ) {
      if (this.refed) (timer as { unref(): void }).unref();
      this.refed = false;
      return;
    }
    if (timer !== undefined) clearTimeout(timer);
    this.timer = undefined;
    this.armedFor = null;
    this.onEmpty?.();
  }

  private arm(entry: Entry, delay: number): void {
    this.armedFor = entry;
    this.timer = setTimeout(this.onTimer, delay);
    this.refed = true;
  }

  private unlink(entry: Entry): void {
    entry.pending = false;
    if (entry.prev === null) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === null) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = null;
    entry.next = null;
  }

  private fire(): void {
    this.timer = undefined;
    this.refed = false;
    const armed = this.armedFor;
    this.armedFor = null;
    const now = performance.now();
    // Taken out of line, and the timer re-armed, before any owner is told,
    // so an owner that starts or cancels deadlines finds the queue consistent.
    const expired: Entry[] = [];
    for (let entry = this.head; entry !== null && (entry === armed || entry.at <= now); ) {
      const next = entry.next;
      this.unlink(entry);
      expired.push(entry);
      entry = next;
    }
    if (this.head !== null) this.arm(this.head, this.head.at - now);
    else this.onEmpty?.();
    for (const entry of expired) entry.owner.expired();
  }
}

/**
 * Creates a {@link DeadlineQueue} whose deadlines all lie `delayMs` after
 * their start: for many short-lived operations with one timeout (requests,
 * steps), it costs one timer for all of them instead of a `setTimeout` and a
 * `clearTimeout` each. Owners are told in the order their deadlines started.
 *
 * @example
 * ```ts
 * const deadlines = createDeadlineQueue(30_000);
 * const deadline = deadlines.start({ expired: () => controller.abort() });
 * try {
 *   await work(controller.signal);
 * } finally {
 *   deadline.cancel();
 * }
 * ```
 */
export function createDeadlineQueue(
  delayMs: number,
  options: DeadlineQueueOptions = {},
): DeadlineQueue {
  return new Queue(delayMs, undefined, options.keepIdleTimer === true);
}

/**
 * Creates {@link Deadlines}; a length's queue is dropped once none of its deadlines is pending.
 * @internal
 */
export function createDeadlines(): Deadlines {
  const queues = new Map<number, Queue>();
  return {
    start(delayMs, owner) {
      let queue = queues.get(delayMs);
      if (queue === undefined) {
        const created = new Queue(delayMs, () => {
          if (queues.get(delayMs) === created) queues.delete(delayMs);
        });
        queues.set(delayMs, created);
        queue = created;
      }
      return queue.start(owner);
    },
  };
}
