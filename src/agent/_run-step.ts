import { ValidationError } from '../errors/families.js';
import type { Memory } from '../memory/memory.js';
import type { StepMetric } from '../observability/metrics.js';
import type { Span } from '../observability/tracing.js';
import type { Principal } from '../principal.js';
import { subscribeAbort, unsubscribeAbort } from '../timing/_abort-subscriptions.js';
import type { Deadline, DeadlineQueue } from '../timing/deadlines.js';
import type { ToolCall, ToolResult } from '../tools/tool.js';
import { createAbortScope } from './_abort-scope.js';
import { isThenable } from './_async.js';
import {
  agentFailed,
  maxCallsExceeded,
  maxRoundsExceeded,
  stepAborted,
  stepTimeout,
} from './_errors.js';
import type { EventHub } from './_event-hub.js';
import type { ResolvedCoordinatorOptions } from './_options.js';
import { StepContext, StepDispatchContext } from './_step-context.js';
import { type RoundStep, ToolRound } from './_tool-round.js';
import type { Agent, AgentContext, ToolOutcome } from './agent.js';
import type { StepOptions } from './coordinator.js';
import type { CoordinatorEvent, StepError } from './events.js';

/** What a step needs to know about the agent it drives. */
export interface AgentRecord<Obs, Act> {
  readonly id: string;
  readonly agent: Agent<Obs, Act>;
  readonly memory: Memory;
  /** Number of steps started so far; the next step gets `steps + 1`. */
  steps: number;
}

/** What a step needs to know about its coordinator. */
export interface StepRuntime<Obs, Act> {
  readonly options: ResolvedCoordinatorOptions;
  readonly events: EventHub<CoordinatorEvent<Obs, Act>>;
  /** Step deadlines (`stepTimeoutMs`), sharing one timer. */
  readonly deadlines: DeadlineQueue;
}

type StepMethod = 'observe' | 'callTools' | 'handleResult' | 'act';

function checkCalls(calls: unknown): string | undefined {
  if (!Array.isArray(calls)) return `callTools must return an array, got ${typeof calls}.`;
  for (let i = 0; i < calls.length; i++) {
    const call: unknown = calls[i];
    if (typeof call !== 'object' || call === null || typeof (call as ToolCall).name !== 'string') {
      return `callTools returned an entry at index ${i} that is not a { name, input } tool call.`;
    }
  }
  return undefined;
}

/**
 * One step: observe, tool rounds, act. The step settles exactly once, in
 * {@link StepRun.finish}: when the agent's work is done, or at the very
 * moment the deadline passes or the caller aborts. An agent method still
 * pending then is abandoned: the body is left waiting on it and, once it
 * settles, stops without calling the agent again. This races the step
 * against its abort once, instead of once per agent method.
 */
class StepRun<Obs, Act> implements RoundStep<Obs, Act> {
  readonly options: ResolvedCoordinatorOptions;
  readonly events: EventHub<CoordinatorEvent<Obs, Act>>;
  readonly agentId: string;
  readonly step: number;
  readonly scope = createAbortScope();
  readonly span: Span;
  readonly dispatchContext: StepDispatchContext;
  readonly startedAt = performance.now();
  ended = false;
  rounds = 0;
  round: ToolRound<Obs, Act> | undefined = undefined;
  deadline: Deadline | undefined = undefined;
  /** The caller's signal, while the step listens to it. */
  callerSignal: AbortSignal | undefined = undefined;

  constructor(
    runtime: StepRuntime<Obs, Act>,
    readonly record: AgentRecord<Obs, Act>,
    readonly principal: Principal | undefined,
    readonly resolve: (action: Act) => void,
    readonly reject: (error: StepError) => void,
    parentSpan?: Span,
  ) {
    const { options } = runtime;
    this.options = options;
    this.events = runtime.events;
    this.agentId = record.id;
    this.step = ++record.steps;
    this.span = options.tracer.startSpan(
      'agent.step',
      { 'agent.id': this.agentId, 'agent.step': this.step },
      parentSpan,
    );
    this.dispatchContext = new StepDispatchContext(
      this.scope,
      this.span,
      principal,
      options.toolTimeoutMs,
    );
  }

  start(runtime: StepRuntime<Obs, Act>, observation: Obs, signal: AbortSignal | undefined): void {
    const { agentId, step, events } = this;
    this.deadline = runtime.deadlines.start(this);
    if (events.wants('step.started')) {
      events.emit({ type: 'step.started', agentId, step, timestamp: Date.now(), observation });
    }
    if (signal !== undefined) {
      if (signal.aborted) {
        this.abort(stepAborted(agentId, signal.reason, step));
      } else {
        // Often the same signal step after step (an agent's or a server's
        // lifetime): a shared subscription spares a listener per step.
        this.callerSignal = signal;
        subscribeAbort(signal, this);
      }
    }
    void this.run(observation);
  }

  /** The caller's signal aborted. */
  signalAborted(): void {
    const signal = this.callerSignal;
    this.abort(stepAborted(this.agentId, signal?.reason, this.step));
  }

  /** The step deadline passed (called by the deadline queue). */
  expired(): void {
    this.abort(stepTimeout(this.agentId, this.options.stepTimeoutMs, { step: this.step }));
  }

  private abort(error: StepError): void {
    if (this.ended) return;
    this.scope.abort(error);
    this.round?.abandon();
    this.finish(false, error);
  }

  private context(round: number): AgentContext {
    const { scope, agentId, record, options, principal, step } = this;
    return new StepContext(scope, agentId, record.memory, options.logger, principal, step, round);
  }

  /**
   * Calls one agent method. A throw, or the rejection of the promise it
   * returns, becomes `agent_failed`. A synchronous result comes back as it
   * is, so the step awaits only what is really pending.
   */
  private call(method: StepMethod, ctx: AgentContext, arg?: unknown): unknown {
    const { agent } = this.record;
    let value: unknown;
    try {
      if (method === 'observe') value = agent.observe(arg as Obs, ctx);
      else if (method === 'callTools') value = agent.callTools(ctx);
      else if (method === 'handleResult') value = agent.handleResult(arg as ToolOutcome, ctx);
      else value = agent.act(ctx);
    } catch (error) {
      throw agentFailed(this.agentId, method, error, this.step);
    }
    if (!isThenable(value)) return value;
    return Promise.resolve(value).then(undefined, (error: unknown) => {
      throw agentFailed(this.agentId, method, error, this.step);
    });
  }

  private async run(observation: Obs): Promise<void> {
    const { options, agentId, step } = this;
    try {
      if (this.ended) return;
      let ctx = this.context(0);
      const observed = this.call('observe', ctx, observation);
      if (isThenable(observed)) await observed;
      for (;;) {
        if (this.ended) return;
        let calls = this.call('callTools', ctx);
        if (isThenable(calls)) calls = await calls;
        if (this.ended) return;
        const problem = checkCalls(calls);
        if (problem !== undefined) {
          const cause = new ValidationError('invalid_input', problem);
          throw agentFailed(agentId, 'callTools', cause, step);
        }
        const list = calls as readonly ToolCall[];
        if (list.length === 0) break;
        if (this.rounds >= options.maxRounds) {
          throw maxRoundsExceeded(agentId, step, options.maxRounds);
        }
        if (list.length > options.maxCallsPerRound) {
          throw maxCallsExceeded(agentId, step, list.length, options.maxCallsPerRound);
        }
        const round = ++this.rounds;
        ctx = this.context(round);
        this.round = new ToolRound(this, list, round);
        const results = await this.round.start();
        this.round = undefined;
        for (let i = 0; i < list.length; i++) {
          if (this.ended) return;
          const outcome = { call: list[i] as ToolCall, result: results[i] as ToolResult };
          const handled = this.call('handleResult', ctx, outcome);
          if (isThenable(handled)) await handled;
        }
      }
      if (this.ended) return;
      let action = this.call('act', ctx);
      if (isThenable(action)) action = await action;
      this.finish(true, action as Act);
    } catch (error) {
      // Everything thrown above is a StepError: agent failures are wrapped by
      // call(), dispatch failures become tool results.
      this.finish(false, error as StepError);
    }
  }

  /** Settles the step once, after its deadline and listener are gone. Later calls are ignored. */
  private finish(ok: true, action: Act): void;
  private finish(ok: false, error: StepError): void;
  private finish(ok: boolean, outcome: Act | StepError): void {
    if (this.ended) return;
    this.ended = true;
    this.deadline?.cancel();
    if (this.callerSignal !== undefined) {
      unsubscribeAbort(this.callerSignal, this);
      this.callerSignal = undefined;
    }
    try {
      this.report(ok, outcome);
    } finally {
      if (ok) this.resolve(outcome as Act);
      else this.reject(outcome as StepError);
    }
  }

  /** Emits `step.finished` or `step.failed`, records the metric and ends the span. */
  private report(ok: boolean, outcome: Act | StepError): void {
    const { events, agentId, step, rounds, span, options } = this;
    const durationMs = performance.now() - this.startedAt;
    let metric: StepMetric;
    if (ok) {
      if (events.wants('step.finished')) {
        const action = outcome as Act;
        const timestamp = Date.now();
        events.emit({
          type: 'step.finished',
          agentId,
          step,
          timestamp,
          action,
          rounds,
          durationMs,
        });
      }
      metric = { agentId, ok: true, rounds, durationMs };
    } else {
      const error = outcome as StepError;
      if (events.wants('step.failed')) {
        const timestamp = Date.now();
        events.emit({ type: 'step.failed', agentId, step, timestamp, error, rounds, durationMs });
      }
      metric = { agentId, ok: false, code: error.code, rounds, durationMs };
    }
    // A recorder, logger or tracer that throws costs its own report, not the step:
    // this may run inside a timer callback or the caller's abort() call.
    try {
      options.metrics.step(metric);
    } catch (error) {
      try {
        options.logger.error('The metrics recorder threw on a step metric.', { agentId, error });
      } catch {}
    }
    try {
      span.setAttribute('agent.rounds', rounds);
      if (!ok) span.recordError(outcome as StepError);
      span.end();
    } catch {}
  }
}

/**
 * Runs one step of `record`'s agent: observe, tool rounds, act. Emits the
 * step's events, records its metric and span, and clears its deadline and
 * listeners on every path. Rejects only with a {@link StepError}; once the
 * deadline passes or the caller aborts, it rejects at once.
 */
export function runStep<Obs, Act>(
  runtime: StepRuntime<Obs, Act>,
  record: AgentRecord<Obs, Act>,
  observation: Obs,
  stepOptions: StepOptions | undefined,
): Promise<Act> {
  return new Promise<Act>((resolve, reject) => {
    const run = new StepRun(
      runtime,
      record,
      stepOptions?.principal,
      resolve,
      reject,
      stepOptions?.span,
    );
    run.start(runtime, observation, stepOptions?.signal);
  });
}
