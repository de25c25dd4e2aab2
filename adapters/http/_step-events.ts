import type { CoordinatorEvent } from 'skreaver';
import type { StepEventReport, StepReport, ToolCallReport } from './agent-types.js';

/**
 * Formats epoch times as ISO 8601. Under load many events share a
 * millisecond, so the last answer is kept (formatting dates is not cheap).
 */
export class IsoClock {
  #ms = Number.NaN;
  #iso = '';

  format(ms: number): string {
    if (ms !== this.#ms) {
      this.#ms = ms;
      this.#iso = new Date(ms).toISOString();
    }
    return this.#iso;
  }
}

/** Milliseconds rounded to the microsecond. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function errorJson(error: { readonly code: string; readonly message: string }) {
  return { code: error.code, message: error.message };
}

/** The JSON form of a coordinator event. */
export function eventReport(
  event: CoordinatorEvent<unknown, unknown>,
  clock: IsoClock,
): StepEventReport {
  const base = {
    agentId: event.agentId,
    step: event.step,
    timestamp: clock.format(event.timestamp),
  };
  switch (event.type) {
    case 'step.started':
      return { type: event.type, ...base, observation: event.observation };
    case 'tool.called':
      return {
        type: event.type,
        ...base,
        round: event.round,
        index: event.index,
        call: event.call,
      };
    case 'tool.result':
      return {
        type: event.type,
        ...base,
        round: event.round,
        index: event.index,
        call: event.call,
        result: event.result.ok
          ? { ok: true, output: event.result.output }
          : { ok: false, error: errorJson(event.result.error) },
        durationMs: round(event.durationMs),
      };
    case 'step.finished':
      return {
        type: event.type,
        ...base,
        result: event.action,
        rounds: event.rounds,
        durationMs: round(event.durationMs),
      };
    case 'step.failed':
      return {
        type: event.type,
        ...base,
        error: errorJson(event.error),
        rounds: event.rounds,
        durationMs: round(event.durationMs),
      };
  }
}

/** Gathers one step's events into a {@link StepReport}, and forwards them when asked. */
export class StepCollector {
  readonly toolCalls: ToolCallReport[] = [];
  step = 0;
  rounds = 0;
  durationMs = 0;

  constructor(
    readonly agentId: string,
    readonly onEvent: ((event: StepEventReport) => void) | undefined,
    readonly clock: IsoClock,
  ) {}

  /** Takes one coordinator event of this step. */
  accept(event: CoordinatorEvent<unknown, unknown>): void {
    switch (event.type) {
      case 'step.started':
        this.step = event.step;
        break;
      case 'tool.result': {
        const { call, result } = event;
        const report: {
          name: string;
          id?: string;
          input: unknown;
          round: number;
          ok: boolean;
          output?: unknown;
          error?: { code: string; message: string };
          durationMs: number;
        } = {
          name: call.name,
          input: call.input,
          round: event.round,
          ok: result.ok,
          durationMs: 0,
        };
        if (call.id !== undefined) report.id = call.id;
        if (result.ok) report.output = result.output;
        else report.error = errorJson(result.error);
        report.durationMs = round(event.durationMs);
        this.toolCalls.push(report);
        break;
      }
      case 'step.finished':
      case 'step.failed':
        this.rounds = event.rounds;
        this.durationMs = round(event.durationMs);
        break;
      default:
        break;
    }
    if (this.onEvent !== undefined) this.onEvent(eventReport(event, this.clock));
  }

  /** The report of the finished step. */
  report(result: unknown, now: number): StepReport {
    return {
      agentId: this.agentId,
      step: this.step,
      result,
      toolCalls: this.toolCalls,
      rounds: this.rounds,
      durationMs: this.durationMs,
      timestamp: this.clock.format(now),
    };
  }
}
