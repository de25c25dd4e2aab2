import type { AbortSource } from '../tools/_abort-source.js';

/**
 * One step's cancellation: a real `AbortSignal` for agents and the registry,
 * plus a cheap in-process callback list for the coordinator's own waits.
 * Only the scope aborts its controller, so the callbacks see every abort;
 * this keeps `addEventListener` / `removeEventListener` off the hot path.
 *
 * The signal is made on first read: Node's AbortSignal costs microseconds
 * and young-generation space, and most steps end without anyone looking at
 * it. The registry checks {@link AbortSource} fields instead.
 */
export interface AbortScope extends AbortSource {
  /** Aborted together with the scope; its `reason` is the scope's reason. */
  readonly signal: AbortSignal;
  /** Whether the scope was aborted. */
  readonly aborted: boolean;
  /** Why it was aborted (`undefined` before). */
  readonly reason: unknown;
  /** Aborts the signal and runs the callbacks; later calls are ignored. */
  abort(reason: unknown): void;
  /** Runs `callback` on abort (never if already aborted); returns an unsubscribe. */
  onAbort(callback: (reason: unknown) => void): () => void;
}

class Scope implements AbortScope {
  aborted = false;
  reason: unknown = undefined;
  #controller: AbortController | undefined = undefined;
  #callbacks: Set<(reason: unknown) => void> | undefined = undefined;

  get signal(): AbortSignal {
    let controller = this.#controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.#controller = controller;
      if (this.aborted) controller.abort(this.reason);
    }
    return controller.signal;
  }

  abort(why: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = why;
    this.#controller?.abort(why);
    const callbacks = this.#callbacks;
    if (callbacks === undefined) return;
    this.#callbacks = undefined;
    for (const callback of [...callbacks]) callback(why);
  }

  onAbort(callback: (reason: unknown) => void): () => void {
    const callbacks = this.#callbacks ?? new Set();
    this.#callbacks = callbacks;
    callbacks.add(callback);
    return () => {
      callbacks.delete(callback);
    };
  }
}

export function createAbortScope(): AbortScope {
  return new Scope();
}
