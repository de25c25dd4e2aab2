import type { MeshClock } from './options.js';

/** A timer that can be cancelled; see {@link TimerSet}. */
export interface TimerHandle {
  /** Stops the timer; idempotent. */
  cancel(): void;
}

/**
 * Every timer a mesh starts, so `close()` can clear them all and the
 * process exits by itself.
 */
export interface TimerSet {
  /** Calls `fn` after `ms`, unless cancelled or cleared first. */
  start(fn: () => void, ms: number): TimerHandle;
  /** Resolves after `ms`; rejects with `reason()` when the set is cleared first. */
  sleep(ms: number): Promise<void>;
  /** Cancels every timer; sleeps reject. Later `start` calls do nothing. */
  clear(reason: () => unknown): void;
}

/** setTimeout fires at once for delays above 2^31-1 ms; longer ones are clamped. */
const MAX_DELAY = 2_147_483_647;

class Timer implements TimerHandle {
  handle: unknown;
  constructor(
    readonly set: Set<Timer>,
    readonly clock: MeshClock,
    readonly onClear: ((reason: unknown) => void) | undefined,
  ) {}
  cancel(): void {
    if (this.set.delete(this)) this.clock.clearTimeout(this.handle);
  }
}

export function createTimerSet(clock: MeshClock): TimerSet {
  const timers = new Set<Timer>();
  let cleared: (() => unknown) | undefined;

  function start(fn: () => void, ms: number, onClear?: (reason: unknown) => void): Timer {
    const timer = new Timer(timers, clock, onClear);
    if (cleared !== undefined) return timer;
    timers.add(timer);
    timer.handle = clock.setTimeout(
      () => {
        if (timers.delete(timer)) fn();
      },
      Math.min(Math.max(0, ms), MAX_DELAY),
    );
    return timer;
  }

  return {
    start: (fn, ms) => start(fn, ms),
    sleep(ms) {
      return new Promise((resolve, reject) => {
        if (cleared !== undefined) reject(cleared());
        else start(resolve, ms, reject);
      });
    },
    clear(reason) {
      cleared = reason;
      for (const timer of [...timers]) {
        timer.cancel();
        timer.onClear?.(reason());
      }
    },
  };
}
