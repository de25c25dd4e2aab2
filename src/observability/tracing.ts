/** Attribute values a span may carry. */
export type SpanAttributeValue = string | number | boolean;

/** One timed operation in a trace. */
export interface Span {
  /** Adds or replaces an attribute. */
  setAttribute(key: string, value: SpanAttributeValue): void;
  /** Records a failure on the span and marks it as errored. */
  recordError(error: unknown): void;
  /** Ends the span; later calls are ignored. */
  end(): void;
}

/**
 * The tracing contract the core opens spans through. `skreaver/tracing/otel`
 * implements it on OpenTelemetry; the default does nothing and allocates
 * nothing per call.
 */
export interface Tracer {
  /** Starts a span as a child of `parent` (or of the current trace when absent). */
  startSpan(
    name: string,
    attributes?: Readonly<Record<string, SpanAttributeValue>>,
    parent?: Span,
  ): Span;
}

const noop = (): void => {};
const noopSpan: Span = Object.freeze({ setAttribute: noop, recordError: noop, end: noop });

/** A tracer whose spans do nothing; the default. */
export const noopTracer: Tracer = Object.freeze({ startSpan: () => noopSpan });
