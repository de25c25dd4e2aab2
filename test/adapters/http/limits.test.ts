import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorOf, harnessPerTest, until } from './_harness.js';

const start = harnessPerTest();

/** Sends raw bytes and resolves with everything the server answers before closing. */
function raw(url: string, text: string, keepOpenMs = 0): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(text));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(answer));
    if (keepOpenMs > 0) setTimeout(() => socket.end(), keepOpenMs);
  });
}

function clock(start = 1_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => (time += ms) };
}

describe('request bodies', () => {
  it('refuses a body over maxBodyBytes with 413, by Content-Length or while streaming', async () => {
    const h = await start({ limits: { maxBodyBytes: 1024 } });
    await h.create('echo', 'b1');
    const big = JSON.stringify({ input: 'x'.repeat(2000) });
    let res = await h.post('/agents/b1/observe', { input: 'x'.repeat(2000) }, 'agent');
    expect(res.status).toBe(413);
    expect((await errorOf(res)).code).toBe('size_limit_exceeded');
    const chunks = new TextEncoder().encode(big);
    const body = new ReadableStream({
      start(controller) {
        for (let i = 0; i < chunks.length; i += 256) controller.enqueue(chunks.slice(i, i + 256));
        controller.close();
      },
    });
    res = await h.request('/agents/b1/observe', {
      method: 'POST',
      as: 'agent',
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get('connection')).toBe('close');
    const small = await h.post('/agents/b1/observe', { input: 'ok' }, 'agent');
    expect(small.status).toBe(200);
  });

  it('refuses other content types (415), invalid or too deep JSON and empty bodies (400)', async () => {
    const h = await start();
    await h.create('echo', 'b2');
    const send = (body: string | null, type?: string) =>
      h.request('/agents/b2/observe', {
        method: 'POST',
        as: 'agent',
        headers: type === undefined ? {} : { 'content-type': type },
        body,
      });
    let res = await send('{"input":"x"}', 'text/plain');
    expect(res.status).toBe(415);
    expect((await errorOf(res)).code).toBe('unsupported_media_type');
    res = await send('{"input":"x"}', 'application/vnd.api+json');
    expect(res.status).toBe(200);
    res = await send('{"input": "x"', 'application/json');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details).toEqual({ reason: 'invalid_json' });
    res = await send(`{"input":${'['.repeat(200)}${']'.repeat(200)}}`, 'application/json');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details).toMatchObject({ reason: 'too_deep' });
    res = await send('', 'application/json');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).details).toEqual({ reason: 'missing_body' });
  });
});

describe('deadlines', () => {
  it('answers 504 request_timeout when the step overruns, and frees the agent', async () => {
    const h = await start({ limits: { requestTimeoutMs: 150 } });
    await h.create('gated', 'slow');
    const res = await h.post('/agents/slow/observe', { input: 'never released' }, 'agent');
    expect(res.status).toBe(504);
    expect((await errorOf(res)).code).toBe('request_timeout');
    await until(async () => {
      const status = (await (await h.request('/agents/slow/status')).json()) as Record<
        string,
        unknown
      >;
      return status.status === 'idle' && status.failures === 1;
    });
  });

  it('answers 408 client_timeout to a client that sends its body too slowly', async () => {
    const h = await start({ limits: { requestTimeoutMs: 150 } });
    await h.create('echo', 'slow-body');
    const answer = await raw(
      h.url,
      'POST /agents/slow-body/observe HTTP/1.1\r\nHost: x\r\n' +
        `X-API-Key: ${h.key.agent}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"input":`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(answer).toContain('"code":"client_timeout"');
  });
});

describe('queues and overload', () => {
  it("answers 429 agent_busy with Retry-After when an agent's queue is full", async () => {
    const h = await start({ limits: { maxQueueDepth: 1 } });
    await h.create('gated', 'q');
    const first = h.post('/agents/q/observe', { input: '1' }, 'agent');
    await h.gate.whenStarted(1);
    const second = h.post('/agents/q/observe', { input: '2' }, 'agent');
    await until(async () => {
      const status = (await (await h.request('/agents/q/status')).json()) as { queued: number };
      return status.queued === 1;
    });
    const third = await h.post('/agents/q/observe', { input: '3' }, 'agent');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await errorOf(third)).code).toBe('agent_busy');
    h.gate.release();
    await h.gate.whenStarted(2);
    h.gate.release();
    expect((await first).status).toBe(200);
    expect(((await (await second).json()) as { result: string }).result).toBe('done: 2');
  });

  it('reports queue metrics per agent and for the runtime', async () => {
    const h = await start({ limits: { maxQueueDepth: 1 } });
    await h.create('gated', 'qm');
    await h.create('echo', 'qe');
    expect((await h.post('/agents/qe/observe', { input: 'hi' }, 'agent')).status).toBe(200);
    const first = h.post('/agents/qm/observe', { input: '1' }, 'agent');
    await h.gate.whenStarted(1);
    const second = h.post('/agents/qm/observe', { input: '2' }, 'agent');
    await until(async () => {
      const status = (await (await h.request('/agents/qm/status')).json()) as { queued: number };
      return status.queued === 1;
    });
    expect((await h.post('/agents/qm/observe', { input: '3' }, 'agent')).status).toBe(429);

    type Metrics = Record<string, unknown>;
    const busy = (await (
      await h.request('/agents/qm/queue/metrics', { as: 'viewer' })
    ).json()) as Metrics;
    expect(busy).toMatchObject({
      agentId: 'qm',
      queueSize: 1,
      activeRequests: 1,
      totalProcessed: 0,
      totalRejections: 1,
      totalTimeouts: 0,
      loadFactor: 1,
    });
    h.gate.release();
    await h.gate.whenStarted(2);
    h.gate.release();
    await Promise.all([first, second]);

    const idle = (await (await h.request('/agents/qm/queue/metrics')).json()) as Metrics;
    expect(idle).toMatchObject({
      queueSize: 0,
      activeRequests: 0,
      totalProcessed: 2,
      loadFactor: 0,
    });
    expect(idle.avgProcessingTimeMs).toBeGreaterThan(0);
    const all = (await (await h.request('/queue/metrics')).json()) as Metrics;
    expect(all).toMatchObject({
      agentId: null,
      queueSize: 0,
      totalProcessed: 3,
      totalRejections: 1,
    });
    expect(Date.parse(String(all.timestamp))).not.toBeNaN();
    expect((await h.request('/agents/nobody/queue/metrics')).status).toBe(404);
    expect((await h.request('/queue/metrics', { as: 'none' })).status).toBe(401);
  });

  it('counts a step that runs out of time as a timeout', async () => {
    const h = await start({ coordinator: { stepTimeoutMs: 50 } });
    await h.create('gated', 'slow');
    const answer = await h.post('/agents/slow/observe', { input: 'x' }, 'agent');
    expect((await errorOf(answer)).code).toBe('step_timeout');
    h.gate.releaseAll();
    const metrics = (await (await h.request('/agents/slow/queue/metrics')).json()) as {
      totalTimeouts: number;
      totalProcessed: number;
    };
    expect(metrics).toMatchObject({ totalTimeouts: 1, totalProcessed: 1 });
  });

  it('answers 503 resource_exhausted over maxInFlight; probes still answer', async () => {
    const h = await start({ limits: { maxInFlight: 2 } });
    await h.create('gated', 'g1');
    await h.create('gated', 'g2');
    const busy = [
      h.post('/agents/g1/observe', { input: 'a' }, 'agent'),
      h.post('/agents/g2/observe', { input: 'b' }, 'agent'),
    ];
    await h.gate.whenStarted(2);
    const refused = await h.request('/agents');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect((await errorOf(refused)).code).toBe('resource_exhausted');
    expect((await h.request('/health', { as: 'none' })).status).toBe(200);
    expect((await h.request('/ready', { as: 'none' })).status).toBe(200);
    h.gate.releaseAll();
    for (const res of await Promise.all(busy)) expect(res.status).toBe(200);
    expect((await h.request('/agents')).status).toBe(200);
  });

  it('limits requests in flight per client address (429)', async () => {
    const h = await start({ limits: { maxInFlightPerIp: 1 } });
    await h.create('gated', 'ip1');
    const busy = h.post('/agents/ip1/observe', { input: 'a' }, 'agent');
    await h.gate.whenStarted(1);
    const refused = await h.request('/agents');
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).code).toBe('rate_limited');
    h.gate.releaseAll();
    expect((await busy).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('limits each address with a token bucket and says when to retry', async () => {
    const time = clock();
    const h = await start({
      now: time.now,
      rateLimit: { perIpPerMinute: 3, perPrincipalPerMinute: 0 },
    });
    for (let i = 0; i < 3; i++) expect((await h.request('/agents')).status).toBe(200);
    const refused = await h.request('/agents');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('20');
    const error = await errorOf(refused);
    expect(error.code).toBe('rate_limited');
    expect(error.details).toMatchObject({ limit: 'per address', retryAfterSeconds: 20 });
    time.advance(20_000);
    expect((await h.request('/agents')).status).toBe(200);
    expect((await h.request('/health', { as: 'none' })).status).toBe(200);
  });

  it('limits each principal separately', async () => {
    const time = clock();
    const h = await start({
      now: time.now,
      rateLimit: { perIpPerMinute: 0, perPrincipalPerMinute: 2 },
    });
    expect((await h.request('/agents', { as: 'viewer' })).status).toBe(200);
    expect((await h.request('/agents', { as: 'viewer' })).status).toBe(200);
    const refused = await h.request('/agents', { as: 'viewer' });
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).details).toMatchObject({ limit: 'per principal' });
    expect((await h.request('/agents', { as: 'admin' })).status).toBe(200);
  });

  it('applies a global rate when asked', async () => {
    const time = clock();
    const h = await start({
      now: time.now,
      rateLimit: { perIpPerMinute: 0, perPrincipalPerMinute: 0, globalPerMinute: 1 },
    });
    expect((await h.request('/agents')).status).toBe(200);
    const refused = await h.request('/agents');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
  });
});
