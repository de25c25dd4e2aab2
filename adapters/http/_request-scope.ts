import type { Deadline, DeadlineQueue, Expirable } from 'skreaver';
import { HttpProblem } from './problem.js';

/**
 * One request's deadline and cleanup. The deadline aborts {@link signal} (and
 * so the steps the request runs) when `timeoutMs` passes; the client leaving
 * aborts it too. Deadlines come from one queue per runtime (one timer for
 * every request, not a `setTimeout` each). A streaming handler calls
 * {@link hold} so the scope (its in-flight slot and its deadline) outlives
 * the handler until the stream calls {@link finish}.
 */
export class RequestScope implements Expirable {
  #controller: AbortController | undefined;
  #deadline: Deadline | undefined;
  #onExpire: (() => void) | undefined;
  #finished = false;
  #release: (() => void) | undefined;
  #unfollow: (() => void)[] | undefined;
  /** Whether the deadline passed. */
  timedOut = false;
  /** Whether a streaming response took over the scope. */
  held = false;
  /** Whether a request body is being read right now (a timeout then blames the client). */
  readingBody = false;

  /**
   * @param deadlines - the runtime's request deadlines.
   * @param parent - aborts this scope too (the runtime closing).
   */
  constructor(
    readonly deadlines: DeadlineQueue,
    readonly parent?: AbortSignal,
  ) {}

  /** The request's time limit, in milliseconds. */
  get timeoutMs(): number {
    return this.deadlines.delayMs;
  }

  /** Starts the clock; `onExpire` runs once when it runs out. */
  start(onExpire: () => void, release: () => void): void {
    this.#onExpire = onExpire;
    this.#release = release;
    this.#deadline = this.deadlines.start(this);
  }

  /** The deadline passed (called by the queue). */
  expired(): void {
    this.expire();
  }

  /** Aborted when the deadline passes or the client goes away; its reason is an {@link HttpProblem}. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      const controller = new AbortController();
      this.#controller = controller;
      if (this.parent !== undefined) this.follow(this.parent);
    }
    return this.#controller.signal;
  }

  /** The problem a request that ran out of time is answered with. */
  timeoutProblem(): HttpProblem {
    return this.readingBody
      ? new HttpProblem(
          'client_timeout',
          `The request body did not arrive within ${this.timeoutMs} ms.`,
          { headers: { Connection: 'close' } },
        )
      : new HttpProblem(
          'request_timeout',
          `The request did not complete within ${this.timeoutMs} ms; its work was aborted.`,
        );
  }

  /** Runs out the clock now. */
  expire(): void {
    if (this.timedOut || this.#finished) return;
    this.timedOut = true;
    this.#controller?.abort(this.timeoutProblem());
    this.#onExpire?.();
    // A held scope (a stream) ends when the stream sees the abort and finishes.
  }

  /** Aborts the request's work when `other` aborts (the client left, the runtime closed). */
  follow(other: AbortSignal | undefined): void {
    if (other === undefined) return;
    const abort = (): void => {
      this.#controller?.abort(
        other === this.parent
          ? other.reason
          : new HttpProblem('step_aborted', 'The client closed the connection.', {
              cause: other.reason,
            }),
      );
    };
    if (other.aborted) {
      abort();
      return;
    }
    other.addEventListener('abort', abort, { once: true });
    this.#unfollow ??= [];
    this.#unfollow.push(() => other.removeEventListener('abort', abort));
  }

  /** Keeps the scope open after the handler returned (streams). */
  hold(): void {
    this.held = true;
  }

  /** Ends the scope: clears the timer and frees the in-flight slot. Idempotent. */
  finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    this.#deadline?.cancel();
    if (this.#unfollow !== undefined) for (const unfollow of this.#unfollow) unfollow();
    const release = this.#release;
    this.#release = undefined;
    release?.();
  }
}
