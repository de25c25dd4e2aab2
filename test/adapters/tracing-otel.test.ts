import {
  type Context,
  type ContextManager,
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  type Agent,
  createCoordinator,
  createToolRegistry,
  defineTool,
  type ToolCall,
  ValidationError,
} from 'skreaver';
import {
  extractTraceContext,
  injectTraceContext,
  type OtelTracerOptions,
  otelTracer,
  parseTraceparent,
} from 'skreaver/tracing/otel';
import { afterEach, describe, expect, it } from 'vitest';

const CALLER_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${CALLER_TRACE}-${CALLER_SPAN}-01`;

// One exporter per test: shutting a provider down stops its exporter for good.
let exporter = new InMemorySpanExporter();
const providers: BasicTracerProvider[] = [];

function setup(options: Omit<OtelTracerOptions, 'tracer'> = {}) {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  providers.push(provider);
  return otelTracer({ ...options, tracer: provider.getTracer('test') });
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((provider) => provider.shutdown()));
  exporter = new InMemorySpanExporter();
});

const finished = (): ReadableSpan[] => exporter.getFinishedSpans();
function named(name: string): ReadableSpan {
  const spans = finished().filter((span) => span.name === name);
  expect(spans).toHaveLength(1);
  return spans[0] as ReadableSpan;
}
const parentOf = (span: ReadableSpan): string | undefined => span.parentSpanContext?.spanId;

const upper = defineTool({
  name: 'text_upper',
  description: 'Upper-cases text',
  inputSchema: { type: 'string' },
  call: (text: string) => text.toUpperCase(),
});
const lookup = defineTool({
  name: 'lookup',
  description: 'Opens a child span of its own',
  inputSchema: {},
  call: (_input: unknown, ctx) => {
    const span = ctx.tracer.startSpan('lookup.fetch', { 'lookup.source': 'cache' }, ctx.span);
    span.end();
    return 'found';
  },
});
const broken = defineTool({
  name: 'broken',
  description: 'Always fails',
  inputSchema: {},
  call: () => {
    throw new Error('boom');
  },
});

function echoAgent(tool = 'text_upper', fail = false): Agent {
  let text = '';
  let round = 0;
  return {
    observe(input: string) {
      text = input;
      round = 0;
    },
    callTools: (): ToolCall[] => (round++ === 0 ? [{ name: tool, input: text, id: 'call-1' }] : []),
    handleResult({ result }) {
      if (result.ok) text = String(result.output);
    },
    act() {
      if (fail) throw new Error('cannot act');
      return text;
    },
  };
}

describe('otelTracer with the tool registry', () => {
  it('records a tool call as an execute_tool span with GenAI attributes', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer }).register(upper);
    await registry.dispatch({ name: 'text_upper', input: 'a', id: 'c1' });
    const span = named('execute_tool text_upper');
    expect(span.kind).toBe(SpanKind.INTERNAL);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'text_upper',
      'gen_ai.tool.call.id': 'c1',
      'skreaver.tool.ok': true,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.events).toEqual([]);
  });

  it('marks a failed call as an error with the skreaver code and an exception event', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer }).register(broken);
    await registry.dispatch({ name: 'broken', input: {} });
    const span = named('execute_tool broken');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.status.message).toContain('boom');
    expect(span.attributes).toMatchObject({
      'error.type': 'tool_failed',
      'skreaver.error.code': 'tool_failed',
      'skreaver.tool.ok': false,
    });
    expect(span.events.map((event) => event.name)).toEqual(['exception']);
    // The SDK takes the exception type from an error's `code` when it has one.
    expect(span.events[0]?.attributes?.['exception.type']).toBe('tool_failed');
    expect(span.events[0]?.attributes?.['exception.message']).toContain('boom');
  });

  it('keeps an unknown tool name (caller input) out of the span name', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer });
    await registry.dispatch({ name: 'made_up_by_a_model', input: {} });
    const span = named('execute_tool');
    expect(span.attributes['error.type']).toBe('tool_not_found');
  });

  it('gives a tool its call span as parent for its own spans', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer }).register(lookup);
    await registry.dispatch({ name: 'lookup', input: {} });
    const call = named('execute_tool lookup');
    const child = named('lookup.fetch');
    expect(parentOf(child)).toBe(call.spanContext().spanId);
    expect(child.attributes).toEqual({ 'lookup.source': 'cache' });
  });
});

describe('otelTracer with the coordinator', () => {
  it('makes each step an invoke_agent span, parent of its tool calls', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer }).register(upper);
    const coordinator = createCoordinator({ registry, tracer });
    await coordinator.add('echo', echoAgent());
    expect(await coordinator.step('echo', 'hi')).toBe('HI');
    const step = named('invoke_agent echo');
    const call = named('execute_tool text_upper');
    expect(parentOf(call)).toBe(step.spanContext().spanId);
    expect(call.spanContext().traceId).toBe(step.spanContext().traceId);
    expect(parentOf(step)).toBeUndefined();
    expect(step.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'echo',
      'gen_ai.agent.name': 'echo',
      'skreaver.agent.step': 1,
      'skreaver.agent.rounds': 1,
    });
    expect(step.status.code).toBe(SpanStatusCode.UNSET);
    await coordinator.close();
  });

  it('marks a failed step as an error with its code', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer }).register(upper);
    const coordinator = createCoordinator({ registry, tracer });
    await coordinator.add('clumsy', echoAgent('text_upper', true));
    await expect(coordinator.step('clumsy', 'x')).rejects.toMatchObject({ code: 'agent_failed' });
    const step = named('invoke_agent clumsy');
    expect(step.status.code).toBe(SpanStatusCode.ERROR);
    expect(step.attributes).toMatchObject({
      'error.type': 'agent_failed',
      'skreaver.error.code': 'agent_failed',
    });
    await coordinator.close();
  });
});

describe('HTTP spans and incoming trace context', () => {
  it('continues the caller’s trace: request, step and tool spans in one chain', async () => {
    const tracer = setup();
    const registry = createToolRegistry({ tracer }).register(upper);
    const coordinator = createCoordinator({ registry, tracer });
    await coordinator.add('echo', echoAgent());

    const headers = new Headers({
      traceparent: TRACEPARENT,
      tracestate: 'vendor=abc,other=1',
      'user-agent': 'test-client/1.0',
    });
    const http = tracer.startHttpSpan({
      method: 'post',
      url: 'http://localhost:8080/agents/echo/observe?token=secret',
      headers,
      clientAddress: '127.0.0.1',
    });
    http.setRoute('/agents/:agentId/observe');
    expect(http.traceId).toBe(CALLER_TRACE);
    expect(await tracer.withParent(http, () => coordinator.step('echo', 'hi'))).toBe('HI');
    http.setResponseStatus(200);
    http.end();

    const request = named('POST /agents/:agentId/observe');
    const step = named('invoke_agent echo');
    const call = named('execute_tool text_upper');
    expect(request.kind).toBe(SpanKind.SERVER);
    for (const span of [request, step, call]) expect(span.spanContext().traceId).toBe(CALLER_TRACE);
    expect(parentOf(request)).toBe(CALLER_SPAN);
    expect(request.parentSpanContext?.isRemote).toBe(true);
    expect(parentOf(step)).toBe(request.spanContext().spanId);
    expect(parentOf(call)).toBe(step.spanContext().spanId);
    expect(request.spanContext().traceState?.serialize()).toBe('vendor=abc,other=1');
    expect(request.attributes).toEqual({
      'http.request.method': 'POST',
      'http.request.method_original': 'post',
      'http.route': '/agents/:agentId/observe',
      'url.path': '/agents/echo/observe',
      'url.scheme': 'http',
      'server.address': 'localhost',
      'server.port': 8080,
      'user_agent.original': 'test-client/1.0',
      'client.address': '127.0.0.1',
      'http.response.status_code': 200,
    });
    expect(request.status.code).toBe(SpanStatusCode.UNSET);
    await coordinator.close();
  });

  it('reads Node-style header records, case-insensitively', () => {
    const tracer = setup();
    tracer.startHttpSpan({ method: 'GET', headers: { TraceParent: TRACEPARENT } }).end();
    tracer.startHttpSpan({ method: 'GET', headers: { traceparent: [TRACEPARENT] } }).end();
    for (const span of finished()) {
      expect(span.spanContext().traceId).toBe(CALLER_TRACE);
      expect(parentOf(span)).toBe(CALLER_SPAN);
    }
    expect(finished()).toHaveLength(2);
  });

  it('starts a new trace for a missing, invalid or duplicated traceparent', () => {
    const tracer = setup();
    const bad = [
      {},
      { traceparent: TRACEPARENT.toUpperCase() },
      { traceparent: `00-${'0'.repeat(32)}-${CALLER_SPAN}-01` },
      { traceparent: `${TRACEPARENT}-extra` },
      { traceparent: [TRACEPARENT, TRACEPARENT] },
      new Headers([
        ['traceparent', TRACEPARENT],
        ['traceparent', TRACEPARENT],
      ]),
    ];
    for (const headers of bad) tracer.startHttpSpan({ method: 'GET', headers }).end();
    expect(finished()).toHaveLength(bad.length);
    for (const span of finished()) {
      expect(span.spanContext().traceId).not.toBe(CALLER_TRACE);
      expect(parentOf(span)).toBeUndefined();
    }
  });

  it('links instead of parenting, or ignores the caller, when configured', () => {
    setup({ incomingTraceContext: 'link' })
      .startHttpSpan({ method: 'GET', route: '/linked', headers: { traceparent: TRACEPARENT } })
      .end();
    setup({ incomingTraceContext: 'ignore' })
      .startHttpSpan({ method: 'GET', route: '/ignored', headers: { traceparent: TRACEPARENT } })
      .end();
    const linked = named('GET /linked');
    expect(linked.spanContext().traceId).not.toBe(CALLER_TRACE);
    expect(parentOf(linked)).toBeUndefined();
    expect(linked.links.map((link) => link.context.spanId)).toEqual([CALLER_SPAN]);
    const ignored = named('GET /ignored');
    expect([ignored.spanContext().traceId === CALLER_TRACE, ignored.links]).toEqual([false, []]);
  });

  it('marks 5xx responses as errors, but not 4xx, and keeps a recorded error’s type', () => {
    const tracer = setup();
    for (const [route, status] of [
      ['/a', 404],
      ['/b', 503],
    ] as const) {
      const span = tracer.startHttpSpan({ method: 'GET', route });
      span.setResponseStatus(status);
      span.end();
    }
    const failed = tracer.startHttpSpan({ method: 'BREW', route: '/c' });
    failed.recordError(new ValidationError('invalid_input', 'bad body'));
    failed.setResponseStatus(500);
    failed.end();
    expect(named('GET /a').status.code).toBe(SpanStatusCode.UNSET);
    expect(named('GET /b').status.code).toBe(SpanStatusCode.ERROR);
    expect(named('GET /b').attributes['error.type']).toBe('503');
    const c = named('HTTP /c');
    expect(c.attributes).toMatchObject({
      'http.request.method': '_OTHER',
      'http.request.method_original': 'BREW',
      'error.type': 'invalid_input',
      'http.response.status_code': 500,
    });
    expect(c.status).toEqual({ code: SpanStatusCode.ERROR, message: 'bad body' });
  });

  it('writes a span’s trace context into outgoing headers', () => {
    const tracer = setup();
    const span = tracer.startHttpSpan({ method: 'GET', headers: { traceparent: TRACEPARENT } });
    const fetchHeaders = new Headers();
    tracer.injectTraceContext(fetchHeaders, span);
    const record: Record<string, string> = {};
    injectTraceContext(record, span.context);
    for (const value of [fetchHeaders.get('traceparent'), record.traceparent, span.traceparent]) {
      expect(parseTraceparent(value)).toEqual({
        version: '00',
        traceId: CALLER_TRACE,
        spanId: span.spanId,
        traceFlags: 1,
      });
    }
    span.end();
  });

  it('extracts a caller’s context with the standalone helper', () => {
    const extracted = extractTraceContext({ traceparent: TRACEPARENT, tracestate: ['a=1', 'b=2'] });
    const spanContext = trace.getSpanContext(extracted);
    expect(spanContext).toMatchObject({
      traceId: CALLER_TRACE,
      spanId: CALLER_SPAN,
      traceFlags: 1,
      isRemote: true,
    });
    expect(spanContext?.traceState?.serialize()).toBe('a=1,b=2');
    expect(extractTraceContext({ traceparent: 'garbage' })).toBe(context.active());
  });
});

describe('span behaviour and options', () => {
  it('ignores calls after end, and records non-Error failures', () => {
    const tracer = setup();
    const span = tracer.startSpan('custom', { 'a.b': 1 });
    span.recordError('plain string');
    span.end();
    span.setAttribute('late', true);
    span.recordError(new Error('late'));
    span.end();
    expect(span.ended).toBe(true);
    const recorded = named('custom');
    expect(recorded.attributes).toEqual({ 'a.b': 1, 'error.type': '_OTHER' });
    expect(recorded.events).toHaveLength(1);
    expect(recorded.events[0]?.attributes?.['exception.message']).toBe('plain string');
  });

  it('can leave exception events out', () => {
    const tracer = setup({ recordExceptions: false });
    const span = tracer.startSpan('quiet');
    span.recordError(new Error('x'));
    span.end();
    expect(named('quiet').events).toEqual([]);
    expect(named('quiet').status.code).toBe(SpanStatusCode.ERROR);
  });

  it('uses a withParent context for spans without a parent, even with no context manager', () => {
    const tracer = setup();
    const outer = tracer.startSpan('outer');
    const scoped = tracer.withParent(outer.context, () => tracer.startSpan('scoped'));
    const viaSpan = tracer.withParent(outer, () => tracer.startSpan('via-span'));
    const outside = tracer.startSpan('outside');
    for (const span of [scoped, viaSpan, outside, outer]) span.end();
    expect(parentOf(named('scoped'))).toBe(outer.spanId);
    expect(parentOf(named('via-span'))).toBe(outer.spanId);
    expect(parentOf(named('outside'))).toBeUndefined();
    // A span from another tracer carries no context: it is ignored as a parent.
    expect(tracer.withParent({ setAttribute() {}, recordError() {}, end() {} }, () => 7)).toBe(7);
  });

  it('uses OTel’s active context when the application registered a context manager', () => {
    // A minimal synchronous context manager, as an SDK would register.
    let active: Context = ROOT_CONTEXT;
    const manager: ContextManager = {
      active: () => active,
      with(next, fn, thisArg, ...args) {
        const previous = active;
        active = next;
        try {
          return fn.call(thisArg, ...args);
        } finally {
          active = previous;
        }
      },
      bind: (_context, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    expect(context.setGlobalContextManager(manager)).toBe(true);
    try {
      const tracer = setup();
      const outer = tracer.startSpan('outer');
      const inner = context.with(outer.context, () => tracer.startSpan('inner'));
      const request = context.with(outer.context, () => tracer.startHttpSpan({ method: 'GET' }));
      for (const span of [inner, request, outer]) span.end();
      expect(parentOf(named('inner'))).toBe(outer.spanId);
      expect(parentOf(named('GET'))).toBe(outer.spanId);
    } finally {
      context.disable();
    }
  });

  it('registers nothing globally: without a tracer or provider, spans do not record', () => {
    const tracer = otelTracer();
    const span = tracer.startSpan('nowhere');
    expect([span.traceparent, span.traceId]).toEqual([undefined, '0'.repeat(32)]);
    span.end();
    // An unsampled span has a valid context, so it still propagates.
    const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
    providers.push(provider);
    const unsampled = otelTracer({ tracer: provider.getTracer('off') }).startSpan('off');
    expect(parseTraceparent(unsampled.traceparent)?.traceFlags).toBe(0);
    expect(finished()).toEqual([]);
  });

  it('refuses invalid options', () => {
    const bad: unknown[] = [
      { tracer: {} },
      { name: '' },
      { version: 1 },
      { propagator: { extract() {} } },
      { incomingTraceContext: 'trust' },
      { recordExceptions: 'yes' },
    ];
    for (const options of bad) {
      expect(() => otelTracer(options as OtelTracerOptions)).toThrow(
        expect.objectContaining({ code: 'invalid_options' }),
      );
    }
  });
});
