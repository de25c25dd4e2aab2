import type { Agent, AgentContext, ToolOutcome } from '../../src/agent/agent.js';
import type { Coordinator } from '../../src/agent/coordinator.js';
import type { CoordinatorEvent } from '../../src/agent/events.js';
import type { Logger } from '../../src/observability/logger.js';
import type { Tool, ToolCall } from '../../src/tools/tool.js';

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * Lets everything that can progress progress: one macrotask turn runs every
 * pending promise callback first. Not for tests with fake timers.
 */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Lets a few rounds of promise callbacks run; safe under fake timers. */
export async function microtasks(times = 20): Promise<void> {
  for (let i = 0; i < times; i++) await Promise.resolve();
}

/** A promise that never settles. */
export function never<T = never>(): Promise<T> {
  return new Promise<T>(() => {});
}

export const echoTool: Tool = {
  name: 'echo',
  description: 'Returns its input',
  inputSchema: {},
  call: (input) => input,
};

export const failTool: Tool = {
  name: 'fail',
  description: 'Always throws',
  inputSchema: {},
  call: () => {
    throw new Error('tool exploded');
  },
};

/** What a scripted agent saw, method by method. */
export interface AgentLog {
  calls: string[];
  outcomes: ToolOutcome[];
  contexts: AgentContext[];
}

/**
 * An agent that asks for `rounds[i]` in its i-th `callTools` of each step,
 * then acts with a summary of the results it received.
 */
export function scriptedAgent(
  rounds: readonly (readonly ToolCall[])[],
  overrides: Partial<Agent<string, string>> = {},
): Agent<string, string> & { log: AgentLog } {
  const log: AgentLog = { calls: [], outcomes: [], contexts: [] };
  let round = 0;
  let seen = '';
  let received = 0;
  return {
    log,
    observe(observation, ctx) {
      log.calls.push('observe');
      log.contexts.push(ctx);
      round = 0;
      received = 0;
      seen = observation;
    },
    callTools(ctx) {
      log.calls.push('callTools');
      log.contexts.push(ctx);
      return rounds[round++] ?? [];
    },
    handleResult(outcome, ctx) {
      log.calls.push('handleResult');
      log.contexts.push(ctx);
      log.outcomes.push(outcome);
      received++;
    },
    act(ctx) {
      log.calls.push('act');
      log.contexts.push(ctx);
      return `${seen}:${received}`;
    },
    ...overrides,
  };
}

/** Collects every event a coordinator emits. */
export function recordEvents<O, A>(coordinator: Coordinator<O, A>): CoordinatorEvent<O, A>[] {
  const events: CoordinatorEvent<O, A>[] = [];
  coordinator.onAny((event) => events.push(event));
  return events;
}

export interface RecordingLogger extends Logger {
  lines: { level: string; message: string; fields: unknown }[];
}

export function recordingLogger(): RecordingLogger {
  const lines: RecordingLogger['lines'] = [];
  const at =
    (level: string) =>
    (message: string, fields?: unknown): void => {
      lines.push({ level, message, fields });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
