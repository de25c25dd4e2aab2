import type {
  MetricsRecorder,
  StepMetric,
  ToolCallMetric,
} from '../../src/observability/metrics.js';
import type { Span, SpanAttributeValue, Tracer } from '../../src/observability/tracing.js';
import type { Tool, ToolResult } from '../../src/tools/tool.js';

/** A metrics recorder that keeps everything it is told. */
export function recordingMetrics(): MetricsRecorder & {
  calls: ToolCallMetric[];
  inFlight: { tool: string; delta: 1 | -1 }[];
} {
  const calls: ToolCallMetric[] = [];
  const inFlight: { tool: string; delta: 1 | -1 }[] = [];
  return {
    calls,
    inFlight,
    toolCall: (metric) => calls.push(metric),
    step: (_metric: StepMetric) => {},
    toolInFlight: (tool, delta) => inFlight.push({ tool, delta }),
  };
}

export interface RecordedSpan extends Span {
  readonly name: string;
  readonly attributes: Record<string, SpanAttributeValue>;
  readonly parent: Span | undefined;
  readonly errors: unknown[];
  ends: number;
}

/** A tracer that keeps every span it starts. */
export function recordingTracer(): Tracer & { spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  return {
    spans,
    startSpan(name, attributes, parent) {
      const span: RecordedSpan = {
        name,
        attributes: { ...attributes },
        parent,
        errors: [],
        ends: 0,
        setAttribute(key, value) {
          span.attributes[key] = value;
        },
        recordError(error) {
          span.errors.push(error);
        },
        end() {
          span.ends++;
        },
      };
      spans.push(span);
      return span;
    },
  };
}

/** A promise with its resolve and reject functions. */
export function deferred<T = unknown>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every queued microtask (and the promise jobs they queue) run. */
export async function flushMicrotasks(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** A tool with an empty-object schema that runs `call`. */
export function tool(name: string, call: Tool['call'], extra: Partial<Tool> = {}): Tool {
  return { name, description: `test tool ${name}`, inputSchema: {}, call, ...extra };
}

/** Collects unhandled rejections while `run` executes and one macrotask after. */
export async function unhandledRejectionsDuring(run: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const listener = (reason: unknown): void => {
    seen.push(reason);
  };
  process.on('unhandledRejection', listener);
  try {
    await run();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('unhandledRejection', listener);
  }
  return seen;
}

/** A foreign thenable (not a promise) whose `then` runs `subscribe`. */
export function thenable(
  subscribe: (ok: (value: unknown) => void, fail: (error: unknown) => void) => void,
): PromiseLike<unknown> {
  // biome-ignore lint/suspicious/noThenProperty: building a non-promise thenable is the point
  return { then: subscribe } as unknown as PromiseLike<unknown>;
}

/** Records a dispatch's result when it settles, so a test can see whether it has yet. */
export function watch(promise: Promise<ToolResult>): { result: ToolResult | undefined } {
  const box: { result: ToolResult | undefined } = { result: undefined };
  void promise.then((result) => {
    box.result = result;
  });
  return box;
}
