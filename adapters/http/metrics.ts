import type {
  MetricsRecorder,
  Span,
  SpanAttributeValue,
  StepMetric,
  ToolCallMetric,
  Tracer,
} from 'skreaver';

/** One finished HTTP request, as reported to {@link HttpMetrics.httpRequest}. */
export interface HttpRequestMetric {
  /**
   * The route pattern (`/agents/{id}/observe`), `unmatched` for unknown
   * paths: a bounded set, safe as a metric label.
   */
  readonly route: string;
  /** The request method. */
  readonly method: string;
  /** The response status. */
  readonly status: number;
  /** Time from the request's arrival to its response head, in milliseconds. */
  readonly durationMs: number;
  /** The request body size, when it had a `Content-Length`. */
  readonly requestBytes?: number;
  /** The response body size, for the runtime's own (non-streaming, uncompressed) answers. */
  readonly responseBytes?: number;
}

/** Which limit refused a request, as reported to {@link HttpMetrics.limitExceeded}. */
export type HttpLimitKind =
  | 'rate_ip'
  | 'rate_principal'
  | 'rate_global'
  | 'in_flight'
  | 'in_flight_ip'
  | 'queue'
  | 'timeout';

/**
 * How an authentication attempt ended (the original's `result` values):
 * `success`; `failure` (no credentials, or an unknown, expired or revoked
 * key or token); `invalid` (a malformed header or token).
 */
export type HttpAuthResult = 'success' | 'failure' | 'invalid';

/**
 * The metrics the HTTP runtime reports. Every method is optional and must
 * neither throw nor block. `skreaver/metrics/prometheus`'s recorder fits as
 * it is; any object with some of these methods does. The core's
 * `MetricsRecorder` events (`step`, `toolCall`, `toolInFlight`) are
 * forwarded from the runtime's coordinators and, when the runtime builds
 * it, its tool registry.
 *
 * @example
 * ```ts
 * const counts = new Map<number, number>();
 * const metrics: HttpMetrics = {
 *   httpRequest: ({ status }) => counts.set(status, (counts.get(status) ?? 0) + 1),
 *   render: () => [...counts].map(([s, n]) => `http_responses{status="${s}"} ${n}`).join('\n'),
 * };
 * ```
 */
export interface HttpMetrics extends Partial<MetricsRecorder> {
  /** Called once per request, when its response head is ready. */
  httpRequest?(metric: HttpRequestMetric): void;
  /** Called when a request starts (+1) or stops (-1) counting against `limits.maxInFlight`. */
  httpInFlight?(delta: 1 | -1): void;
  /** Called with +1 before a step runs for an HTTP caller and -1 after it. */
  agentSession?(delta: 1 | -1): void;
  /** Called once per request to a protected route. */
  authAttempt?(result: HttpAuthResult, method: 'jwt' | 'api_key' | 'none'): void;
  /** Called when a token bucket refuses a request (the original's `limit_type` values). */
  rateLimitExceeded?(limit: 'global' | 'ip' | 'user'): void;
  /** Called whenever any limit refuses a request (rate limits included). */
  limitExceeded?(limit: HttpLimitKind): void;
  /**
   * The text `GET /metrics` serves (Prometheus exposition format). Without
   * it (or {@link metrics}) the runtime serves a few gauges of its own.
   */
  render?(): string | Promise<string>;
  /** The same as {@link render}, by the name `skreaver/metrics/prometheus` gives it. */
  metrics?(): string | Promise<string>;
  /** The content type of the served text. @defaultValue 'text/plain; version=0.0.4; charset=utf-8' */
  readonly contentType?: string;
}

/** What the runtime can use of a tracer beyond the core's `Tracer` (`skreaver/tracing/otel` has both). */
export interface HttpTracer extends Tracer {
  /** Starts the server span of a request, continuing the caller's trace (`traceparent`). */
  startHttpSpan?(request: {
    readonly method: string;
    readonly url?: string;
    readonly headers?: Headers;
    readonly clientAddress?: string;
    readonly attributes?: Readonly<Record<string, SpanAttributeValue>>;
  }): Span & { setRoute?(route: string): void; setResponseStatus?(status: number): void };
  /** Runs `fn` with `parent` as the parent of spans started without one (the step's span). */
  withParent?<T>(parent: Span, fn: () => T): T;
}

const noop = (): void => {};

/** A core `MetricsRecorder` that forwards to `metrics` (or discards). */
export function coreRecorder(metrics: HttpMetrics): MetricsRecorder {
  const recorder: {
    toolCall: (metric: ToolCallMetric) => void;
    step: (metric: StepMetric) => void;
    toolInFlight?: (tool: string, delta: 1 | -1) => void;
  } = {
    toolCall: metrics.toolCall === undefined ? noop : (m) => metrics.toolCall?.(m),
    step: metrics.step === undefined ? noop : (m) => metrics.step?.(m),
  };
  if (metrics.toolInFlight !== undefined) {
    recorder.toolInFlight = (tool, delta) => metrics.toolInFlight?.(tool, delta);
  }
  return recorder;
}
