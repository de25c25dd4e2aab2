import type { ToolError } from '../errors/families.js';
import type { Span } from '../observability/tracing.js';
import { subscribeAbort, unsubscribeAbort } from '../timing/_abort-subscriptions.js';
import type { Deadline, Expirable } from '../timing/deadlines.js';
import { abortSourceOf, callerAbort } from './_abort-source.js';
import {
  type RegistryState,
  releaseSlot,
  type ToolEntry,
  unlink,
  type Waiter,
} from './_registry-state.js';
import { registryClosed, toolAborted, toolTimeout } from './_tool-errors.js';
import type { DispatchContext } from './registry.js';
import type { ToolCall, ToolResult } from './tool.js';

// What a call is waiting for when it waits on a promise.
export const W_VALIDATOR = 1;
export const W_POLICY = 2;
export const W_TOOL = 3;
/** setTimeout fires at once for delays above 2^31-1 ms, so longer timeouts are clamped. */
const MAX_TIMER_DELAY = 2_147_483_647;

/** Whether a value is a promise or another thenable (reading `then` the way `await` does). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    ((typeof value === 'object' && value !== null) || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * The asynchronous half of a dispatch: waiting on promises, the deadline
 * timer, the caller's abort, closing, and delivering the result exactly once.
 * None of it is set up until the call first waits, so a call that completes
 * synchronously creates no timer, no listener and no AbortController.
 */
export abstract class CallLifecycle implements Waiter, Expirable {
  name = '';
  callId: string | undefined = undefined;
  entry: ToolEntry | null = null;
  /** This call's own span, when tracing. */
  span: Span | undefined = undefined;
  started = 0;
  timeoutMs: number;
  result: ToolResult | undefined = undefined;
  resolve: ((result: ToolResult) => void) | undefined = undefined;
  waitToken = 0;
  waitKind = 0;
  /** In `state.live`, with a deadline and an abort listener. */
  tracked = false;
  /** The pending deadline (on the registry's shared timers), if the call has one. */
  deadline: Deadline | undefined = undefined;
  /** The caller's signal while this call listens to it. */
  watched: AbortSignal | undefined = undefined;
  /** Stops listening to the caller's {@link AbortSource}, while this call listens to one. */
  unwatch: (() => void) | undefined = undefined;
  controller: AbortController | undefined = undefined;
  stopReason: ToolError | undefined = undefined;
  prev: Waiter | null = null;
  next: Waiter | null = null;
  queued = false;
  holdsSlot = false;
  /** The tool returned a promise that has not settled. */
  toolPending = false;
  /** The call stopped waiting for its pending tool (timeout, caller abort). */
  abandoned = false;

  constructor(
    readonly state: RegistryState,
    readonly call: ToolCall,
    readonly ctx: DispatchContext | undefined,
  ) {
    this.timeoutMs = state.timeoutMs;
  }

  /** The gate gave this waiting call a slot. */
  abstract granted(): void;

  /** Continues after the promise the call waited on (of the given kind) settled. */
  protected abstract resumed(kind: number, value: unknown, rejected: boolean): void;

  /**
   * Waits for a validator's, a hook's or the tool's promise. Promise.resolve
   * adopts foreign thenables, so a thenable that calls back twice, or
   * throws from `then`, still settles once; the token drops anything stale.
   */
  protected wait(thenable: PromiseLike<unknown>, kind: number): void {
    const token = ++this.waitToken;
    this.waitKind = kind;
    let promise: Promise<unknown>;
    try {
      promise = Promise.resolve(thenable);
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(
      (value) => this.resume(token, value, false),
      (error: unknown) => this.resume(token, error, true),
    );
    this.track();
  }

  private resume(token: number, value: unknown, rejected: boolean): void {
    if (token !== this.waitToken) return;
    this.waitToken++;
    const kind = this.waitKind;
    if (kind === W_TOOL) {
      this.toolPending = false;
      releaseSlot(this.state, this.entry as ToolEntry, this);
      // A result that arrives after a timeout or abort is dropped here, silently.
      if (this.result !== undefined) {
        this.retire();
        return;
      }
    } else if (this.result !== undefined) return;
    this.resumed(kind, value, rejected);
  }

  /** Starts the deadline and the caller-abort listener, once, when the call first waits. */
  protected track(): void {
    if (this.tracked || this.result !== undefined) return;
    const state = this.state;
    if (state.closed) {
      // The registry closed during this call's synchronous part: nothing waits for it.
      if (this.toolPending) this.abandoned = true;
      this.stop(registryClosed(this));
      return;
    }
    this.tracked = true;
    state.live.add(this);
    if (this.timeoutMs !== Number.POSITIVE_INFINITY) {
      const delay = Math.min(this.timeoutMs, MAX_TIMER_DELAY);
      this.deadline = state.deadlines.start(delay, this);
    }
    const source = abortSourceOf(this.ctx);
    if (source !== undefined) {
      this.unwatch = source.onAbort(() => this.signalAborted());
      return;
    }
    const signal = this.ctx?.signal;
    if (signal !== undefined) {
      this.watched = signal;
      // Shared with every other call on this signal: one listener, and
      // Node warns past ten listeners on one AbortSignal.
      subscribeAbort(signal, this);
    }
  }

  /** The deadline passed (called by the registry's shared timers). */
  expired(): void {
    this.deadline = undefined;
    if (this.toolPending) this.abandoned = true;
    if (this.result === undefined) this.stop(toolTimeout(this, this.timeoutMs));
    else this.retire();
  }

  /** The caller's signal aborted. */
  signalAborted(): void {
    if (this.result !== undefined) return;
    if (this.toolPending) this.abandoned = true;
    this.stop(toolAborted(this, callerAbort(this.ctx)?.reason));
  }

  /** The registry is closing: refuse this call and tell the tool to stop. */
  shutdown(): void {
    if (this.result !== undefined) return;
    // Without a deadline nothing would end the wait for a stuck tool.
    if (this.toolPending && this.deadline === undefined) this.abandoned = true;
    this.stop(registryClosed(this));
  }

  private stop(error: ToolError): void {
    this.stopReason = error;
    this.fail(error);
    const controller = this.controller;
    if (controller !== undefined) controller.abort(error);
  }

  /** The tool's signal, created on first use (already aborted if the call has stopped). */
  toolSignal(): AbortSignal {
    let controller = this.controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.controller = controller;
      if (this.stopReason !== undefined) controller.abort(this.stopReason);
    }
    return controller.signal;
  }

  protected fail(error: ToolError): void {
    this.settle({ ok: false, error });
  }

  protected settle(result: ToolResult): void {
    if (this.result !== undefined) return;
    this.result = result;
    const entry = this.entry;
    if (this.queued && entry !== null) unlink(entry, this);
    if (this.watched !== undefined) {
      unsubscribeAbort(this.watched, this);
      this.watched = undefined;
    }
    if (this.unwatch !== undefined) {
      this.unwatch();
      this.unwatch = undefined;
    }
    this.report(result);
    this.retire();
    this.resolve?.(result);
  }

  /** Cancels the deadline and leaves `live` once the result is given and the tool settled or was abandoned. */
  private retire(): void {
    if (!this.tracked || this.result === undefined) return;
    if (this.toolPending && !this.abandoned) return;
    this.tracked = false;
    if (this.deadline !== undefined) {
      this.deadline.cancel();
      this.deadline = undefined;
    }
    const state = this.state;
    state.live.delete(this);
    if (state.closed && state.live.size === 0) state.drained?.();
  }

  private report(result: ToolResult): void {
    const metrics = this.state.metrics;
    if (metrics !== undefined) {
      const durationMs = performance.now() - this.started;
      try {
        metrics.toolCall(
          result.ok
            ? { tool: this.name, ok: true, durationMs }
            : { tool: this.name, ok: false, code: result.error.code, durationMs },
        );
      } catch {
        // Recorders must not throw; if one does, the result still goes out.
      }
    }
    const span = this.span;
    if (span === undefined) return;
    try {
      span.setAttribute('tool.ok', result.ok);
      if (!result.ok) {
        span.setAttribute('tool.code', result.error.code);
        span.recordError(result.error);
      }
      span.end();
    } catch {
      // Same for spans.
    }
  }
}
