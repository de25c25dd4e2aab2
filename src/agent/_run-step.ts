import { ToolError, ValidationError } from '../errors/families.js';
import type { Memory } from '../memory/memory.js';
import type { StepMetric } from '../observability/metrics.js';
import type { Principal } from '../principal.js';
import type { DispatchContext } from '../tools/registry.js';
import type { ToolCall, ToolResult } from '../tools/tool.js';
import { createAbortScope } from './_abort-scope.js';
import { isThenable, raceAbort } from './_async.js';
import {
  agentFailed,
  maxCallsExceeded,
  maxRoundsExceeded,
  stepAborted,
  stepTimeout,
} from './_errors.js';
import type { EventHub } from './_event-hub.js';
import { mapLimit } from './_map-limit.js';
import type { ResolvedCoordinatorOptions } from './_options.js';
import type { Agent, AgentContext } from './agent.js';
import type { StepOptions } from './coordinator.js';
import type { AgentMethod, CoordinatorEvent, StepError } from './events.js';

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
}

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
 * Runs one step of `record`'s agent: observe, tool rounds, act. Emits the
 * step's events, records its metric and span, and clears its timer and
 * listeners on every path. Rejects only with a {@link StepError}.
 */
export async function runStep<Obs, Act>(
  runtime: StepRuntime<Obs, Act>,
  record: AgentRecord<Obs, Act>,
  observation: Obs,
  stepOptions: StepOptions | undefined,
): Promise<Act> {
  const { options, events } = runtime;
  const { agent, id: agentId } = record;
  const step = ++record.steps;
  const startedAt = performance.now();

  const scope = createAbortScope();
  const { signal } = scope;
  const timer = setTimeout(
    () => scope.abort(stepTimeout(agentId, options.stepTimeoutMs, { step })),
    options.stepTimeoutMs,
  );
  const callerSignal = stepOptions?.signal;
  const onCallerAbort = (): void => scope.abort(stepAborted(agentId, callerSignal?.reason, step));
  if (callerSignal !== undefined) {
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener('abort', onCallerAbort, { once: true });
  }

  const span = options.tracer.startSpan('agent.step', { 'agent.id': agentId, 'agent.step': step });
  const principal: Principal | undefined = stepOptions?.principal;
  const dispatchContext: { -readonly [K in keyof DispatchContext]: DispatchContext[K] } = {
    signal,
    span,
  };
  if (principal !== undefined) dispatchContext.principal = principal;
  if (options.toolTimeoutMs !== undefined) dispatchContext.timeoutMs = options.toolTimeoutMs;

  const contextFor = (round: number): AgentContext => {
    const ctx = { agentId, memory: record.memory, signal, logger: options.logger, step, round };
    return principal === undefined ? ctx : { ...ctx, principal };
  };

  let rounds = 0;
  // Set once the step settles: late tool results of an aborted round are not emitted.
  let ended = false;

  const throwIfAborted = (): void => {
    if (scope.aborted) throw scope.reason;
  };

  // Synchronous results skip the race so the common path allocates nothing extra.
  const invoke = <T>(method: AgentMethod, run: () => T | PromiseLike<T>): T | Promise<T> => {
    let value: T | PromiseLike<T>;
    try {
      value = run();
    } catch (error) {
      throw agentFailed(agentId, method, error, step);
    }
    if (!isThenable(value)) return value;
    return raceAbort(value, scope, (error) => agentFailed(agentId, method, error, step));
  };

  const dispatch = async (call: ToolCall, index: number, round: number): Promise<ToolResult> => {
    if (!ended && events.wants('tool.called')) {
      events.emit({
        type: 'tool.called',
        agentId,
        step,
        timestamp: Date.now(),
        round,
        index,
        call,
      });
    }
    const dispatchedAt = performance.now();
    let result: ToolResult;
    try {
      result = await options.registry.dispatch(call, dispatchContext);
    } catch (error) {
      // The registry contract says dispatch never rejects; a foreign registry might.
      result = {
        ok: false,
        error: new ToolError('tool_failed', `Dispatching '${call.name}' threw.`, {
          data: { tool: call.name },
          cause: error,
        }),
      };
    }
    if (!ended && events.wants('tool.result')) {
      const durationMs = performance.now() - dispatchedAt;
      events.emit({
        type: 'tool.result',
        agentId,
        step,
        timestamp: Date.now(),
        round,
        index,
        call,
        result,
        durationMs,
      });
    }
    return result;
  };

  const recordMetric = (metric: StepMetric): void => {
    try {
      options.metrics.step(metric);
    } catch (error) {
      options.logger.error('The metrics recorder threw on a step metric.', { agentId, error });
    }
  };

  if (events.wants('step.started')) {
    events.emit({ type: 'step.started', agentId, step, timestamp: Date.now(), observation });
  }

  try {
    let ctx = contextFor(0);
    throwIfAborted();
    await invoke('observe', () => agent.observe(observation, ctx));
    for (;;) {
      throwIfAborted();
      const calls = await invoke('callTools', () => agent.callTools(ctx));
      const problem = checkCalls(calls);
      if (problem !== undefined) {
        throw agentFailed(
          agentId,
          'callTools',
          new ValidationError('invalid_input', problem),
          step,
        );
      }
      if (calls.length === 0) break;
      if (rounds >= options.maxRounds) throw maxRoundsExceeded(agentId, step, options.maxRounds);
      if (calls.length > options.maxCallsPerRound) {
        throw maxCallsExceeded(agentId, step, calls.length, options.maxCallsPerRound);
      }
      const round = ++rounds;
      ctx = contextFor(round);
      const results = await mapLimit(
        calls,
        options.maxConcurrentToolCalls,
        (call, index) => dispatch(call, index, round),
        scope,
      );
      for (let i = 0; i < calls.length; i++) {
        throwIfAborted();
        const outcome = { call: calls[i] as ToolCall, result: results[i] as ToolResult };
        await invoke('handleResult', () => agent.handleResult(outcome, ctx));
      }
    }
    throwIfAborted();
    const action = await invoke('act', () => agent.act(ctx));
    throwIfAborted();

    ended = true;
    const durationMs = performance.now() - startedAt;
    if (events.wants('step.finished')) {
      events.emit({
        type: 'step.finished',
        agentId,
        step,
        timestamp: Date.now(),
        action,
        rounds,
        durationMs,
      });
    }
    recordMetric({ agentId, ok: true, rounds, durationMs });
    span.setAttribute('agent.rounds', rounds);
    return action;
  } catch (caught) {
    ended = true;
    // Once the signal aborted, its reason wins: an agent that honoured the
    // signal and threw should read as a timeout or abort, not as its own failure.
    // Everything thrown above is already a StepError (agent methods are
    // wrapped by invoke, dispatch failures become tool results).
    const error = (scope.aborted ? scope.reason : caught) as StepError;
    const durationMs = performance.now() - startedAt;
    if (events.wants('step.failed')) {
      events.emit({
        type: 'step.failed',
        agentId,
        step,
        timestamp: Date.now(),
        error,
        rounds,
        durationMs,
      });
    }
    recordMetric({ agentId, ok: false, code: error.code, rounds, durationMs });
    span.setAttribute('agent.rounds', rounds);
    span.recordError(error);
    throw error;
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
    span.end();
  }
}
