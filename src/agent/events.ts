import type { AgentError, CoordinatorError } from '../errors/families.js';
import type { ToolCall, ToolResult } from '../tools/tool.js';

/** The agent methods a coordinator calls, as named in `agent_failed` errors. */
export type AgentMethod =
  | 'initialize'
  | 'observe'
  | 'callTools'
  | 'handleResult'
  | 'act'
  | 'cleanup';

/** The `data` of an `agent_failed` error raised by the coordinator. */
export interface AgentFailureData {
  /** The agent whose method failed. */
  readonly agentId: string;
  /** The method that threw or rejected. */
  readonly method: AgentMethod;
  /** The step during which it failed; absent for `initialize` and `cleanup`. */
  readonly step?: number;
}

/**
 * Why a step failed: an agent method threw (`agent_failed`), or the
 * coordinator stopped it (`max_rounds_exceeded`, `max_calls_exceeded`,
 * `step_timeout`, `step_aborted`).
 */
export type StepError = AgentError<AgentFailureData> | CoordinatorError;

/** Fields every coordinator event carries. */
export interface StepEventBase {
  /** The agent that is stepping. */
  readonly agentId: string;
  /** The agent's 1-based step number. */
  readonly step: number;
  /** When the event was emitted, in milliseconds since the Unix epoch. */
  readonly timestamp: number;
}

/** A step began: emitted before `observe`. */
export interface StepStartedEvent<Obs = unknown> extends StepEventBase {
  /** The event kind. */
  readonly type: 'step.started';
  /** The observation the step was given. */
  readonly observation: Obs;
}

/** A tool call is about to be dispatched. */
export interface ToolCalledEvent extends StepEventBase {
  /** The event kind. */
  readonly type: 'tool.called';
  /** The 1-based tool round the call belongs to. */
  readonly round: number;
  /** The call's 0-based position in the list `callTools` returned. */
  readonly index: number;
  /** The call as the agent asked for it. */
  readonly call: ToolCall;
}

/** A dispatched tool call produced its result. */
export interface ToolResultEvent extends StepEventBase {
  /** The event kind. */
  readonly type: 'tool.result';
  /** The 1-based tool round the call belongs to. */
  readonly round: number;
  /** The call's 0-based position in the list `callTools` returned. */
  readonly index: number;
  /** The call as the agent asked for it. */
  readonly call: ToolCall;
  /** What came of it (failures included: not found, timed out, ...). */
  readonly result: ToolResult;
  /** Wall time of the dispatch, in milliseconds. */
  readonly durationMs: number;
}

/** A step produced its action. Always the step's last event. */
export interface StepFinishedEvent<Act = unknown> extends StepEventBase {
  /** The event kind. */
  readonly type: 'step.finished';
  /** What `act` returned. */
  readonly action: Act;
  /** How many tool rounds the step ran. */
  readonly rounds: number;
  /** Wall time of the step, in milliseconds. */
  readonly durationMs: number;
}

/** A step failed. Always the step's last event. */
export interface StepFailedEvent extends StepEventBase {
  /** The event kind. */
  readonly type: 'step.failed';
  /** The error the step rejects with. */
  readonly error: StepError;
  /** How many tool rounds had started when it failed. */
  readonly rounds: number;
  /** Wall time of the step, in milliseconds. */
  readonly durationMs: number;
}

/**
 * Everything a coordinator emits, discriminated on `type`. A started step
 * emits `step.started`, then `tool.called` / `tool.result` pairs, then exactly
 * one `step.finished` or `step.failed`, which is always its last event (a
 * `tool.called` may lack its `tool.result` when the step failed mid-round).
 */
export type CoordinatorEvent<Obs = unknown, Act = unknown> =
  | StepStartedEvent<Obs>
  | ToolCalledEvent
  | ToolResultEvent
  | StepFinishedEvent<Act>
  | StepFailedEvent;

/** The `type` of a {@link CoordinatorEvent}. */
export type CoordinatorEventType = CoordinatorEvent['type'];

/** The event whose `type` is `T`. */
export type CoordinatorEventOf<
  T extends CoordinatorEventType,
  Obs = unknown,
  Act = unknown,
> = Extract<CoordinatorEvent<Obs, Act>, { readonly type: T }>;

/**
 * Receives coordinator events. Runs synchronously inside the step; a listener
 * that throws (or returns a rejected promise) is logged and ignored.
 */
export type CoordinatorListener<E> = (event: E) => void;
