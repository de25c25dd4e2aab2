import {
  type CompiledJsonSchema,
  type Coordinator,
  CoordinatorError,
  isSkreaverError,
  type Span,
} from 'skreaver';
import type { AgentLane, Turn } from './_agent-lane.js';
import type { RollingMean } from './_rolling-mean.js';
import type { IsoClock } from './_step-events.js';
import { StepCollector } from './_step-events.js';
import type { AgentStepOptions, HttpAgentType, StepReport } from './agent-types.js';
import type { HttpMetrics, HttpTracer } from './metrics.js';

/** An agent type with its schemas compiled and its coordinator made. */
export interface ResolvedAgentType {
  readonly name: string;
  readonly definition: HttpAgentType;
  readonly config: CompiledJsonSchema;
  readonly input: CompiledJsonSchema;
  readonly coordinator: Coordinator<unknown, unknown>;
}

/** One agent instance and its counters. */
export interface Instance {
  readonly id: string;
  readonly type: ResolvedAgentType;
  readonly config: Readonly<Record<string, unknown>>;
  readonly createdAt: number;
  readonly lane: AgentLane;
  /**
   * Aborted when the runtime closes: the signal of the steps whose request
   * gave none. One per instance, since its steps run one at a time, so an
   * abort signal never gathers a listener per request in flight.
   */
  readonly stop: AbortController;
  lastActivityAt: number | null;
  steps: number;
  failures: number;
  /** Steps that ran out of time or were dropped from the queue after their request did. */
  timeouts: number;
  /** Steps refused with `agent_busy`. */
  rejections: number;
  /** Durations of the last steps, for the queue metrics. */
  readonly durations: RollingMean;
  removing: Promise<void> | undefined;
  collector: StepCollector | undefined;
}

/** A step that has its place in the agent's lane but has not run yet. */
export interface PendingStep {
  /** Turns that were ahead of it (0 = it runs at once). */
  readonly position: number;
  /**
   * Waits for its turn and runs it. Call exactly once. `abandoned` is asked
   * when the turn comes: true skips the step (the request already gave up).
   */
  run(options?: InternalStepOptions, abandoned?: () => boolean): Promise<StepReport>;
}

/** What the HTTP handlers add to a step's options. */
export interface InternalStepOptions extends AgentStepOptions {
  /** The request's span: the step's span becomes its child (with a tracer that has `withParent`). */
  readonly span?: Span | undefined;
}

/** What running a turn needs besides the instance. */
export interface TurnDeps {
  /** Aborted when the runtime closes. */
  readonly lifetime: AbortSignal;
  readonly clock: IsoClock;
  readonly now: () => number;
  readonly metrics: HttpMetrics;
  readonly tracer: HttpTracer | undefined;
}

/**
 * Runs a step in its turn: waits for the lane (reporting `queued`), skips
 * a step its request abandoned meanwhile, routes the coordinator's events
 * to a collector, updates the counters, and hands the lane on.
 */
export async function runTurn(
  instance: Instance,
  turn: Turn,
  input: unknown,
  options: InternalStepOptions,
  abandoned: (() => boolean) | undefined,
  deps: TurnDeps,
): Promise<StepReport> {
  const { clock, now, metrics, tracer } = deps;
  const { signal, onEvent } = options;
  if (turn.ready !== undefined) {
    onEvent?.({ type: 'queued', agentId: instance.id, position: turn.position });
    const onAbort = (): void => turn.cancel(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await turn.ready;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    if (abandoned?.() === true || signal?.aborted === true || deps.lifetime.aborted) {
      // Observe abandons a step only when its request ran out of time.
      if (abandoned?.() === true) instance.timeouts++;
      instance.lane.leave();
      throw (
        signal?.reason ??
        (deps.lifetime.aborted ? deps.lifetime.reason : undefined) ??
        new CoordinatorError('step_aborted', `A step of agent '${instance.id}' was abandoned.`, {
          data: { agentId: instance.id },
        })
      );
    }
  }
  const collector = new StepCollector(instance.id, onEvent, clock);
  instance.collector = collector;
  try {
    // Without a signal of its own, the step follows the runtime's lifetime
    // (through the instance's own stop signal), so closing the runtime does
    // not wait out its deadline.
    const stepSignal = signal ?? instance.stop.signal;
    const stepOptions =
      options.principal === undefined
        ? { signal: stepSignal }
        : { principal: options.principal, signal: stepSignal };
    metrics.agentSession?.(1);
    const { coordinator } = instance.type;
    const { span } = options;
    // The coordinator opens the step's span synchronously, so withParent reaches it.
    const stepping =
      span !== undefined && tracer?.withParent !== undefined
        ? tracer.withParent(span, () => coordinator.step(instance.id, input, stepOptions))
        : coordinator.step(instance.id, input, stepOptions);
    let action: unknown;
    try {
      action = await stepping;
    } finally {
      metrics.agentSession?.(-1);
    }
    instance.steps++;
    return collector.report(action, now());
  } catch (error) {
    instance.failures++;
    if (isSkreaverError(error, 'step_timeout')) instance.timeouts++;
    throw error;
  } finally {
    instance.collector = undefined;
    instance.lastActivityAt = now();
    instance.lane.record(collector.durationMs);
    instance.durations.add(collector.durationMs);
    instance.lane.leave();
  }
}
