interface Waiter {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/** A place in an agent's lane: run now, or wait for {@link Turn.ready}. */
export interface Turn {
  /** Resolves when it is this turn's go; undefined when it may run at once. */
  readonly ready: Promise<void> | undefined;
  /** How many turns were ahead when it was taken (0 = ran at once). */
  readonly position: number;
  /** Gives up a turn that has not started; its `ready` rejects with `reason`. */
  cancel(reason: unknown): void;
}

/**
 * One agent's serial lane: one step runs, at most `maxQueued` wait behind it,
 * first come first served. Each agent has its own lane, so different agents
 * run in parallel (the original held one global lock for all of them).
 */
export class AgentLane {
  #running = false;
  readonly #waiting: Waiter[] = [];
  /** Exponential moving average of step durations, for `Retry-After`. */
  averageMs = 0;

  /** Turns waiting behind the running one. */
  get queued(): number {
    return this.#waiting.length;
  }

  /** Whether a step is running. */
  get running(): boolean {
    return this.#running;
  }

  /** Takes a turn, or returns undefined when `maxQueued` turns already wait. */
  take(maxQueued: number): Turn | undefined {
    if (!this.#running) {
      this.#running = true;
      return { ready: undefined, position: 0, cancel: () => this.leave() };
    }
    if (this.#waiting.length >= maxQueued) return undefined;
    let waiter: Waiter | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    const entry = waiter as Waiter;
    const position = this.#waiting.push(entry);
    return {
      ready,
      position,
      cancel: (reason) => {
        const index = this.#waiting.indexOf(entry);
        if (index === -1) {
          // Already handed the lane: pass it on.
          this.leave();
          return;
        }
        this.#waiting.splice(index, 1);
        entry.reject(reason);
      },
    };
  }

  /** Drops every waiting turn; their `ready` rejects with `reason`. */
  cancelWaiting(reason: unknown): void {
    for (const waiter of this.#waiting.splice(0)) waiter.reject(reason);
  }

  /** Ends the running turn and starts the next one. */
  leave(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#running = false;
    else next.resolve();
  }

  /** Records a finished step's duration. */
  record(durationMs: number): void {
    this.averageMs = this.averageMs === 0 ? durationMs : this.averageMs * 0.8 + durationMs * 0.2;
  }

  /** Milliseconds a new turn would likely wait. */
  expectedWaitMs(): number {
    return this.averageMs * (this.#waiting.length + 1);
  }
}
