import type { Registry } from 'prom-client';
import type { MeshMetricsRecorder, MetricsRecorder } from 'skreaver';

/** One finished HTTP request, as the HTTP runtime reports it to {@link HttpMetricsRecorder.httpRequest}. */
export interface HttpRequestMetric {
  /** The request method; standard methods are kept, others are counted as `other`. */
  readonly method: string;
  /**
   * The matched route pattern (`/agents/:agentId/observe`), never the raw
   * path, so ids in URLs do not become label values. Omit it when no route
   * matched: the request is counted under `unmatched`.
   */
  readonly route?: string;
  /** The response status code. */
  readonly status: number;
  /** Wall time from the request's arrival to the response, in milliseconds. */
  readonly durationMs: number;
  /** The request body size in bytes, when known. */
  readonly requestBytes?: number;
  /** The response body size in bytes, when known (not for streams). */
  readonly responseBytes?: number;
}

/** Results of an authentication attempt (the original's `result` label values). */
export type AuthAttemptResult = 'success' | 'failure' | 'invalid';

/** Which rate limit refused a request (the original's `limit_type` label values). */
export type RateLimitType = 'global' | 'ip' | 'user';

/**
 * What the HTTP runtime reports. Structural: the runtime can accept any object
 * with these methods, not only this adapter's. Methods must not throw.
 */
export interface HttpMetricsRecorder {
  /** Called once per finished request (including 4xx and 5xx). */
  httpRequest(metric: HttpRequestMetric): void;
  /** Called with `1` when a request starts being handled and `-1` when its response is sent. */
  httpInFlight?(delta: 1 | -1): void;
  /** Called with `1` before an agent step run for an HTTP or WebSocket caller, `-1` after it. */
  agentSession?(delta: 1 | -1): void;
  /** Called once per request that carried credentials, or needed them and had none. */
  authAttempt?(result: AuthAttemptResult): void;
  /** Called when a rate limit refuses a request. */
  rateLimitExceeded?(limit: RateLimitType): void;
}

/** Memory operations, in the original's `op` label values. */
export type MemoryOp = 'read' | 'write' | 'backup' | 'restore';

/** One finished memory operation, as `instrumentMemory` reports it. */
export interface MemoryOpMetric {
  /** `read` (load, loadMany, keys), `write` (store, storeMany, delete), `backup` (snapshot) or `restore`. */
  readonly op: MemoryOp;
  /** Whether the operation resolved. */
  readonly ok: boolean;
}

/** What `instrumentMemory` reports to. Methods must not throw. */
export interface MemoryMetricsRecorder {
  /** Called once per finished memory operation. */
  memoryOp(metric: MemoryOpMetric): void;
}

/**
 * A recorder backed by prom-client: the core's `MetricsRecorder` (give it to
 * `createToolRegistry` and `createCoordinator`), the mesh's
 * `MeshMetricsRecorder` (give it to `createMesh`), {@link HttpMetricsRecorder}
 * for the HTTP runtime and {@link MemoryMetricsRecorder} for
 * `instrumentMemory`, plus what a `/metrics` handler serves.
 */
export interface PrometheusMetrics
  extends MetricsRecorder,
    Required<MeshMetricsRecorder>,
    Required<HttpMetricsRecorder>,
    MemoryMetricsRecorder {
  /** Reports slots taken and given back (the core calls it; always present here). */
  toolInFlight(tool: string, delta: 1 | -1): void;
  /** The registry the metrics live in (the injected one, or this recorder's own). */
  readonly registry: Registry;
  /** The `Content-Type` of {@link PrometheusMetrics.metrics}'s text. */
  readonly contentType: string;
  /** The registry's metrics in the Prometheus text exposition format. */
  metrics(): Promise<string>;
  /**
   * Removes this recorder's metrics from the registry (all of it, when the
   * recorder created the registry); later reports are discarded. Idempotent.
   */
  close(): void;
}
