import type { ErrorCode } from '../errors/codes.js';

/** One finished tool call, as reported to {@link MetricsRecorder.toolCall}. */
export interface ToolCallMetric {
  /** The called tool's name (as called, even when not registered). */
  readonly tool: string;
  /** Whether the call produced `{ ok: true }`. */
  readonly ok: boolean;
  /** The error code when `ok` is false. */
  readonly code?: ErrorCode;
  /** Wall time from dispatch to result, in milliseconds. */
  readonly durationMs: number;
}

/** One finished coordinator step, as reported to {@link MetricsRecorder.step}. */
export interface StepMetric {
  /** The agent that stepped. */
  readonly agentId: string;
  /** Whether the step produced an action. */
  readonly ok: boolean;
  /** The error code when `ok` is false. */
  readonly code?: ErrorCode;
  /** Tool rounds the step ran. */
  readonly rounds: number;
  /** Wall time of the whole step, in milliseconds. */
  readonly durationMs: number;
}

/**
 * The metrics contract the core reports to. It speaks in domain events, not
 * counters, so each adapter (Prometheus, OpenTelemetry) chooses its own
 * metric names. Implementations must not throw and must not block.
 */
export interface MetricsRecorder {
  /** Called once per dispatched tool call. */
  toolCall(metric: ToolCallMetric): void;
  /** Called once per coordinator step. */
  step(metric: StepMetric): void;
  /** Called when a call starts waiting for or leaves a tool's concurrency slot. */
  toolInFlight?(tool: string, delta: 1 | -1): void;
}

const noop = (): void => {};

/** A recorder that discards everything; the default. */
export const noopMetrics: MetricsRecorder = Object.freeze({ toolCall: noop, step: noop });
