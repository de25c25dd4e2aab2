import type { TextMapPropagator, Tracer } from '@opentelemetry/api';

/** What an incoming request's `traceparent` does to its server span. */
export type IncomingTraceContext = 'parent' | 'link' | 'ignore';

/** Options of {@link otelTracer}. */
export interface OtelTracerOptions {
  /**
   * The OpenTelemetry tracer spans are made with (from your
   * `TracerProvider.getTracer(...)`).
   * @defaultValue `trace.getTracer(name, version)`: the global provider's, a no-op until you register one
   */
  readonly tracer?: Tracer;
  /**
   * The instrumentation scope name used when `tracer` is absent.
   * @defaultValue 'skreaver'
   */
  readonly name?: string;
  /**
   * The instrumentation scope version used when `tracer` is absent.
   * @defaultValue undefined
   */
  readonly version?: string;
  /**
   * Reads and writes trace context in headers. Give OTel's
   * `propagation` API object (or a composite propagator) to use what your SDK
   * registered, such as W3C Baggage beside Trace Context.
   * @defaultValue `w3cTraceContextPropagator()`
   */
  readonly propagator?: Pick<TextMapPropagator, 'extract' | 'inject'>;
  /**
   * How `startHttpSpan` treats a valid incoming `traceparent`: `parent`
   * continues the caller's trace (the request span is its child); `link`
   * starts a new trace and links the caller's span, for public endpoints
   * whose callers should not choose your trace ids or sampling; `ignore`
   * starts a new trace.
   * @defaultValue 'parent'
   */
  readonly incomingTraceContext?: IncomingTraceContext;
  /**
   * Whether `recordError` also adds an `exception` event (type, message and
   * stack trace) besides the error status and attributes.
   * @defaultValue true
   */
  readonly recordExceptions?: boolean;
}
