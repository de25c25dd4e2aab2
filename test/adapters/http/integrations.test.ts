// The runtime with the real metrics and tracing adapters plugged in through
// its options (the runtime itself imports neither).
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { prometheusMetrics } from 'skreaver/metrics/prometheus';
import { otelTracer } from 'skreaver/tracing/otel';
import { describe, expect, it } from 'vitest';
import { harnessPerTest } from './_harness.js';

const start = harnessPerTest();

describe('skreaver/metrics/prometheus', () => {
  it('plugs in as `metrics` and is served at /metrics', async () => {
    const metrics = prometheusMetrics();
    const h = await start({ metrics });
    await h.create('echo', 'prom');
    await h.post('/agents/prom/observe', { input: 'x' }, 'agent');
    await h.request('/agents', { as: 'none' });
    const res = await h.request('/metrics', { as: 'none' });
    expect(res.headers.get('content-type')).toBe(metrics.contentType);
    const text = await res.text();
    expect(text).toMatch(
      /skreaver_http_requests_total\{route="\/agents\/\{id\}\/observe",method="POST"\} 1/,
    );
    expect(text).toMatch(/skreaver_security_auth_attempts_total\{result="failure"\} 1/);
    expect(text).toMatch(/skreaver_tool_exec_total\{tool="uppercase"\} 1/);
    expect(text).toMatch(/skreaver_agent_steps_total\{agent_id="prom",status="ok"\} 1/);
    expect(text).toMatch(/skreaver_http_requests_in_flight 1/);
  });
});

describe('skreaver/tracing/otel', () => {
  it('continues the caller trace in a server span that parents the step and its tool calls', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const tracer = otelTracer({ tracer: provider.getTracer('test') });
    const h = await start({ tracer });
    await h.create('echo', 'traced');
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await h.request('/agents/traced/observe', {
      method: 'POST',
      as: 'agent',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${trace}-00f067aa0ba902b7-01`,
      },
      body: JSON.stringify({ input: 'hi' }),
    });
    expect(res.status).toBe(200);
    const spans = exporter.getFinishedSpans();
    const byName = (prefix: string) => spans.find((s) => s.name.startsWith(prefix)) as ReadableSpan;
    const server = byName('POST /agents/{id}/observe');
    const step = byName('invoke_agent');
    const tool = byName('execute_tool');
    expect(server.spanContext().traceId).toBe(trace);
    expect(server.attributes['http.response.status_code']).toBe(200);
    expect(step.spanContext().traceId).toBe(trace);
    expect(step.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
    expect(tool.parentSpanContext?.spanId).toBe(step.spanContext().spanId);
    await provider.shutdown();
  });
});
