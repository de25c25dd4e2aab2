/**
 * `skreaver/tracing/otel`: the core's `Tracer` on OpenTelemetry
 * (`@opentelemetry/api`, an optional peer dependency), with spans for HTTP
 * requests, coordinator steps and tool calls that continue incoming W3C
 * `traceparent` headers. Importing it registers nothing globally.
 *
 * @packageDocumentation
 */
export type { HeadersLike, MutableHeadersLike } from './headers.js';
export { headersGetter, headersSetter } from './headers.js';
export type { IncomingTraceContext, OtelTracerOptions } from './options.js';
export { otelTracer } from './otel-tracer.js';
export { extractTraceContext, injectTraceContext } from './propagation.js';
export { formatTraceparent, parseTraceparent, type Traceparent } from './traceparent.js';
export type { HttpSpan, HttpSpanRequest, OtelSpan, OtelTracer } from './types.js';
export { w3cTraceContextPropagator } from './w3c-propagator.js';
