import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, type Harness, startHarness } from './_harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

describe('health, readiness, metrics', () => {
  it('GET /health answers 200 without credentials', async () => {
    const res = await h.request('/health', { as: 'none' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: 'ok',
      service: 'skreaver-http-runtime',
      version: '9.9.9',
    });
    expect(Number.isInteger(body.uptimeSeconds)).toBe(true);
    expect(Date.parse(String(body.timestamp))).not.toBeNaN();
  });

  it('GET /ready checks memory (and reports mesh and policy as not configured)', async () => {
    const res = await h.request('/ready', { as: 'none' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      components: Record<string, { status: string }>;
    };
    expect(body.status).toBe('ready');
    expect(body.components.memory?.status).toBe('ok');
    expect(body.components.runtime?.status).toBe('ok');
    expect(body.components.mesh?.status).toBe('not_configured');
    expect(body.components.policy?.status).toBe('not_configured');
  });

  it('GET /metrics is public and speaks the Prometheus text format', async () => {
    const res = await h.request('/metrics', { as: 'none' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text = await res.text();
    expect(text).toMatch(/^# TYPE skreaver_agents gauge$/m);
    expect(text).toMatch(/^skreaver_http_requests_in_flight \d+$/m);
  });
});

describe('agent instances', () => {
  it('creates with { type, id, config }: 201, Location and { id, type, status }', async () => {
    const res = await h.post('/agents', {
      type: 'echo',
      id: 'created-1',
      config: { mood: 'calm' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/agents/created-1');
    expect(await res.json()).toEqual({ id: 'created-1', type: 'echo', status: 'idle' });
  });

  it("accepts the original's { spec: { agent_type, name } } and generates an id", async () => {
    const res = await h.post('/agents', { spec: { agent_type: 'echo', name: 'My Agent!' } });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string };
    expect(body.id).toMatch(/^echo-myagent-[0-9a-f]{8}$/);
    expect(res.headers.get('location')).toBe(`/agents/${body.id}`);
    const custom = await h.post('/agents', { spec: { agent_type: { custom: 'echo' } } });
    expect(custom.status).toBe(201);
  });

  it('generates <type>-<8 hex> when no id is given', async () => {
    const res = await h.post('/agents', { type: 'echo' });
    expect(((await res.json()) as { id: string }).id).toMatch(/^echo-[0-9a-f]{8}$/);
  });

  it('refuses unknown types, bad ids, duplicates and bad bodies', async () => {
    let res = await h.post('/agents', { type: 'nope' });
    expect(res.status).toBe(400);
    let error = await errorOf(res);
    expect(error.code).toBe('invalid_input');
    expect(error.message).toContain("Unknown agent type 'nope'");
    res = await h.post('/agents', { type: 'echo', id: 'has space' });
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_identifier');
    await h.create('echo', 'dupe');
    res = await h.post('/agents', { type: 'echo', id: 'dupe' });
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('agent_duplicate');
    res = await h.post('/agents', { type: 'echo', extra: true });
    expect(res.status).toBe(400);
    error = await errorOf(res);
    expect(error.code).toBe('invalid_input');
    expect(error.details).toMatchObject({ reason: 'schema' });
  });

  it('lists, inspects, reports status, and deletes', async () => {
    await h.create('echo', 'life-1');
    const list = (await (await h.request('/agents', { as: 'viewer' })).json()) as {
      agents: { id: string }[];
      total: number;
      types: string[];
    };
    expect(list.agents.map((a) => a.id)).toContain('life-1');
    expect(list.total).toBe(list.agents.length);
    expect(list.types).toEqual(['echo', 'gated']);
    const info = await h.request('/agents/life-1', { as: 'viewer' });
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      id: 'life-1',
      type: 'echo',
      status: 'idle',
      steps: 0,
      failures: 0,
      queued: 0,
      lastActivityAt: null,
      config: {},
    });
    await h.post('/agents/life-1/observe', { input: 'x' }, 'agent');
    const status = (await (
      await h.request('/agents/life-1/status', { as: 'viewer' })
    ).json()) as Record<string, unknown>;
    expect(status).toMatchObject({
      id: 'life-1',
      status: 'idle',
      steps: 1,
      failures: 0,
      queued: 0,
    });
    expect(typeof status.lastActivityAt).toBe('string');
    const deleted = await h.request('/agents/life-1', { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
    for (const path of ['/agents/life-1', '/agents/life-1/status']) {
      const gone = await h.request(path);
      expect(gone.status).toBe(404);
      expect((await errorOf(gone)).code).toBe('agent_not_found');
    }
    const again = await h.request('/agents/life-1', { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  it('validates ids in paths', async () => {
    const res = await h.request('/agents/bad%20id/status');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_identifier');
    const long = await h.request(`/agents/${'a'.repeat(129)}`);
    expect(long.status).toBe(400);
  });
});

describe('observe', () => {
  it("returns the step's result and tool calls", async () => {
    await h.create('echo', 'obs-1');
    const res = await h.post('/agents/obs-1/observe', { input: 'hello' }, 'agent');
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      agentId: 'obs-1',
      step: 1,
      result: 'Echo: HELLO',
      rounds: 1,
      toolCalls: [{ name: 'uppercase', input: 'hello', round: 1, ok: true, output: 'HELLO' }],
    });
    expect(typeof body.durationMs).toBe('number');
  });

  it('answers a failing step in the error format, and the agent keeps working', async () => {
    await h.create('echo', 'obs-fail');
    const res = await h.post('/agents/obs-fail/observe', { input: 'fail' }, 'agent');
    expect(res.status).toBe(500);
    const error = await errorOf(res);
    expect(error.code).toBe('agent_failed');
    expect(error.message).toContain('asked to fail');
    const next = await h.post('/agents/obs-fail/observe', { input: 'ok' }, 'agent');
    expect(next.status).toBe(200);
    const status = (await (await h.request('/agents/obs-fail/status')).json()) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({ steps: 1, failures: 1 });
  });

  it('checks the input against the type schema and the agent exists', async () => {
    await h.create('echo', 'obs-2');
    let res = await h.post('/agents/obs-2/observe', { input: 42 }, 'agent');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("agent type 'echo'");
    res = await h.post('/agents/obs-2/observe', { text: 'x' }, 'agent');
    expect(res.status).toBe(400);
    res = await h.post('/agents/missing/observe', { input: 'x' }, 'agent');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('agent_not_found');
  });
});

describe('unknown routes and methods', () => {
  it('answers 404 route_not_found for unknown paths', async () => {
    const res = await h.request('/nowhere', { as: 'none' });
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('route_not_found');
  });

  it('answers HEAD wherever GET works', async () => {
    const res = await h.request('/health', { method: 'HEAD', as: 'none' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });

  it('answers 405 with Allow for a known path and another method', async () => {
    let res = await h.request('/agents/x/observe');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await errorOf(res)).code).toBe('method_not_allowed');
    res = await h.request('/agents', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    res = await h.request('/health', { method: 'PATCH', as: 'none' });
    expect(res.status).toBe(405);
  });
});

describe('every response', () => {
  it('carries a request id (kept from a sane X-Request-Id) and security headers', async () => {
    const mine = await h.request('/health', {
      as: 'none',
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    const junk = await h.request('/health', { as: 'none', headers: { 'x-request-id': 'a b\tc' } });
    expect(junk.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    for (const res of [
      mine,
      await h.request('/nowhere', { as: 'none' }),
      await h.request('/agents', { as: 'none' }),
    ]) {
      expect(res.headers.get('x-request-id')).toBeTruthy();
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('answers CORS preflights and marks cross-origin responses', async () => {
    const preflight = await h.request('/agents', {
      method: 'OPTIONS',
      as: 'none',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-API-Key');
    const simple = await h.request('/health', {
      as: 'none',
      headers: { origin: 'https://app.example' },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    expect(simple.headers.get('access-control-expose-headers')).toContain('X-Request-Id');
    const noOrigin = await h.request('/health', { as: 'none' });
    expect(noOrigin.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('compresses large JSON responses for clients that accept gzip, not small ones', async () => {
    const big = await fetch(`${h.url}/openapi.json`, { headers: { 'accept-encoding': 'gzip' } });
    expect(big.headers.get('content-encoding')).toBe('gzip');
    expect(big.headers.get('vary')).toContain('Accept-Encoding');
    expect(((await big.json()) as { openapi: string }).openapi).toBe('3.1.0');
    const small = await fetch(`${h.url}/health`, { headers: { 'accept-encoding': 'gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });
});

describe('docs', () => {
  it('serves the OpenAPI document and Swagger UI with its own CSP', async () => {
    const doc = await h.request('/openapi.json', { as: 'none' });
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { info: { version: string } }).info.version).toBe('9.9.9');
    const page = await h.request('/docs', { as: 'none' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toMatch(
      /script-src https:\/\/unpkg\.com 'sha256-/,
    );
    expect(await page.text()).toContain('/openapi.json');
  });
});
