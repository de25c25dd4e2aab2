import {
  type Context,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  trace,
} from '@opentelemetry/api';
import { formatTraceparent, parseTraceparent } from './traceparent.js';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';

function single(value: string | string[] | undefined): string | undefined {
  if (typeof value === 'string') return value;
  // Two traceparent headers make the request's trace ambiguous: the spec says to ignore both.
  if (Array.isArray(value) && value.length === 1) return value[0];
  return undefined;
}

/**
 * A W3C Trace Context propagator (`traceparent` and `tracestate`) on the OTel
 * propagation API, with the strict parsing of {@link parseTraceparent}. Use it
 * where `@opentelemetry/core`'s `W3CTraceContextPropagator` is not installed;
 * it reads and writes the same headers. Extracting an invalid or missing
 * `traceparent` returns the context unchanged; an invalid `tracestate` member
 * is dropped (via the API's `createTraceState`).
 *
 * @example
 * ```ts
 * const propagator = w3cTraceContextPropagator();
 * const parent = propagator.extract(context.active(), request.headers, headersGetter);
 * ```
 */
export function w3cTraceContextPropagator(): TextMapPropagator {
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      const spanContext = trace.getSpanContext(context);
      if (spanContext === undefined || !isSpanContextValid(spanContext)) return;
      setter.set(carrier, TRACEPARENT, formatTraceparent(spanContext));
      const state = spanContext.traceState?.serialize();
      if (state !== undefined && state !== '') setter.set(carrier, TRACESTATE, state);
    },

    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      const parsed = parseTraceparent(single(getter.get(carrier, TRACEPARENT)));
      if (parsed === undefined) return context;
      const spanContext: SpanContext = {
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        traceFlags: parsed.traceFlags,
        isRemote: true,
      };
      const rawState = getter.get(carrier, TRACESTATE);
      // Several tracestate headers are one list, joined (RFC 9110 field combination).
      const state = Array.isArray(rawState) ? rawState.join(',') : rawState;
      if (typeof state === 'string' && state !== '') {
        spanContext.traceState = createTraceState(state);
      }
      return trace.setSpanContext(context, spanContext);
    },

    fields(): string[] {
      return [TRACEPARENT, TRACESTATE];
    },
  };
}
