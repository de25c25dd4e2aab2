import {
  type Span as ApiSpan,
  type Attributes,
  type Context,
  context,
  INVALID_SPAN_CONTEXT,
  isSpanContextValid,
  type Link,
  SpanKind,
  trace,
} from '@opentelemetry/api';
import { type Span, type SpanAttributeValue, ValidationError } from 'skreaver';
import { HttpSpanHandle, httpAttributes, httpSpanName, methodOf } from './_http-span.js';
import { contextOf, mapAttributes, SpanHandle } from './_span.js';
import { headersGetter, headersSetter } from './headers.js';
import type { IncomingTraceContext, OtelTracerOptions } from './options.js';
import type { OtelTracer } from './types.js';
import { w3cTraceContextPropagator } from './w3c-propagator.js';

const INCOMING: readonly IncomingTraceContext[] = ['parent', 'link', 'ignore'];

function invalidOption(option: string, rule: string): ValidationError {
  return new ValidationError('invalid_options', `The OpenTelemetry option '${option}' ${rule}.`, {
    data: { option },
  });
}

function hasMethods(value: unknown, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return names.every((name) => typeof record[name] === 'function');
}

const isContext = (value: unknown): value is Context =>
  hasMethods(value, ['getValue', 'setValue', 'deleteValue']);

/** The core's span names, and the GenAI operation each one is. */
function semanticName(
  name: string,
  attributes: Readonly<Record<string, SpanAttributeValue>> | undefined,
): { readonly name: string; readonly operation?: string } {
  if (name === 'tool.call') {
    const tool = attributes?.['tool.name'];
    return {
      name: typeof tool === 'string' ? `execute_tool ${tool}` : 'execute_tool',
      operation: 'execute_tool',
    };
  }
  if (name === 'agent.step') {
    const agent = attributes?.['agent.id'];
    return {
      name: typeof agent === 'string' ? `invoke_agent ${agent}` : 'invoke_agent',
      operation: 'invoke_agent',
    };
  }
  return { name };
}

/**
 * Creates the core's `Tracer` on an OpenTelemetry tracer. Tool calls become
 * `execute_tool {tool}` spans and coordinator steps `invoke_agent {agent}`
 * spans (GenAI semantic conventions), parents of their tool calls; failures
 * set an error status, `error.type` and `skreaver.error.code`. For the HTTP
 * runtime it starts server spans that continue an incoming `traceparent`.
 * Nothing is registered globally: without `tracer` it uses
 * `trace.getTracer(name)`, which records once your SDK registers a provider.
 *
 * @throws `ValidationError` with code `invalid_options` when an option is invalid.
 * @example
 * ```ts
 * import { createCoordinator, createToolRegistry } from 'skreaver';
 * import { otelTracer } from 'skreaver/tracing/otel';
 *
 * const tracer = otelTracer({ tracer: provider.getTracer('my-service') });
 * const registry = createToolRegistry({ tracer });
 * const coordinator = createCoordinator({ registry, tracer });
 *
 * // Per request, in the HTTP layer:
 * const span = tracer.startHttpSpan({ method: 'POST', url: request.url, headers: request.headers });
 * const reply = await tracer.withParent(span, () => coordinator.step('echo', 'hi'));
 * span.setResponseStatus(200);
 * span.end();
 * ```
 */
export function otelTracer(options: OtelTracerOptions = {}): OtelTracer {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption('options', 'must be an object');
  }
  const name = options.name ?? 'skreaver';
  if (typeof name !== 'string' || name === '')
    throw invalidOption('name', 'must be a non-empty string');
  if (options.version !== undefined && typeof options.version !== 'string') {
    throw invalidOption('version', 'must be a string');
  }
  if (options.tracer !== undefined && !hasMethods(options.tracer, ['startSpan'])) {
    throw invalidOption('tracer', 'must be an OpenTelemetry Tracer');
  }
  if (options.propagator !== undefined && !hasMethods(options.propagator, ['extract', 'inject'])) {
    throw invalidOption('propagator', 'must have extract and inject methods');
  }
  const incoming = options.incomingTraceContext ?? 'parent';
  if (!INCOMING.includes(incoming)) {
    throw invalidOption('incomingTraceContext', `must be one of ${INCOMING.join(', ')}`);
  }
  const recordExceptions = options.recordExceptions ?? true;
  if (typeof recordExceptions !== 'boolean') {
    throw invalidOption('recordExceptions', 'must be a boolean');
  }
  const apiTracer = options.tracer ?? trace.getTracer(name, options.version);
  const propagator = options.propagator ?? w3cTraceContextPropagator();
  // The parent set by withParent while its callback runs synchronously; per tracer, never global.
  let scoped: Context | undefined;

  // Tracers must not throw into the core: a failing SDK costs the span, not the call.
  const start = (
    spanName: string,
    attributes: Attributes,
    kind: SpanKind,
    parent: Context,
    root = false,
    links: Link[] = [],
  ): ApiSpan => {
    try {
      return apiTracer.startSpan(spanName, { kind, attributes, root, links }, parent);
    } catch {
      return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
  };

  const tracer: OtelTracer = {
    tracer: apiTracer,

    startSpan(spanName, attributes, parent) {
      const base = contextOf(parent) ?? scoped ?? context.active();
      const semantic = semanticName(spanName, attributes);
      const initial: Attributes = {};
      if (semantic.operation !== undefined) initial['gen_ai.operation.name'] = semantic.operation;
      mapAttributes(attributes, initial);
      const span = start(semantic.name, initial, SpanKind.INTERNAL, base);
      // A name no tool has came from the caller; keep it out of the span name.
      const onToolNotFound =
        semantic.operation === 'execute_tool' ? () => span.updateName('execute_tool') : undefined;
      return new SpanHandle(span, base, recordExceptions, onToolNotFound);
    },

    startHttpSpan(request) {
      const active = context.active();
      let parent = active;
      let root = false;
      const links: Link[] = [];
      if (request.headers !== undefined) {
        const extracted = tracer.extractTraceContext(request.headers, active);
        const remote = trace.getSpanContext(extracted);
        if (
          remote !== undefined &&
          remote !== trace.getSpanContext(active) &&
          isSpanContextValid(remote)
        ) {
          if (incoming === 'parent') {
            parent = extracted;
          } else {
            // Keep what else the propagator extracted (baggage), drop the caller's span.
            parent = trace.deleteSpan(extracted);
            root = true;
            if (incoming === 'link') links.push({ context: remote });
          }
        }
      }
      const { method } = methodOf(request.method);
      const spanName = httpSpanName(method, request.route);
      const span = start(spanName, httpAttributes(request), SpanKind.SERVER, parent, root, links);
      return new HttpSpanHandle(span, parent, recordExceptions, request.method);
    },

    extractTraceContext(headers, base = context.active()) {
      try {
        return propagator.extract(base, headers, headersGetter);
      } catch {
        return base;
      }
    },

    injectTraceContext(headers, span) {
      propagator.inject(contextOf(span) ?? context.active(), headers, headersSetter);
    },

    withParent<T>(parent: Span | Context, fn: () => T): T {
      const parentContext = isContext(parent) ? parent : contextOf(parent);
      if (parentContext === undefined) return fn();
      const previous = scoped;
      scoped = parentContext;
      try {
        return context.with(parentContext, fn);
      } finally {
        scoped = previous;
      }
    },
  };
  return tracer;
}
