import { Hono } from 'hono';
import { Counter, collectDefaultMetrics, register as globalRegistry, Registry } from 'prom-client';
import {
  type Agent,
  agentId,
  createCoordinator,
  createToolRegistry,
  defineTool,
  inMemoryMemory,
  inProcessMesh,
  type Logger,
  type ToolCall,
  textPayload,
  ValidationError,
} from 'skreaver';
import {
  instrumentMemory,
  type PrometheusMetrics,
  prometheusMetrics,
} from 'skreaver/metrics/prometheus';
import { runMemoryConformance } from 'skreaver/testing';
import { afterEach, describe, expect, it } from 'vitest';

// A small parser of the Prometheus text format (version 0.0.4), so tests read
// values the way a scraper does instead of grepping strings.
interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

interface Exposition {
  readonly samples: readonly Sample[];
  readonly types: ReadonlyMap<string, string>;
  readonly help: ReadonlyMap<string, string>;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    const name = text.slice(i, eq);
    expect(text[eq + 1]).toBe('"');
    let value = '';
    let j = eq + 2;
    for (; text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        j++;
        value += text[j] === 'n' ? '\n' : text[j];
      } else {
        value += text[j];
      }
    }
    labels[name] = value;
    i = text[j + 1] === ',' ? j + 2 : j + 1;
  }
  return labels;
}

function parseExposition(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  const help = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line);
    if (meta !== null) {
      (meta[1] === 'TYPE' ? types : help).set(meta[2] as string, meta[3] as string);
      continue;
    }
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match === null) throw new Error(`not a sample line: ${line}`);
    const raw = match[3] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    samples.push({ name: match[1] as string, labels: parseLabels(match[2] ?? ''), value });
  }
  return { samples, types, help };
}

/** The value of the one sample with this name and exactly these labels (0 when absent). */
function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = JSON.stringify(Object.entries(labels).sort());
  const found = exposition.samples.filter(
    (sample) =>
      sample.name === name && JSON.stringify(Object.entries(sample.labels).sort()) === wanted,
  );
  expect(found.length).toBeLessThanOrEqual(1);
  return found[0]?.value ?? 0;
}

const scrape = async (metrics: PrometheusMetrics): Promise<Exposition> =>
  parseExposition(await metrics.metrics());

const upper = defineTool({
  name: 'text_upper',
  description: 'Upper-cases text',
  inputSchema: { type: 'string' },
  call: (text: string) => text.toUpperCase(),
});
const broken = defineTool({
  name: 'broken',
  description: 'Always fails',
  inputSchema: {},
  call: () => {
    throw new Error('boom');
  },
});

const open: PrometheusMetrics[] = [];
function recorder(options: Parameters<typeof prometheusMetrics>[0] = {}): PrometheusMetrics {
  const metrics = prometheusMetrics(options);
  open.push(metrics);
  return metrics;
}
afterEach(() => {
  for (const metrics of open.splice(0)) metrics.close();
});

function optionError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_options');
    return error as ValidationError;
  }
  throw new Error('expected invalid_options');
}

describe('prometheusMetrics with the tool registry', () => {
  it('counts dispatched calls, their durations and failures by tool and code', async () => {
    const metrics = recorder();
    const registry = createToolRegistry({ metrics }).register(upper).register(broken);
    const before = await scrape(metrics);
    expect(sampleValue(before, 'skreaver_tool_exec_total', { tool: 'text_upper' })).toBe(0);
    expect(before.types.get('skreaver_tool_exec_total')).toBe('counter');
    expect(before.types.get('skreaver_tool_exec_duration_seconds')).toBe('histogram');

    expect(await registry.dispatch({ name: 'text_upper', input: 'a' })).toEqual({
      ok: true,
      output: 'A',
    });
    await registry.dispatch({ name: 'text_upper', input: 'b' });
    await registry.dispatch({ name: 'text_upper', input: 42 }); // invalid input
    await registry.dispatch({ name: 'broken', input: {} });
    await registry.dispatch({ name: 'no_such_tool_from_a_model', input: {} });

    const after = await scrape(metrics);
    expect(sampleValue(after, 'skreaver_tool_exec_total', { tool: 'text_upper' })).toBe(3);
    expect(sampleValue(after, 'skreaver_tool_exec_total', { tool: 'broken' })).toBe(1);
    expect(
      sampleValue(after, 'skreaver_tool_exec_duration_seconds_count', { tool: 'text_upper' }),
    ).toBe(3);
    expect(
      sampleValue(after, 'skreaver_tool_exec_duration_seconds_bucket', {
        tool: 'text_upper',
        le: '+Inf',
      }),
    ).toBe(3);
    const errors = (tool: string, code: string) =>
      sampleValue(after, 'skreaver_tool_exec_errors_total', { tool, code });
    expect(errors('text_upper', 'tool_invalid_input')).toBe(1);
    expect(errors('broken', 'tool_failed')).toBe(1);
    // A name no tool has is caller input: it is counted, but never becomes a label value.
    expect(sampleValue(after, 'skreaver_tool_exec_total', { tool: 'unknown' })).toBe(1);
    expect(errors('unknown', 'tool_not_found')).toBe(1);
    expect(after.samples.some((s) => s.labels.tool === 'no_such_tool_from_a_model')).toBe(false);
  });

  it('shows tool calls holding a concurrency slot while they run', async () => {
    const metrics = recorder();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = defineTool({
      name: 'slow',
      description: 'Waits',
      inputSchema: {},
      call: () => gate.then(() => 'done'),
    });
    const registry = createToolRegistry({ metrics }).register(slow);
    const calls = [
      registry.dispatch({ name: 'slow', input: {} }),
      registry.dispatch({ name: 'slow', input: {} }),
    ];
    await Promise.resolve();
    expect(
      sampleValue(await scrape(metrics), 'skreaver_tool_exec_in_flight', { tool: 'slow' }),
    ).toBe(2);
    release();
    await Promise.all(calls);
    expect(
      sampleValue(await scrape(metrics), 'skreaver_tool_exec_in_flight', { tool: 'slow' }),
    ).toBe(0);
  });
});

describe('prometheusMetrics with the coordinator', () => {
  function agent(fail = false): Agent {
    let text = '';
    let rounds = 0;
    return {
      observe(input: string) {
        text = input;
        rounds = 0;
      },
      callTools: (): ToolCall[] => (rounds++ === 0 ? [{ name: 'text_upper', input: text }] : []),
      handleResult({ result }) {
        if (result.ok) text = String(result.output);
      },
      act() {
        if (fail) throw new Error('cannot act');
        return text;
      },
    };
  }

  it('records steps, rounds, tool calls inside them, and failed steps by kind and code', async () => {
    const metrics = recorder();
    const registry = createToolRegistry({ metrics }).register(upper);
    const coordinator = createCoordinator({ registry, metrics });
    await coordinator.add('echo', agent());
    await coordinator.add('clumsy', agent(true));
    expect(await coordinator.step('echo', 'hi')).toBe('HI');
    expect(await coordinator.step('echo', 'again')).toBe('AGAIN');
    await expect(coordinator.step('clumsy', 'x')).rejects.toMatchObject({ code: 'agent_failed' });

    const e = await scrape(metrics);
    expect(sampleValue(e, 'skreaver_agent_steps_total', { agent_id: 'echo', status: 'ok' })).toBe(
      2,
    );
    expect(
      sampleValue(e, 'skreaver_agent_steps_total', { agent_id: 'clumsy', status: 'error' }),
    ).toBe(1);
    expect(sampleValue(e, 'skreaver_agent_step_duration_seconds_count', { agent_id: 'echo' })).toBe(
      2,
    );
    // Each step ran one tool round.
    expect(sampleValue(e, 'skreaver_agent_step_rounds_sum', { agent_id: 'echo' })).toBe(2);
    expect(sampleValue(e, 'skreaver_agent_step_rounds_bucket', { agent_id: 'echo', le: '0' })).toBe(
      0,
    );
    expect(sampleValue(e, 'skreaver_agent_step_rounds_bucket', { agent_id: 'echo', le: '1' })).toBe(
      2,
    );
    expect(sampleValue(e, 'skreaver_tool_exec_total', { tool: 'text_upper' })).toBe(3);
    expect(sampleValue(e, 'skreaver_agent_errors_total', { kind: 'internal' })).toBe(1);
    expect(
      sampleValue(e, 'skreaver_agent_errors_by_type', {
        agent_id: 'clumsy',
        error_type: 'agent_failed',
      }),
    ).toBe(1);
    await coordinator.close();
  });
});

describe('prometheusMetrics for the HTTP runtime', () => {
  it('serves changing values on a mounted /metrics route', async () => {
    const metrics = recorder();
    const app = new Hono();
    // What the HTTP runtime does: time every request, label it with the matched route pattern.
    app.use(async (c, next) => {
      const started = performance.now();
      metrics.httpInFlight(1);
      try {
        await next();
      } finally {
        metrics.httpInFlight(-1);
      }
      // After next(), routePath is the matched handler's pattern, or this middleware's when none matched.
      const route = c.req.routePath === '/*' ? undefined : c.req.routePath;
      metrics.httpRequest({
        method: c.req.method,
        ...(route === undefined ? {} : { route }),
        status: c.res.status,
        durationMs: performance.now() - started,
        requestBytes: Number(c.req.header('content-length') ?? 0),
      });
    });
    app.get('/metrics', async (c) => {
      c.header('content-type', metrics.contentType);
      return c.body(await metrics.metrics());
    });
    app.post('/agents/:agentId/observe', (c) => c.json({ ok: true }));
    const wrapped = app;

    const first = await wrapped.request('/metrics');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toContain('text/plain');
    const before = parseExposition(await first.text());
    const route = { route: '/agents/:agentId/observe', method: 'POST' };
    expect(sampleValue(before, 'skreaver_http_requests_total', route)).toBe(0);

    for (const id of ['a1', 'a2', 'a3']) {
      const response = await wrapped.request(`/agents/${id}/observe`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-length': '2' },
      });
      expect(response.status).toBe(200);
    }
    expect((await wrapped.request('/nowhere')).status).toBe(404);

    const after = parseExposition(await (await wrapped.request('/metrics')).text());
    expect(sampleValue(after, 'skreaver_http_requests_total', route)).toBe(3);
    expect(
      sampleValue(after, 'skreaver_http_requests_by_status', { ...route, status: '200' }),
    ).toBe(3);
    expect(sampleValue(after, 'skreaver_http_request_duration_seconds_count', route)).toBe(3);
    expect(sampleValue(after, 'skreaver_http_request_size_bytes_sum', route)).toBe(6);
    expect(
      sampleValue(after, 'skreaver_http_requests_by_status', {
        route: 'unmatched',
        method: 'GET',
        status: '404',
      }),
    ).toBe(1);
    // Raw paths never become label values.
    expect(after.samples.some((s) => s.labels.route?.includes('a1'))).toBe(false);
    expect(sampleValue(after, 'skreaver_http_requests_in_flight')).toBe(1); // this scrape itself
  });

  it('tracks sessions, auth attempts and rate limits with the original label values', async () => {
    const metrics = recorder();
    metrics.agentSession(1);
    metrics.agentSession(1);
    metrics.agentSession(-1);
    metrics.authAttempt('success');
    metrics.authAttempt('invalid');
    metrics.authAttempt('invalid');
    metrics.rateLimitExceeded('ip');
    const e = await scrape(metrics);
    expect(e.types.get('skreaver_agent_sessions_active')).toBe('gauge');
    expect(sampleValue(e, 'skreaver_agent_sessions_active')).toBe(1);
    expect(sampleValue(e, 'skreaver_security_auth_attempts_total', { result: 'invalid' })).toBe(2);
    expect(sampleValue(e, 'skreaver_security_auth_attempts_total', { result: 'success' })).toBe(1);
    expect(
      sampleValue(e, 'skreaver_security_rate_limit_exceeded_total', { limit_type: 'ip' }),
    ).toBe(1);
  });

  it('uses the original latency and size buckets by default, and custom ones when given', async () => {
    const defaults = recorder();
    defaults.httpRequest({
      method: 'GET',
      route: '/health',
      status: 200,
      durationMs: 3,
      responseBytes: 50,
    });
    const e = await scrape(defaults);
    const bounds = (name: string) =>
      e.samples.filter((s) => s.name === name).map((s) => s.labels.le);
    expect(bounds('skreaver_http_request_duration_seconds_bucket')).toEqual([
      '0.005',
      '0.01',
      '0.02',
      '0.05',
      '0.1',
      '0.2',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '+Inf',
    ]);
    expect(bounds('skreaver_http_response_size_bytes_bucket')).toEqual([
      '100',
      '1000',
      '10000',
      '100000',
      '1000000',
      '10000000',
      '+Inf',
    ]);
    const labels = { route: '/health', method: 'GET' };
    expect(
      sampleValue(e, 'skreaver_http_request_duration_seconds_bucket', { ...labels, le: '0.005' }),
    ).toBe(1);
    expect(sampleValue(e, 'skreaver_http_request_duration_seconds_sum', labels)).toBeCloseTo(
      0.003,
      9,
    );

    const custom = recorder({ buckets: { latency: [0.5, 1] } });
    custom.httpRequest({ method: 'GET', route: '/health', status: 200, durationMs: 700 });
    const c = await scrape(custom);
    expect(
      sampleValue(c, 'skreaver_http_request_duration_seconds_bucket', { ...labels, le: '0.5' }),
    ).toBe(0);
    expect(
      sampleValue(c, 'skreaver_http_request_duration_seconds_bucket', { ...labels, le: '1' }),
    ).toBe(1);
    for (const latency of [[], [1, 1], [2, 1], [Number.NaN], 'fast']) {
      optionError(() => prometheusMetrics({ buckets: { latency: latency as number[] } }));
    }
  });
});

describe('cardinality caps', () => {
  it('folds label values past maxLabelValues into other, keeping totals', async () => {
    const metrics = recorder({ maxLabelValues: { tool: 2, route: 1 } });
    for (const tool of ['t1', 't2', 't3', 't4', 't1']) {
      metrics.toolCall({ tool, ok: true, durationMs: 1 });
    }
    metrics.httpRequest({ method: 'GET', route: '/a', status: 200, durationMs: 1 });
    metrics.httpRequest({ method: 'GET', route: '/b', status: 200, durationMs: 1 });
    metrics.httpRequest({ method: 'BREW', route: '/a', status: 999, durationMs: 1 });
    const e = await scrape(metrics);
    const tools = e.samples.filter((s) => s.name === 'skreaver_tool_exec_total');
    expect(Object.fromEntries(tools.map((s) => [s.labels.tool, s.value]))).toEqual({
      t1: 2,
      t2: 1,
      other: 2,
    });
    expect(sampleValue(e, 'skreaver_tool_exec_duration_seconds_count', { tool: 'other' })).toBe(2);
    expect(sampleValue(e, 'skreaver_http_requests_total', { route: 'other', method: 'GET' })).toBe(
      1,
    );
    expect(
      sampleValue(e, 'skreaver_http_requests_by_status', {
        route: '/a',
        method: 'other',
        status: 'other',
      }),
    ).toBe(1);
  });

  it('caps agent ids shared by step and mesh metrics, with a number applying to every label', async () => {
    const metrics = recorder({ maxLabelValues: 1 });
    metrics.step({ agentId: 'first', ok: true, rounds: 0, durationMs: 1 });
    metrics.step({ agentId: 'second', ok: true, rounds: 0, durationMs: 1 });
    metrics.meshQueueDepth({ agent: agentId('third'), depth: 4, level: 'normal' });
    const e = await scrape(metrics);
    expect(sampleValue(e, 'skreaver_agent_steps_total', { agent_id: 'first', status: 'ok' })).toBe(
      1,
    );
    expect(sampleValue(e, 'skreaver_agent_steps_total', { agent_id: 'other', status: 'ok' })).toBe(
      1,
    );
    expect(sampleValue(e, 'skreaver_mesh_queue_depth', { agent_id: 'other' })).toBe(4);
  });

  it('refuses caps that are not positive integers or name unknown labels', () => {
    optionError(() => prometheusMetrics({ maxLabelValues: 0 }));
    optionError(() => prometheusMetrics({ maxLabelValues: { tool: 1.5 } }));
    const error = optionError(() =>
      prometheusMetrics({ maxLabelValues: { method: 3 } as unknown as { tool: number } }),
    );
    expect(error.message).toContain('maxLabelValues.method');
  });
});

describe('names, registries and isolation', () => {
  it('applies the prefix to every metric, and refuses one that is not a Prometheus name', async () => {
    const metrics = recorder({ prefix: 'acme_' });
    metrics.toolCall({ tool: 'x', ok: true, durationMs: 1 });
    const e = await scrape(metrics);
    expect([...e.types.keys()].every((name) => name.startsWith('acme_'))).toBe(true);
    expect(sampleValue(e, 'acme_tool_exec_total', { tool: 'x' })).toBe(1);
    const bare = recorder({ prefix: '' });
    expect((await scrape(bare)).types.has('tool_exec_total')).toBe(true);
    // The original failed at startup on such a namespace; this says why at once.
    expect(optionError(() => prometheusMetrics({ prefix: 'my-service_' })).data).toEqual({
      option: 'prefix',
      value: 'my-service_',
    });
  });

  it('keeps two recorders apart and never touches prom-client’s global registry', async () => {
    const one = recorder();
    const two = recorder();
    one.toolCall({ tool: 'x', ok: true, durationMs: 1 });
    expect(sampleValue(await scrape(one), 'skreaver_tool_exec_total', { tool: 'x' })).toBe(1);
    expect(sampleValue(await scrape(two), 'skreaver_tool_exec_total', { tool: 'x' })).toBe(0);
    expect(one.registry).not.toBe(two.registry);
    const global = await globalRegistry.getMetricsAsJSON();
    expect(global.some((metric) => metric.name.startsWith('skreaver_'))).toBe(false);
  });

  it('shares an injected registry, refusing a second recorder with the same names until closed', async () => {
    const registry = new Registry();
    const first = recorder({ registry });
    const error = optionError(() => prometheusMetrics({ registry }));
    expect(error.data).toMatchObject({ option: 'registry', metric: 'skreaver_tool_exec_total' });
    // The failed attempt left the first recorder's metrics in place.
    first.toolCall({ tool: 'x', ok: true, durationMs: 1 });
    const other = recorder({ registry, prefix: 'other_' });
    other.toolCall({ tool: 'y', ok: true, durationMs: 1 });
    const e = parseExposition(await registry.metrics());
    expect(sampleValue(e, 'skreaver_tool_exec_total', { tool: 'x' })).toBe(1);
    expect(sampleValue(e, 'other_tool_exec_total', { tool: 'y' })).toBe(1);

    first.close();
    first.close();
    first.toolCall({ tool: 'x', ok: true, durationMs: 1 }); // discarded, never thrown
    const left = parseExposition(await registry.metrics());
    expect([...left.types.keys()].some((name) => name.startsWith('skreaver_'))).toBe(false);
    expect(sampleValue(left, 'other_tool_exec_total', { tool: 'y' })).toBe(1);
    const again = recorder({ registry });
    again.toolCall({ tool: 'x', ok: true, durationMs: 1 });
    expect(
      sampleValue(parseExposition(await registry.metrics()), 'skreaver_tool_exec_total', {
        tool: 'x',
      }),
    ).toBe(1);
  });

  it('adds default labels to every sample of its own metrics only', async () => {
    const registry = new Registry();
    new Counter({ name: 'unrelated_total', help: 'x', registers: [registry] });
    const metrics = recorder({ registry, defaultLabels: { service: 'bot', region: 'eu' } });
    metrics.toolCall({ tool: 'x', ok: false, code: 'tool_timeout', durationMs: 1 });
    metrics.agentSession(1);
    const e = parseExposition(await registry.metrics());
    expect(
      sampleValue(e, 'skreaver_tool_exec_total', { tool: 'x', service: 'bot', region: 'eu' }),
    ).toBe(1);
    expect(
      sampleValue(e, 'skreaver_tool_exec_errors_total', {
        tool: 'x',
        code: 'tool_timeout',
        service: 'bot',
        region: 'eu',
      }),
    ).toBe(1);
    expect(sampleValue(e, 'skreaver_agent_sessions_active', { service: 'bot', region: 'eu' })).toBe(
      1,
    );
    expect(sampleValue(e, 'unrelated_total')).toBe(0);
    expect(e.samples.find((s) => s.name === 'unrelated_total')?.labels).toEqual({});
    optionError(() => prometheusMetrics({ defaultLabels: { tool: 'x' } }));
    optionError(() => prometheusMetrics({ defaultLabels: { 'bad-name': 'x' } }));
    optionError(() => prometheusMetrics({ defaultLabels: { __reserved: 'x' } }));
    optionError(() => prometheusMetrics({ defaultLabels: { n: 1 as unknown as string } }));
  });

  it('registers prom-client default metrics only when asked, with the prefix', async () => {
    const plain = recorder();
    expect((await scrape(plain)).types.has('skreaver_process_cpu_seconds_total')).toBe(false);
    const withDefaults = recorder({ collectDefaultMetrics: true });
    const e = await scrape(withDefaults);
    expect(e.types.get('skreaver_process_cpu_seconds_total')).toBe('counter');
    expect(sampleValue(e, 'skreaver_process_cpu_seconds_total')).toBeGreaterThan(0);
    // Collecting twice into one registry (here the user already did) is refused, changing nothing.
    const shared = new Registry();
    collectDefaultMetrics({ register: shared, prefix: 'x_' });
    const before = (await shared.getMetricsAsJSON()).length;
    const error = optionError(() =>
      prometheusMetrics({ registry: shared, prefix: 'x_', collectDefaultMetrics: true }),
    );
    expect(error.data).toEqual({ option: 'collectDefaultMetrics' });
    expect((await shared.getMetricsAsJSON()).length).toBe(before);
  });

  it('logs and swallows a failure inside the recorder instead of throwing into the core', () => {
    const warnings: unknown[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn: (_message, fields) => warnings.push(fields?.method),
      error() {},
    };
    const metrics = recorder({ logger });
    // A report whose object throws on access is the simplest failure to provoke.
    const hostile = Object.defineProperty({}, 'tool', {
      get() {
        throw new Error('no');
      },
    }) as { tool: string; ok: boolean; durationMs: number };
    expect(() => metrics.toolCall(hostile)).not.toThrow();
    expect(warnings).toEqual(['toolCall']);
  });
});

describe('mesh and memory metrics', () => {
  it('implements the mesh recorder: sent, handled, duration and queue depth', async () => {
    const metrics = recorder();
    const mesh = inProcessMesh({ metrics });
    const [a, b] = [agentId('a'), agentId('b')];
    let received = 0;
    await mesh.join(b, () => {
      received++;
    });
    await mesh.join(a, () => {});
    await mesh.send({ to: b, payload: textPayload('hello') });
    // Delivery is asynchronous; wait (boundedly) until the handler's report arrived.
    const handled = async () =>
      sampleValue(await scrape(metrics), 'skreaver_mesh_messages_handled_total', {
        kind: 'direct',
        status: 'ok',
      });
    for (let i = 0; i < 100 && (await handled()) === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    expect(received).toBe(1);
    const e = await scrape(metrics);
    expect(sampleValue(e, 'skreaver_mesh_messages_sent_total', { kind: 'direct' })).toBe(1);
    expect(
      sampleValue(e, 'skreaver_mesh_messages_handled_total', { kind: 'direct', status: 'ok' }),
    ).toBe(1);
    expect(
      sampleValue(e, 'skreaver_mesh_message_handle_duration_seconds_count', { kind: 'direct' }),
    ).toBe(1);
    expect(
      e.samples.some((s) => s.name === 'skreaver_mesh_queue_depth' && s.labels.agent_id === 'b'),
    ).toBe(true);
    await mesh.close();
  });

  it('counts memory operations by the original op values through instrumentMemory', async () => {
    const metrics = recorder();
    const memory = instrumentMemory(inMemoryMemory(), metrics);
    await memory.store('k', 'v');
    await memory.storeMany([{ key: 'a', value: '1' }]);
    expect(await memory.load('k')).toBe('v');
    await memory.loadMany(['k', 'a']);
    await memory.keys();
    await memory.delete('a');
    const snapshot = (await memory.snapshot?.()) as string;
    await memory.restore?.(snapshot);
    await expect(memory.restore?.('not a snapshot')).rejects.toMatchObject({
      code: 'snapshot_invalid',
    });
    await memory.transaction?.(async (tx) => {
      await tx.store('t', 'x');
      await tx.load('t');
    });
    const e = await scrape(metrics);
    expect(sampleValue(e, 'skreaver_memory_ops_total', { op: 'write' })).toBe(4);
    expect(sampleValue(e, 'skreaver_memory_ops_total', { op: 'read' })).toBe(4);
    expect(sampleValue(e, 'skreaver_memory_ops_total', { op: 'backup' })).toBe(1);
    expect(sampleValue(e, 'skreaver_memory_ops_total', { op: 'restore' })).toBe(2);
    expect(sampleValue(e, 'skreaver_memory_op_errors_total', { op: 'restore' })).toBe(1);
    expect(await memory.load('t')).toBe('x');
    await memory.close?.();
  });

  it('refuses what is not a memory or a recorder', () => {
    optionError(() => instrumentMemory({} as never, recorder()));
    optionError(() => instrumentMemory(inMemoryMemory(), {} as never));
  });
});

// The wrapper must be invisible: the whole memory contract still holds through it.
runMemoryConformance(
  'instrumentMemory(inMemoryMemory())',
  () => instrumentMemory(inMemoryMemory(), { memoryOp() {} }),
  { runner: { describe, it } },
);
