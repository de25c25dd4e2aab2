import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolRegistryOptions } from '../../src/tools/registry.js';
import type { ToolResult } from '../../src/tools/tool.js';
import { deferred, flushMicrotasks, recordingMetrics, tool, watch } from './helpers.js';

function codeOf(result: ToolResult | undefined): string | undefined {
  return result === undefined || result.ok ? undefined : result.error.code;
}

/** A tool whose calls wait until the test finishes them, recording start order and peak concurrency. */
function gatedRegistry(options: ToolRegistryOptions) {
  const started: number[] = [];
  const gates = new Map<number, ReturnType<typeof deferred<string>>>();
  let running = 0;
  let peak = 0;
  const registry = createToolRegistry(options).register(
    tool(
      'gated',
      async (input) => {
        const n = input as number;
        started.push(n);
        running++;
        peak = Math.max(peak, running);
        const gate = deferred<string>();
        gates.set(n, gate);
        try {
          return await gate.promise;
        } finally {
          running--;
        }
      },
      { inputSchema: { type: 'integer' } },
    ),
  );
  const finish = async (n: number): Promise<void> => {
    gates.get(n)?.resolve(`done ${n}`);
    await flushMicrotasks();
  };
  return { registry, started, finish, peak: () => peak };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('dispatch: concurrency per tool', () => {
  it('runs at most maxConcurrentPerTool calls at once and starts waiting calls in arrival order', async () => {
    const { registry, started, finish, peak } = gatedRegistry({ maxConcurrentPerTool: 2 });
    const results = [0, 1, 2, 3, 4].map((n) => registry.dispatch({ name: 'gated', input: n }));
    await flushMicrotasks();
    expect(started).toEqual([0, 1]);
    await finish(1);
    expect(started).toEqual([0, 1, 2]);
    await finish(0);
    expect(started).toEqual([0, 1, 2, 3]);
    await finish(3);
    await finish(2);
    await finish(4);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak()).toBe(2);
    expect(await Promise.all(results)).toEqual(
      [0, 1, 2, 3, 4].map((n) => ({ ok: true, output: `done ${n}` })),
    );
    expect(vi.getTimerCount()).toBe(0);
  });

  it('limits each tool separately', async () => {
    const { registry, started } = gatedRegistry({ maxConcurrentPerTool: 1 });
    registry.register(tool('other', () => 'free'));
    void registry.dispatch({ name: 'gated', input: 0 });
    void registry.dispatch({ name: 'gated', input: 1 });
    expect(await registry.dispatch({ name: 'other', input: {} })).toEqual({
      ok: true,
      output: 'free',
    });
    expect(started).toEqual([0]);
  });

  it('refuses with tool_overloaded once maxQueuedPerTool calls are waiting', async () => {
    const { registry, started, finish } = gatedRegistry({
      maxConcurrentPerTool: 1,
      maxQueuedPerTool: 1,
    });
    const first = registry.dispatch({ name: 'gated', input: 0 });
    const second = registry.dispatch({ name: 'gated', input: 1 });
    const third = await registry.dispatch({ name: 'gated', input: 2 });
    expect(codeOf(third)).toBe('tool_overloaded');
    expect(third.ok ? undefined : third.error.data).toEqual({ tool: 'gated', maxQueued: 1 });
    await finish(0);
    await finish(1);
    expect(await first).toEqual({ ok: true, output: 'done 0' });
    expect(await second).toEqual({ ok: true, output: 'done 1' });
    expect(started).toEqual([0, 1]);
  });

  it('lets no call wait when maxQueuedPerTool is 0', async () => {
    const { registry } = gatedRegistry({ maxConcurrentPerTool: 1, maxQueuedPerTool: 0 });
    void registry.dispatch({ name: 'gated', input: 0 });
    expect(codeOf(await registry.dispatch({ name: 'gated', input: 1 }))).toBe('tool_overloaded');
  });

  it('takes a waiting call whose signal aborts out of the line', async () => {
    const { registry, started, finish } = gatedRegistry({
      maxConcurrentPerTool: 1,
      maxQueuedPerTool: 1,
    });
    void registry.dispatch({ name: 'gated', input: 0 });
    const controller = new AbortController();
    const leaving = registry.dispatch({ name: 'gated', input: 1 }, { signal: controller.signal });
    controller.abort();
    expect(codeOf(await leaving)).toBe('tool_aborted');
    const next = registry.dispatch({ name: 'gated', input: 2 });
    await finish(0);
    expect(started).toEqual([0, 2]);
    await finish(2);
    expect(await next).toEqual({ ok: true, output: 'done 2' });
  });

  it('keeps the order of the others when a call in the middle of the line leaves', async () => {
    const { registry, started, finish } = gatedRegistry({ maxConcurrentPerTool: 1 });
    void registry.dispatch({ name: 'gated', input: 0 });
    const controllers = [1, 2, 3].map(() => new AbortController());
    const waiting = [1, 2, 3].map((n, i) =>
      registry.dispatch(
        { name: 'gated', input: n },
        { signal: (controllers[i] as AbortController).signal },
      ),
    );
    controllers[1]?.abort();
    controllers[2]?.abort();
    expect(codeOf(await waiting[1])).toBe('tool_aborted');
    expect(codeOf(await waiting[2])).toBe('tool_aborted');
    void registry.dispatch({ name: 'gated', input: 4 });
    await finish(0);
    await finish(1);
    expect(started).toEqual([0, 1, 4]);
  });

  it('gives back a slot granted to a call that was settled before it could start', async () => {
    const controller = new AbortController();
    const metrics = {
      step() {},
      // Settling the first call aborts the second just after its slot was granted.
      toolCall: () => controller.abort(),
    };
    const { registry, started, finish } = gatedRegistry({ maxConcurrentPerTool: 1, metrics });
    void registry.dispatch({ name: 'gated', input: 0 });
    const second = registry.dispatch({ name: 'gated', input: 1 }, { signal: controller.signal });
    const third = registry.dispatch({ name: 'gated', input: 2 });
    await finish(0);
    expect(codeOf(await second)).toBe('tool_aborted');
    await finish(2);
    expect(await third).toEqual({ ok: true, output: 'done 2' });
    expect(started).toEqual([0, 2]);
  });

  it('counts time spent waiting for a slot against the timeout', async () => {
    const { registry, started } = gatedRegistry({ maxConcurrentPerTool: 1, timeoutMs: 100 });
    void registry.dispatch({ name: 'gated', input: 0 }, { timeoutMs: Number.POSITIVE_INFINITY });
    const waiting = watch(registry.dispatch({ name: 'gated', input: 1 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(codeOf(waiting.result)).toBe('tool_timeout');
    expect(started).toEqual([0]);
  });

  it('keeps an abandoned tool slot until the tool really settles', async () => {
    const { registry, started, finish } = gatedRegistry({
      maxConcurrentPerTool: 1,
      timeoutMs: 100,
    });
    const stuck = watch(registry.dispatch({ name: 'gated', input: 0 }));
    await vi.advanceTimersByTimeAsync(100);
    expect(codeOf(stuck.result)).toBe('tool_timeout');
    const next = watch(registry.dispatch({ name: 'gated', input: 1 }));
    await flushMicrotasks();
    expect(started).toEqual([0]);
    await finish(0);
    expect(started).toEqual([0, 1]);
    await finish(1);
    expect(next.result).toEqual({ ok: true, output: 'done 1' });
  });

  it('reports slots taken and given back to toolInFlight in pairs', async () => {
    const metrics = recordingMetrics();
    const { registry, finish } = gatedRegistry({ maxConcurrentPerTool: 1, metrics });
    const calls = [0, 1].map((n) => registry.dispatch({ name: 'gated', input: n }));
    await flushMicrotasks();
    expect(metrics.inFlight).toEqual([{ tool: 'gated', delta: 1 }]);
    await finish(0);
    await finish(1);
    await Promise.all(calls);
    expect(metrics.inFlight.map((e) => e.delta)).toEqual([1, -1, 1, -1]);
  });

  it('runs a long line of synchronous calls without growing the stack', async () => {
    const gate = deferred<string>();
    let first = true;
    const registry = createToolRegistry({
      maxConcurrentPerTool: 1,
      maxQueuedPerTool: 20_000,
    }).register(
      tool('t', () => {
        if (!first) return 'sync';
        first = false;
        return gate.promise;
      }),
    );
    const calls = Array.from({ length: 20_000 }, () => registry.dispatch({ name: 't', input: {} }));
    gate.resolve('async');
    const results = await Promise.all(calls);
    expect(results.every((result) => result.ok)).toBe(true);
  });
});
