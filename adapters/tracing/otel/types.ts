import type { Span as ApiSpan, Tracer as ApiTracer, Context } from '@opentelemetry/api';
import type { Span, SpanAttributeValue, Tracer } from 'skreaver';
import type { HeadersLike, MutableHeadersLike } from './headers.js';

/** A core `Span` made by {@link OtelTracer}, with its OpenTelemetry side exposed. */
export interface OtelSpan extends Span {
  /** The OTel span behind it. */
  readonly span: ApiSpan;
  /** An OTel context with this span active: for `context.with(...)` or OTel-instrumented code. */
  readonly context: Context;
  /** The trace id (32 hex digits; all zero when the tracer does not record). */
  readonly traceId: string;
  /** The span id (16 hex digits; all zero when the tracer does not record). */
  readonly spanId: string;
  /** This span as a `traceparent` value, or undefined when the tracer does not record. */
  readonly traceparent: string | undefined;
  /** Whether `end()` was called. */
  readonly ended: boolean;
}

/** What {@link OtelTracer.startHttpSpan} needs to know about an incoming request. */
export interface HttpSpanRequest {
  /** The request method. */
  readonly method: string;
  /**
   * The request URL. Its path, scheme, host and port become attributes; the
   * query string does not (it may hold secrets).
   */
  readonly url?: string | URL;
  /**
   * The matched route pattern (`/agents/:agentId/observe`), when known now;
   * else call {@link HttpSpan.setRoute} once routing is done.
   */
  readonly route?: string;
  /** The request headers: `traceparent`, `tracestate` and `user-agent` are read. */
  readonly headers?: HeadersLike;
  /** The client's address (`client.address`). */
  readonly clientAddress?: string;
  /** More attributes to set on the span. */
  readonly attributes?: Readonly<Record<string, SpanAttributeValue>>;
}

/** The server span of one HTTP request. */
export interface HttpSpan extends OtelSpan {
  /** Sets `http.route` and renames the span `{method} {route}`. */
  setRoute(route: string): void;
  /**
   * Sets `http.response.status_code`; a 5xx status marks the span as failed
   * (4xx does not: for a server span the client erred, not the server).
   */
  setResponseStatus(status: number): void;
}

/**
 * The core's `Tracer` on OpenTelemetry (give it to `createToolRegistry` and
 * `createCoordinator`), plus what the HTTP runtime needs to continue an
 * incoming trace.
 */
export interface OtelTracer extends Tracer {
  /** The OTel tracer spans are made with. */
  readonly tracer: ApiTracer;
  /**
   * Starts a span. The parent is `parent` when it came from an `otelTracer`;
   * otherwise the one set by {@link OtelTracer.withParent}, otherwise OTel's
   * active context. The core's `tool.call` and `agent.step` spans get
   * semantic-convention names (`execute_tool {tool}`, `invoke_agent {agent}`)
   * and attributes; other names pass through.
   */
  startSpan(
    name: string,
    attributes?: Readonly<Record<string, SpanAttributeValue>>,
    parent?: Span,
  ): OtelSpan;
  /**
   * Starts the `SERVER` span of an incoming request, continuing the caller's
   * trace from its `traceparent`/`tracestate` headers (see the
   * `incomingTraceContext` option).
   */
  startHttpSpan(request: HttpSpanRequest): HttpSpan;
  /**
   * The OTel context the incoming `headers` carry, on top of `base`
   * (default: the active context); `base` itself when they carry none.
   */
  extractTraceContext(headers: HeadersLike, base?: Context): Context;
  /** Writes `span`'s trace context (default: the active span's) into outgoing headers. */
  injectTraceContext(headers: MutableHeadersLike, span?: Span): void;
  /**
   * Runs `fn` with `parent` as the parent of spans this tracer starts without
   * one, and as OTel's active context (which reaches async work only when a
   * context manager is registered). Returns what `fn` returns.
   */
  withParent<T>(parent: Span | Context, fn: () => T): T;
}
