import type { Registry } from 'prom-client';
import type { Logger } from 'skreaver';

/** The labels whose values come from names users or callers choose, and are therefore capped. */
export type CappedLabel = 'tool' | 'route' | 'agent_id' | 'reason';

/** Bucket boundaries of the histograms, by what they measure. */
export interface PrometheusBuckets {
  /**
   * Tool calls, HTTP requests, mesh handlers and memory operations, in seconds.
   * @defaultValue the original's `[0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10]`
   */
  readonly latency?: readonly number[];
  /**
   * Coordinator steps, in seconds (a step waits for models and tools, so it runs longer).
   * @defaultValue `[0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]`
   */
  readonly step?: readonly number[];
  /**
   * HTTP request and response bodies, in bytes.
   * @defaultValue the original's `[100, 1000, 10000, 100000, 1000000, 10000000]`
   */
  readonly size?: readonly number[];
  /**
   * Tool rounds per coordinator step.
   * @defaultValue `[0, 1, 2, 3, 4, 6, 8, 16]`
   */
  readonly rounds?: readonly number[];
}

/** Options of {@link prometheusMetrics}. */
export interface PrometheusMetricsOptions {
  /**
   * The prom-client registry the metrics are registered in. Give yours to
   * serve them beside other metrics; two recorders on one registry need
   * different prefixes. prom-client's global `register` is never used unless
   * you pass it here.
   * @defaultValue a new `Registry` owned by this recorder
   */
  readonly registry?: Registry;
  /**
   * Prepended to every metric name. It must be a valid Prometheus name start
   * (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or empty; the original's namespace
   * `skreaver` gave the same names.
   * @defaultValue 'skreaver_'
   */
  readonly prefix?: string;
  /**
   * Labels added to every metric of this recorder (`{ service: 'api' }`).
   * Names follow `[a-zA-Z_][a-zA-Z0-9_]*`, must not start with `__` and must
   * not clash with a metric's own labels. Unlike `Registry.setDefaultLabels`,
   * they do not touch other metrics of an injected registry.
   * @defaultValue `{}`
   */
  readonly defaultLabels?: Readonly<Record<string, string>>;
  /**
   * Histogram bucket boundaries; each list strictly increasing and finite.
   * @defaultValue see {@link PrometheusBuckets}
   */
  readonly buckets?: PrometheusBuckets;
  /**
   * Distinct values kept per capped label (`tool`, `route`, `agent_id`,
   * `reason`); later new values are counted under `other`. A number applies
   * to every capped label; an object sets some and keeps the defaults for the
   * rest. The first values seen keep their slots for the recorder's lifetime.
   * @defaultValue `{ tool: 20, route: 30, agent_id: 20, reason: 20 }` (the original's caps: 20 tools, 30 routes)
   */
  readonly maxLabelValues?: number | Readonly<Partial<Record<CappedLabel, number>>>;
  /**
   * Also registers prom-client's default Node metrics (CPU, memory, event
   * loop lag, GC) in the registry, with the same prefix. They install a GC
   * observer and an event-loop-delay monitor that stay for the process's
   * lifetime, so turn this on once per process.
   * @defaultValue false
   */
  readonly collectDefaultMetrics?: boolean;
  /**
   * Where a failure inside the recorder is logged; recording never throws.
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
}

/** The defaults of {@link PrometheusMetricsOptions}. */
export const PROMETHEUS_METRICS_DEFAULTS = Object.freeze({
  prefix: 'skreaver_',
  buckets: Object.freeze({
    latency: Object.freeze([0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2.5, 5, 10]),
    step: Object.freeze([0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]),
    size: Object.freeze([100, 1e3, 1e4, 1e5, 1e6, 1e7]),
    rounds: Object.freeze([0, 1, 2, 3, 4, 6, 8, 16]),
  }),
  maxLabelValues: Object.freeze({ tool: 20, route: 30, agent_id: 20, reason: 20 }),
  collectDefaultMetrics: false,
});
