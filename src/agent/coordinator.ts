import type { Memory } from '../memory/memory.js';
import type { Logger } from '../observability/logger.js';
import type { MetricsRecorder } from '../observability/metrics.js';
import type { Span, Tracer } from '../observability/tracing.js';
import type { Principal } from '../principal.js';
import type { ToolRegistry } from '../tools/registry.js';
import type { Agent } from './agent.js';
import type {
  CoordinatorEvent,
  CoordinatorEventOf,
  CoordinatorEventType,
  CoordinatorListener,
} from './events.js';

/** Options of {@link createCoordinator}. */
export interface CoordinatorOptions {
  /** The registry every tool call is dispatched through. Required; the coordinator never closes it. */
  readonly registry: ToolRegistry;
  /**
   * The memory agents get in their context. A memory you pass stays yours to
   * close; the default one is closed by {@link Coordinator.close}.
   * @defaultValue a fresh `inMemoryMemory()`
   */
  readonly memory?: Memory;
  /**
   * Give each agent `namespaced(memory, agentId)`, so agents cannot read or
   * overwrite each other's keys. With `false` every agent sees the whole memory.
   * @defaultValue true
   */
  readonly namespaceMemory?: boolean;
  /**
   * How many tool rounds one step may run. A step whose agent still asks for
   * tools after this many rounds fails with `max_rounds_exceeded`; `0` means
   * the agent may not call tools at all.
   * @defaultValue 8
   */
  readonly maxRounds?: number;
  /**
   * Deadline of one step, from `observe` to `act`, in milliseconds (time spent
   * waiting behind the agent's earlier steps is not counted). When it passes,
   * the context's signal aborts (tool calls in flight included) and the step
   * fails with `step_timeout`. `initialize` and `cleanup` get the same deadline.
   * @defaultValue 60000
   */
  readonly stepTimeoutMs?: number;
  /**
   * Deadline of each tool call, in milliseconds, passed to the registry as
   * `DispatchContext.timeoutMs`.
   * @defaultValue the registry's own per-call timeout
   */
  readonly toolTimeoutMs?: number;
  /**
   * How many calls of one round are dispatched at once; the rest wait for a free slot.
   * @defaultValue 4
   */
  readonly maxConcurrentToolCalls?: number;
  /**
   * How many calls one round may ask for; more fail the step with `max_calls_exceeded`.
   * @defaultValue 64
   */
  readonly maxCallsPerRound?: number;
  /**
   * How many steps of one agent may wait behind its running step; one more
   * is refused with `agent_busy`.
   * @defaultValue 100
   */
  readonly maxQueuedSteps?: number;
  /** Receives one `step` metric per started step. @defaultValue a no-op recorder */
  readonly metrics?: MetricsRecorder;
  /** Opens one `agent.step` span per step, parent of its tool-call spans. @defaultValue a no-op tracer */
  readonly tracer?: Tracer;
  /** Handed to agents in their context; also logs listener and cleanup failures. @defaultValue a no-op logger */
  readonly logger?: Logger;
}

/** Per-step options of {@link Coordinator.step}. */
export interface StepOptions {
  /** Aborts the step (`step_aborted`), or drops it from the queue if it has not started. */
  readonly signal?: AbortSignal;
  /** The caller on whose behalf the step runs; reaches the agent and every tool call. */
  readonly principal?: Principal;
  /**
   * Parent of the step's `agent.step` span (an HTTP request's span, say), so
   * a step that waited in the agent's queue still joins its caller's trace.
   */
  readonly span?: Span;
}

/**
 * Runs agents: each step is `observe`, then rounds of `callTools` / dispatch /
 * `handleResult` until the agent asks for no tools, then `act`. Different
 * agents step concurrently; one agent's steps run one after another, in the
 * order `step` was called.
 */
export interface Coordinator<Obs = string, Act = string> {
  /**
   * Adds an agent under `id` (trimmed) and runs its `initialize`. Rejects with
   * `invalid_identifier` for a bad id (or, with `namespaceMemory`, one too long
   * to prefix memory keys with), `invalid_input` for an object that is
   * not an agent, `agent_duplicate` when the id is taken, `agent_failed` when
   * `initialize` throws (the agent is then not added), `step_timeout` when it
   * overruns, or `coordinator_closed`.
   */
  add(id: string, agent: Agent<Obs, Act>): Promise<void>;
  /**
   * Removes an agent: new steps are refused at once (`agent_not_found`), the
   * running and queued ones finish, then `cleanup` runs. Rejects with
   * `agent_not_found` for an unknown id, or with `agent_failed` /
   * `step_timeout` when `cleanup` fails (the agent is removed all the same).
   * Calling it again while a removal runs returns the same promise.
   */
  remove(id: string): Promise<void>;
  /** Whether an agent is registered under `id` and accepts steps. */
  has(id: string): boolean;
  /** The ids of the agents that accept steps, in the order they were added. */
  ids(): string[];
  /**
   * Runs one step and resolves with what `act` returned. Rejects with
   * `agent_failed` (an agent method threw; `data.method` says which),
   * `max_rounds_exceeded`, `max_calls_exceeded`, `step_timeout`,
   * `step_aborted`, `agent_not_found`, `agent_busy` or `coordinator_closed`.
   * Tool failures do not fail the step: they reach `handleResult`.
   */
  step(id: string, observation: Obs, options?: StepOptions): Promise<Act>;
  /** Subscribes to one event type; returns a function that unsubscribes. */
  on<T extends CoordinatorEventType>(
    type: T,
    listener: CoordinatorListener<CoordinatorEventOf<T, Obs, Act>>,
  ): () => void;
  /** Subscribes to every event; returns a function that unsubscribes. */
  onAny(listener: CoordinatorListener<CoordinatorEvent<Obs, Act>>): () => void;
  /**
   * Closes the coordinator: new steps and adds are refused with
   * `coordinator_closed`, steps still waiting in a queue are rejected with it,
   * running steps finish (within their deadline), then every agent's `cleanup`
   * runs (failures are logged, not thrown), the default memory is closed and
   * listeners are dropped. Idempotent: later calls return the same promise.
   */
  close(): Promise<void>;
}
