import { ToolError } from '../errors/families.js';
import type { DispatchContext } from '../tools/registry.js';
import type { ToolCall, ToolResult } from '../tools/tool.js';
import type { EventHub } from './_event-hub.js';
import type { ResolvedCoordinatorOptions } from './_options.js';
import type { CoordinatorEvent } from './events.js';

/** What a tool round needs from the step it belongs to. */
export interface RoundStep<Obs, Act> {
  readonly options: ResolvedCoordinatorOptions;
  readonly events: EventHub<CoordinatorEvent<Obs, Act>>;
  readonly agentId: string;
  readonly step: number;
  readonly dispatchContext: DispatchContext;
  /** Set once the step settles: late tool results of an aborted round are not emitted. */
  readonly ended: boolean;
}

function dispatchThrew(call: ToolCall, error: unknown): ToolResult {
  return {
    ok: false,
    error: new ToolError('tool_failed', `Dispatching '${call.name}' threw.`, {
      data: { tool: call.name },
      cause: error,
    }),
  };
}

/**
 * One round's dispatches: at most `maxConcurrentToolCalls` in flight, each
 * preceded by `tool.called` and followed by `tool.result`, results kept in
 * call order. A dispatch that throws or rejects (the registry contract says
 * it never does; a foreign registry might) becomes a `tool_failed` result.
 * The promise `start()` returns resolves once every call has a result, or
 * at once when the step abandons the round (it was aborted); then no further
 * call starts and results still to come are dropped.
 */
export class ToolRound<Obs, Act> {
  readonly results: ToolResult[];
  #resolve: ((results: ToolResult[]) => void) | undefined = undefined;
  #next = 0;
  #active = 0;
  #completed = 0;
  #settled = false;

  constructor(
    readonly step: RoundStep<Obs, Act>,
    readonly calls: readonly ToolCall[],
    readonly round: number,
  ) {
    this.results = new Array<ToolResult>(calls.length);
  }

  /** Dispatches the first calls; resolves with the results in call order. */
  start(): Promise<ToolResult[]> {
    const done = new Promise<ToolResult[]>((resolve) => {
      this.#resolve = resolve;
    });
    if (this.calls.length === 0) this.#finish();
    else this.#launch();
    return done;
  }

  /** Gives up on the round (the step was aborted): no further call starts, the promise resolves now. */
  abandon(): void {
    this.#finish();
  }

  #finish(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve?.(this.results);
  }

  #launch(): void {
    const limit = this.step.options.maxConcurrentToolCalls;
    while (!this.#settled && this.#active < limit && this.#next < this.calls.length) {
      this.#active++;
      this.#dispatch(this.#next++);
    }
  }

  #dispatch(index: number): void {
    const { step, round } = this;
    const { events, agentId } = step;
    const call = this.calls[index] as ToolCall;
    if (!step.ended && events.wants('tool.called')) {
      const timestamp = Date.now();
      events.emit({ type: 'tool.called', agentId, step: step.step, timestamp, round, index, call });
    }
    const dispatchedAt = performance.now();
    let pending: Promise<ToolResult>;
    try {
      pending = Promise.resolve(step.options.registry.dispatch(call, step.dispatchContext));
    } catch (error) {
      pending = Promise.reject(error);
    }
    pending.then(
      (result) => this.#collect(index, result, dispatchedAt),
      (error: unknown) => this.#collect(index, dispatchThrew(call, error), dispatchedAt),
    );
  }

  #collect(index: number, result: ToolResult, dispatchedAt: number): void {
    const { step, round } = this;
    const { events } = step;
    if (!step.ended && events.wants('tool.result')) {
      const durationMs = performance.now() - dispatchedAt;
      events.emit({
        type: 'tool.result',
        agentId: step.agentId,
        step: step.step,
        timestamp: Date.now(),
        round,
        index,
        call: this.calls[index] as ToolCall,
        result,
        durationMs,
      });
    }
    if (this.#settled) return;
    this.results[index] = result;
    this.#active--;
    this.#completed++;
    if (this.#completed === this.calls.length) this.#finish();
    else this.#launch();
  }
}
