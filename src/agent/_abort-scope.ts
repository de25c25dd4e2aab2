/**
 * One step's cancellation: a real `AbortSignal` for agents and the registry,
 * plus a cheap in-process callback list for the coordinator's own waits.
 * Only the scope aborts its controller, so the callbacks see every abort;
 * this keeps `addEventListener` / `removeEventListener` off the hot path.
 */
export interface AbortScope {
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

export function createAbortScope(): AbortScope {
  const controller = new AbortController();
  const callbacks = new Set<(reason: unknown) => void>();
  let aborted = false;
  let reason: unknown;
  return {
    signal: controller.signal,
    get aborted() {
      return aborted;
    },
    get reason() {
      return reason;
    },
    abort(why) {
      if (aborted) return;
      aborted = true;
      reason = why;
      controller.abort(why);
      for (const callback of [...callbacks]) callback(why);
      callbacks.clear();
    },
    onAbort(callback) {
      callbacks.add(callback);
      return () => {
        callbacks.delete(callback);
      };
    },
  };
}
