/**
 * `skreaver/metrics/prometheus`: the core's metrics contracts on prom-client
 * (an optional peer dependency), with the original's metric names, capped
 * label cardinality and a `/metrics` text that holds real values.
 *
 * @packageDocumentation
 */
export type { ErrorKind } from './_error-kind.js';
export { instrumentMemory } from './instrument-memory.js';
export {
  type CappedLabel,
  PROMETHEUS_METRICS_DEFAULTS,
  type PrometheusBuckets,
  type PrometheusMetricsOptions,
} from './options.js';
export { prometheusMetrics } from './prometheus-metrics.js';
export type {
  AuthAttemptResult,
  HttpMetricsRecorder,
  HttpRequestMetric,
  MemoryMetricsRecorder,
  MemoryOp,
  MemoryOpMetric,
  PrometheusMetrics,
  RateLimitType,
} from './types.js';
