import {
  type Span as ApiSpan,
  type Attributes,
  type AttributeValue,
  type Context,
  type Exception,
  isSpanContextValid,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { isSkreaverError, type SpanAttributeValue } from 'skreaver';
import { formatTraceparent } from './traceparent.js';
import type { OtelSpan } from './types.js';

/**
 * Where a span handle keeps its OTel context. `Symbol.for` so a handle from
 * another copy of this adapter still works as a parent.
 */
export const OTEL_CONTEXT = Symbol.for('skreaver.tracing.otel.context');

/** The OTel context a core span carries, if it came from an `otelTracer`. */
export function contextOf(span: unknown): Context | undefined {
  if (typeof span !== 'object' || span === null) return undefined;
  const context = (span as { [OTEL_CONTEXT]?: unknown })[OTEL_CONTEXT];
  return typeof context === 'object' && context !== null ? (context as Context) : undefined;
}

/**
 * The core's attribute names and the OTel semantic-convention names they are
 * written as (GenAI conventions for agents and tools; `skreaver.*` where no
 * convention exists). Keys not listed are written unchanged.
 */
export const ATTRIBUTE_NAMES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'tool.name': ['gen_ai.tool.name'],
  'tool.call_id': ['gen_ai.tool.call.id'],
  'tool.ok': ['skreaver.tool.ok'],
  'tool.code': ['skreaver.error.code', 'error.type'],
  'agent.id': ['gen_ai.agent.id', 'gen_ai.agent.name'],
  'agent.step': ['skreaver.agent.step'],
  'agent.rounds': ['skreaver.agent.rounds'],
});

/** Copies core attributes into `into` under their mapped names. */
export function mapAttributes(
  attributes: Readonly<Record<string, SpanAttributeValue>> | undefined,
  into: Attributes,
): Attributes {
  if (attributes === undefined) return into;
  for (const [key, value] of Object.entries(attributes)) {
    const names = ATTRIBUTE_NAMES[key] ?? [key];
    for (const name of names) into[name] = value;
  }
  return into;
}

export function setMapped(span: ApiSpan, key: string, value: AttributeValue): void {
  const names = ATTRIBUTE_NAMES[key];
  if (names === undefined) {
    span.setAttribute(key, value);
    return;
  }
  for (const name of names) span.setAttribute(name, value);
}

function exceptionOf(error: unknown): Exception {
  if (error instanceof Error || typeof error === 'string') return error;
  let message: string;
  try {
    message = String(error);
  } catch {
    message = typeof error;
  }
  return { message };
}

function errorType(error: unknown): string {
  if (isSkreaverError(error)) return error.code;
  if (error instanceof Error && error.name !== '') return error.name;
  return '_OTHER';
}

/** A core `Span` backed by an OTel span. */
export class SpanHandle implements OtelSpan {
  readonly [OTEL_CONTEXT]: Context;
  #ended = false;
  /** Set once an error set `error.type`, so a later status does not overwrite it. */
  protected errorTyped = false;

  constructor(
    readonly span: ApiSpan,
    parent: Context,
    private readonly recordExceptions: boolean,
    /** Called when the core reports the tool was not found: the name then came from the caller. */
    private readonly onToolNotFound?: () => void,
  ) {
    this[OTEL_CONTEXT] = trace.setSpan(parent, span);
  }

  get context(): Context {
    return this[OTEL_CONTEXT];
  }

  get ended(): boolean {
    return this.#ended;
  }

  get traceId(): string {
    return this.span.spanContext().traceId;
  }

  get spanId(): string {
    return this.span.spanContext().spanId;
  }

  get traceparent(): string | undefined {
    const spanContext = this.span.spanContext();
    return isSpanContextValid(spanContext) ? formatTraceparent(spanContext) : undefined;
  }

  setAttribute(key: string, value: SpanAttributeValue): void {
    if (this.#ended) return;
    setMapped(this.span, key, value);
    if (key === 'tool.code') {
      this.errorTyped = true;
      if (value === 'tool_not_found') this.onToolNotFound?.();
    }
  }

  recordError(error: unknown): void {
    if (this.#ended) return;
    if (this.recordExceptions) this.span.recordException(exceptionOf(error));
    const message = error instanceof Error ? error.message : undefined;
    this.span.setStatus(
      message === undefined
        ? { code: SpanStatusCode.ERROR }
        : { code: SpanStatusCode.ERROR, message },
    );
    const type = errorType(error);
    this.span.setAttribute('error.type', type);
    if (isSkreaverError(error)) this.span.setAttribute('skreaver.error.code', type);
    this.errorTyped = true;
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.span.end();
  }
}
