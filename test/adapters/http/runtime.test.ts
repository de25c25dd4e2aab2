import { createApiKeyManager, inMemoryMemory, type Memory, type Span, type Tracer } from 'skreaver';
import type { HttpMetrics, HttpRequestMetric } from 'skreaver/http';
import { describe, expect, it } from 'vitest';
import { errorOf, harnessPerTest, until } from './_harness.js';

const start = harnessPerTest();

describe('concurrency', () => {
  it("runs one agent's steps one at a time and different agents in parallel", async () => {
    const h = await start();
    await h.create('gated', 'p1');
    await h.create('gated', 'p2');
    const a1 = h.post('/agents/p1/observe', { input: 'first' }, 'agent');
    const b1 = h.post('/agents/p2/observe', { input: 'other' }, 'agent');
    await h.gate.whenStarted(2);
    expect(h.gate.started.sort()).toEqual(['p1:first', 'p2:other']);
    const a2 = h.post('/agents/p1/observe', { input: 'second' }, 'agent');
    await until(
      async () =>
        ((await (await h.request('/agents/p1')).json()) as { queued: number }).queued === 1,
    );
    expect(h.gate.started).toHaveLength(2);
    h.gate.releaseAll();
    await h.gate.whenStarted(3);
    h.gate.releaseAll();
    const results = await Promise.all(
      [a1, b1, a2].map(async (r) => ((await (await r).json()) as { result: string }).result),
    );
    expect(results).toEqual(['done: first', 'done: other', 'done: second']);
  });

  it('runs steps of many agents at once without piling listeners on one signal', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error): void => {
      warnings.push(warning);
    };
    process.on('warning', onWarning);
    try {
      const h = await start();
      const ids = Array.from({ length: 30 }, (_, i) => `wide-${i}`);
      for (const id of ids) await h.create('gated', id);
      const answers = ids.map((id) => h.post(`/agents/${id}/observe`, { input: id }, 'agent'));
      await h.gate.whenStarted(ids.length);
      h.gate.releaseAll();
      expect((await Promise.all(answers)).map((r) => r.status)).toEqual(Array(30).fill(200));
      // Node reports a listener leak asynchronously.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('answers many concurrent batches, steps and status reads', async () => {
    const h = await start();
    await h.create('echo', 'many');
    const requests = Array.from({ length: 10 }, (_, i) => [
      h.post('/agents/many/batch', { inputs: [`b${i}`, `c${i}`] }, 'agent'),
      h.post('/agents/many/observe', { input: `o${i}` }, 'agent'),
      h.request('/agents/many/status', { as: 'viewer' }),
    ]).flat();
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses).toEqual(Array(30).fill(200));
    const status = (await (await h.request('/agents/many/status')).json()) as { steps: number };
    expect(status.steps).toBe(30);
  });
});

describe('readiness', () => {
  it('names the failing component: memory, mesh, policy, custom checks, draining', async () => {
    let meshUp = true;
    let lockdown = false;
    let customOk = true;
    const memory: Memory = inMemoryMemory();
    let memoryUp = true;
    // A memory with health(): readiness asks it.
    const probed: Memory = {
      capabilities: memory.capabilities,
      load: (key) => memory.load(key),
      loadMany: (keys) => memory.loadMany(keys),
      keys: (prefix) => memory.keys(prefix),
      store: (key, value, options) => memory.store(key, value, options),
      storeMany: (entries, options) => memory.storeMany(entries, options),
      delete: (key) => memory.delete(key),
      health: async () =>
        memoryUp
          ? { status: 'ok', latencyMs: 0, backend: 'test' }
          : {
              status: 'down',
              latencyMs: 0,
              backend: 'test',
              error: { code: 'memory_io', message: 'disk on fire' },
            },
    };
    const h = await start({
      memory: probed,
      mesh: { listAgents: async () => (meshUp ? [] : Promise.reject(new Error('redis gone'))) },
      guard: {
        hook: () => ({ allow: true }),
        lockdown: {
          get isActive() {
            return lockdown;
          },
          state: { scope: 'all' },
        },
      },
      readiness: { queue: () => (customOk ? true : { ok: false, reason: 'backlog' }) },
    });
    const ready = async () => {
      const res = await h.request('/ready', { as: 'none' });
      return {
        status: res.status,
        body: (await res.json()) as {
          components: Record<string, unknown>;
          error: { code: string; message: string; details: { failing: string[] } };
        },
      };
    };
    expect((await ready()).body.components).toMatchObject({
      memory: { status: 'ok' },
      mesh: { status: 'ok' },
      policy: { status: 'ok' },
      queue: { status: 'ok' },
    });
    const cases: [() => void, string, string][] = [
      [() => (memoryUp = false), 'memory_unavailable', 'memory (disk on fire)'],
      [() => (meshUp = false), 'mesh_unavailable', 'mesh (redis gone)'],
      [() => (lockdown = true), 'lockdown_active', 'policy (emergency lockdown'],
      [() => (customOk = false), 'resource_exhausted', 'queue (backlog)'],
    ];
    for (const [breakIt, code, named] of cases) {
      memoryUp = meshUp = customOk = true;
      lockdown = false;
      breakIt();
      const { status, body } = await ready();
      expect(status).toBe(503);
      expect(body.error.code).toBe(code);
      expect(body.error.message).toContain(named);
      expect(body.error.details.failing).toHaveLength(1);
    }
    memoryUp = meshUp = customOk = true;
    lockdown = false;
    expect((await ready()).status).toBe(200);
    await h.runtime.drain({ timeoutMs: 100 });
    const draining = await ready();
    expect(draining.status).toBe(503);
    expect(draining.body.error.code).toBe('shutting_down');
    const refused = await h.request('/agents');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect((await errorOf(refused)).code).toBe('shutting_down');
    expect((await h.request('/health', { as: 'none' })).status).toBe(200);
  });

  it('probes a memory without health() with a read', async () => {
    const memory = inMemoryMemory();
    let up = true;
    const plain: Memory = {
      capabilities: memory.capabilities,
      load: (key) => (up ? memory.load(key) : Promise.reject(new Error('no route to host'))),
      loadMany: (keys) => memory.loadMany(keys),
      keys: (prefix) => memory.keys(prefix),
      store: (key, value, options) => memory.store(key, value, options),
      storeMany: (entries, options) => memory.storeMany(entries, options),
      delete: (key) => memory.delete(key),
    };
    const h = await start({ memory: plain });
    expect((await h.request('/ready', { as: 'none' })).status).toBe(200);
    up = false;
    const res = await h.request('/ready', { as: 'none' });
    expect(res.status).toBe(503);
    expect((await errorOf(res)).message).toBe('Not ready: memory (no route to host).');
  });

  it('counts a check that does not answer in time as down', async () => {
    const h = await start({
      limits: { readyTimeoutMs: 20 },
      readiness: { hung: () => new Promise<boolean>(() => {}) },
    });
    const res = await h.request('/ready', { as: 'none' });
    expect(res.status).toBe(503);
    expect((await errorOf(res)).message).toContain('hung (no answer within 20 ms)');
  });
});

describe('metrics and tracing', () => {
  it('reports requests, auth, limits, steps and tool calls, and serves render()', async () => {
    const requests: HttpRequestMetric[] = [];
    const events: string[] = [];
    let inFlight = 0;
    const metrics: HttpMetrics = {
      httpRequest: (m) => requests.push(m),
      httpInFlight: (d) => {
        inFlight += d;
      },
      authAttempt: (outcome, method) => events.push(`auth:${outcome}:${method}`),
      limitExceeded: (kind) => events.push(`limit:${kind}`),
      step: (m) => events.push(`step:${m.agentId}:${m.ok}`),
      toolCall: (m) => events.push(`tool:${m.tool}:${m.ok}`),
      render: () => 'custom_metric 1\n',
      contentType: 'text/plain; version=0.0.4',
    };
    const spans: string[] = [];
    const tracer: Tracer = {
      startSpan(name, attributes) {
        const span: Span = {
          setAttribute: (key, value) => spans.push(`${name}:${key}=${value}`),
          recordError: () => spans.push(`${name}:error`),
          end: () => spans.push(`${name}:end`),
        };
        spans.push(`${name}:start:${attributes?.['http.method'] ?? ''}`);
        return span;
      },
    };
    const h = await start({ metrics, tracer, limits: { maxQueueDepth: 0 } });
    await h.create('echo', 'm1');
    await h.post('/agents/m1/observe', { input: 'x' }, 'agent');
    await h.request('/agents', { as: 'none' });
    const text = await (await h.request('/metrics', { as: 'none' })).text();
    expect(text).toBe('custom_metric 1\n');
    await until(() => requests.length >= 4);
    expect(requests.map((r) => `${r.method} ${r.route} ${r.status}`)).toEqual([
      'POST /agents 201',
      'POST /agents/{id}/observe 200',
      'GET /agents 401',
      'GET /metrics 200',
    ]);
    expect(events).toContain('auth:success:api_key');
    expect(events).toContain('auth:failure:none');
    expect(events).toContain('step:m1:true');
    expect(events).toContain('tool:uppercase:true');
    await h.create('gated', 'm2');
    const busy = h.post('/agents/m2/observe', { input: 'x' }, 'agent');
    await h.gate.whenStarted(1);
    expect((await h.post('/agents/m2/observe', { input: 'y' }, 'agent')).status).toBe(429);
    expect(events).toContain('limit:queue');
    h.gate.releaseAll();
    await busy;
    expect(inFlight).toBe(0);
    expect(spans).toContain('http.request:start:POST');
    expect(spans).toContain('http.request:http.route=/agents/{id}/observe');
    expect(spans).toContain('http.request:http.status_code=401');
    expect(spans).toContain('agent.step:end');
  });
});

describe('extra routes and the registry API', () => {
  it('mounts routes behind the same middleware and auth', async () => {
    const keys = createApiKeyManager();
    const h = await start({
      auth: { apiKeys: keys },
      routes: ({ app, protect, json }) => {
        app.post('/mcp', protect('tool:execute'), (c) =>
          json(c, 200, { caller: c.get('principal')?.id }),
        );
        app.get('/public-extra', (c) => c.text('plain'));
      },
    });
    expect((await h.request('/mcp', { method: 'POST', as: 'none' })).status).toBe(401);
    expect((await h.request('/mcp', { method: 'POST', as: 'viewer' })).status).toBe(403);
    const ok = await h.request('/mcp', { method: 'POST', as: 'agent' });
    expect(await ok.json()).toEqual({ caller: 'agent-user' });
    const plain = await h.request('/public-extra', { as: 'none' });
    expect(await plain.text()).toBe('plain');
    expect(plain.headers.get('x-request-id')).toBeTruthy();
    expect(plain.headers.get('x-frame-options')).toBe('DENY');
  });

  it('offers the same operations without HTTP', async () => {
    const h = await start();
    const info = await h.runtime.agents.create({ type: 'echo', id: 'direct' });
    expect(info).toMatchObject({ id: 'direct', type: 'echo', status: 'idle' });
    const report = await h.runtime.agents.step('direct', 'hey', {
      principal: { id: 'me', roles: ['admin'] },
    });
    expect(report.result).toBe('Echo: HEY');
    expect(h.runtime.agents.list().map((a) => a.id)).toEqual(['direct']);
    expect(await h.runtime.agents.delete('direct')).toBe(true);
    expect(await h.runtime.agents.delete('direct')).toBe(false);
    await expect(h.runtime.agents.step('direct', 'x')).rejects.toMatchObject({
      code: 'agent_not_found',
    });
  });

  it('refuses agents past maxAgents', async () => {
    const h = await start({ limits: { maxAgents: 1 } });
    await h.create('echo', 'only');
    const res = await h.post('/agents', { type: 'echo', id: 'second' });
    expect(res.status).toBe(503);
    expect((await errorOf(res)).code).toBe('resource_exhausted');
  });
});
