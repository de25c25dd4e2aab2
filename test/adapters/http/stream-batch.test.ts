import { describe, expect, it } from 'vitest';
import { errorOf, type Harness, harnessPerTest, until } from './_harness.js';

const start = harnessPerTest();

interface SseEvent {
  event: string;
  id: string;
  data: Record<string, unknown>;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '' && !block.startsWith(':'))
    .map((block) => {
      const fields: Record<string, string> = {};
      for (const line of block.split('\n')) {
        const at = line.indexOf(': ');
        if (at > 0) fields[line.slice(0, at)] = line.slice(at + 2);
      }
      return {
        event: fields.event ?? '',
        id: fields.id ?? '',
        data: JSON.parse(fields.data ?? 'null'),
      };
    });
}

const stream = (h: Harness, id: string, input: unknown, signal?: AbortSignal) =>
  h.request(`/agents/${id}/observe/stream`, {
    method: 'POST',
    as: 'agent',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ input }),
    ...(signal === undefined ? {} : { signal }),
  });

describe('POST /agents/{id}/observe/stream', () => {
  it('streams the coordinator events in order and ends with the result', async () => {
    const h = await start();
    await h.create('echo', 's1');
    const res = await stream(h, 's1', 'hello');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event)).toEqual([
      'step.started',
      'tool.called',
      'tool.result',
      'step.finished',
      'result',
    ]);
    expect(events.map((e) => e.id)).toEqual(['1', '2', '3', '4', '5']);
    expect(events[0]?.data).toMatchObject({
      type: 'step.started',
      agentId: 's1',
      step: 1,
      observation: 'hello',
    });
    expect(events[2]?.data).toMatchObject({ result: { ok: true, output: 'HELLO' } });
    expect(events[4]?.data).toMatchObject({
      agentId: 's1',
      result: 'Echo: HELLO',
      toolCalls: [{ name: 'uppercase' }],
    });
  });

  it('ends with step.failed and an error event when the step fails', async () => {
    const h = await start();
    await h.create('echo', 's2');
    const res = await stream(h, 's2', 'fail');
    const events = parseSse(await res.text());
    expect(events.map((e) => e.event).slice(-2)).toEqual(['step.failed', 'error']);
    expect(events.at(-1)?.data).toEqual({
      error: {
        code: 'agent_failed',
        message: expect.stringContaining('asked to fail'),
        requestId: res.headers.get('x-request-id'),
      },
    });
  });

  it('says queued first when the agent is busy', async () => {
    const h = await start();
    await h.create('gated', 's3');
    const first = stream(h, 's3', 'one');
    await h.gate.whenStarted(1);
    const second = stream(h, 's3', 'two');
    await until(
      async () =>
        ((await (await h.request('/agents/s3')).json()) as { queued: number }).queued === 1,
    );
    h.gate.release();
    await h.gate.whenStarted(2);
    h.gate.release();
    await (await first).text();
    const events = parseSse(await (await second).text());
    expect(events[0]).toMatchObject({
      event: 'queued',
      data: { type: 'queued', agentId: 's3', position: 1 },
    });
    expect(events.at(-1)?.event).toBe('result');
  });

  it('sends keep-alive comments while the step is silent', async () => {
    const h = await start({ limits: { sseKeepAliveMs: 20 } });
    await h.create('gated', 'ka');
    const res = await stream(h, 'ka', 'wait');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes(': keep-alive')) text += decoder.decode((await reader.read()).value);
    h.gate.release();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value);
    }
    expect(parseSse(text).map((e) => e.event)).toEqual(['step.started', 'step.finished', 'result']);
  });

  it('answers failures before the stream in the error format', async () => {
    const h = await start({ limits: { maxQueueDepth: 0 } });
    let res = await stream(h, 'missing', 'x');
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe('agent_not_found');
    await h.create('gated', 's4');
    res = await stream(h, 's4', 42);
    expect(res.status).toBe(400);
    const busy = stream(h, 's4', 'block');
    await h.gate.whenStarted(1);
    res = await stream(h, 's4', 'again');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBeTruthy();
    h.gate.releaseAll();
    await (await busy).text();
  });

  it('ends with a request_timeout error event at the deadline', async () => {
    const h = await start({ limits: { requestTimeoutMs: 150 } });
    await h.create('gated', 's5');
    const events = parseSse(await (await stream(h, 's5', 'stuck')).text());
    expect(events.map((e) => e.event)).toEqual(['step.started', 'step.failed', 'error']);
    expect(events.at(-1)?.data).toMatchObject({ error: { code: 'request_timeout' } });
  });

  it('keeps its in-flight slot until the stream ends', async () => {
    const h = await start({ limits: { maxInFlight: 1 } });
    await h.create('gated', 's6');
    const res = await stream(h, 's6', 'long');
    expect(res.status).toBe(200);
    await h.gate.whenStarted(1);
    expect((await h.request('/agents')).status).toBe(503);
    h.gate.release();
    await res.text();
    await until(async () => (await h.request('/agents')).status === 200);
  });

  it('aborts the step when the client goes away', async () => {
    const h = await start();
    await h.create('gated', 's7');
    const controller = new AbortController();
    const res = await stream(h, 's7', 'bye', controller.signal);
    await h.gate.whenStarted(1);
    controller.abort();
    await res.text().catch(() => undefined);
    await until(async () => {
      const status = (await (await h.request('/agents/s7/status')).json()) as Record<
        string,
        unknown
      >;
      return status.failures === 1 && status.status === 'idle';
    });
  });
});

describe('POST /agents/{id}/batch', () => {
  it('runs every input and reports each one, failures included, in input order', async () => {
    const h = await start();
    await h.create('echo', 'b1');
    const res = await h.post(
      '/agents/b1/batch',
      { inputs: ['a', 'fail', 7, 'b'], parallelLimit: 2 },
      'agent',
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      agentId: string;
      results: {
        index: number;
        ok: boolean;
        report?: { result: string };
        error?: { code: string };
      }[];
      succeeded: number;
      failed: number;
    };
    expect(body).toMatchObject({ agentId: 'b1', succeeded: 2, failed: 2 });
    expect(body.results.map((r) => r.index)).toEqual([0, 1, 2, 3]);
    expect(body.results[0]).toMatchObject({ ok: true, report: { result: 'Echo: A' } });
    expect(body.results[1]).toMatchObject({ ok: false, error: { code: 'agent_failed' } });
    expect(body.results[2]).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(body.results[3]).toMatchObject({ ok: true, report: { result: 'Echo: B' } });
  });

  it('keeps at most parallelLimit of its steps in the lane', async () => {
    const h = await start();
    await h.create('gated', 'b2');
    const batch = h.post(
      '/agents/b2/batch',
      { inputs: ['1', '2', '3', '4'], parallel_limit: 2 },
      'agent',
    );
    await h.gate.whenStarted(1);
    await until(
      async () =>
        ((await (await h.request('/agents/b2')).json()) as { queued: number }).queued === 1,
    );
    for (let i = 1; i <= 4; i++) {
      await h.gate.whenStarted(i);
      const { queued } = (await (await h.request('/agents/b2')).json()) as { queued: number };
      expect(queued).toBeLessThanOrEqual(1);
      h.gate.release();
    }
    const body = (await (await batch).json()) as { succeeded: number };
    expect(body.succeeded).toBe(4);
    expect(h.gate.started).toEqual(['b2:1', 'b2:2', 'b2:3', 'b2:4']);
  });

  it('refuses an empty batch (a NonEmptyArray), too many inputs, and a bad limit', async () => {
    const h = await start({ limits: { maxBatchItems: 3, maxBatchParallel: 2 } });
    await h.create('echo', 'b3');
    let res = await h.post('/agents/b3/batch', { inputs: [] }, 'agent');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('empty_collection');
    res = await h.post('/agents/b3/batch', { inputs: ['1', '2', '3', '4'] }, 'agent');
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('invalid_input');
    res = await h.post('/agents/b3/batch', { inputs: ['1'], parallelLimit: 3 }, 'agent');
    expect(res.status).toBe(400);
    res = await h.post('/agents/missing/batch', { inputs: ['1'] }, 'agent');
    expect(res.status).toBe(404);
  });

  it('refuses the whole batch with 429 when the queue has no room', async () => {
    const h = await start({ limits: { maxQueueDepth: 0 } });
    await h.create('gated', 'b4');
    const busy = h.post('/agents/b4/observe', { input: 'x' }, 'agent');
    await h.gate.whenStarted(1);
    const res = await h.post('/agents/b4/batch', { inputs: ['1', '2'] }, 'agent');
    expect(res.status).toBe(429);
    expect((await errorOf(res)).code).toBe('agent_busy');
    h.gate.releaseAll();
    expect((await busy).status).toBe(200);
  });
});
