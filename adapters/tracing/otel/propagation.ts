import { type Context, context as otelContext } from '@opentelemetry/api';
import {
  type HeadersLike,
  headersGetter,
  headersSetter,
  type MutableHeadersLike,
} from './headers.js';
import { w3cTraceContextPropagator } from './w3c-propagator.js';

/**
 * The OTel context that incoming W3C `traceparent`/`tracestate` headers
 * carry, on top of `base`; `base` itself when they carry no valid one. Start
 * a span with it as parent to continue the caller's trace. (An `otelTracer`
 * has the same method, using its configured propagator.)
 *
 * @example
 * ```ts
 * const parent = extractTraceContext(request.headers);
 * const span = otelApiTracer.startSpan('handle', { kind: SpanKind.SERVER }, parent);
 * ```
 */
export function extractTraceContext(headers: HeadersLike, base?: Context): Context {
  const start = base ?? otelContext.active();
  return w3cTraceContextPropagator().extract(start, headers, headersGetter);
}

/**
 * Writes the W3C `traceparent` (and `tracestate`) of the span in `context`
 * (default: the active context) into outgoing `headers`; writes nothing when
 * there is no valid span.
 */
export function injectTraceContext(headers: MutableHeadersLike, context?: Context): void {
  w3cTraceContextPropagator().inject(context ?? otelContext.active(), headers, headersSetter);
}
