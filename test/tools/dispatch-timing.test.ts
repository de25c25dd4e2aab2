import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../../src/errors/families.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolResult } from '../../src/tools/tool.js';
import {
  deferred,
  flushMicrotasks,
  recordingMetrics,
  tool,
  unhandledRejectionsDuring,
  watch,
} from './helpers.js';

function codeOf(result: ToolResult | undefined): string | undefined {
  return result === undefined || result.ok ? undefined : result.error.code;
}

/** Tracks when a dispatch settles without awaiting it. */
beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('dispatch: timers', () => {
  it('creates no timer for a tool that returns synchronously', async () => {
    const registry = createToolRegistry().register(tool('sync', () => 'done'));
    const pending = registry.dispatch({ name: 'sync', input: {} });
    expect(vi.getTimerCount()).toBe(0);
    expect(await pending).toEqual({ ok: true, output: 'done' });
  });

  it('holds one timer while an async tool runs and clears it when the tool settles', async () => {
    const gate = deferred<string>();
    const registry = createToolRegistry().register(tool('async', () => gate.promise));
    const pending = registry.dispatch({ name: 'async', input: {} });
    expect(vi.getTimerCount()).toBe(1);
    gate.resolve('done');
    expect(await pending).toEqual({ ok: true, output: 'done' });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the timer when an async tool rejects', async () => {
    const registry = createToolRegistry().register(
      tool('async', async () => Promise.reject(new Error('x'))),
    );
    expect(codeOf(await registry.dispatch({ name: 'async', input: {} }))).toBe('tool_failed');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('dispatch: timeout', () => {
  it('abandons a tool that ignores its signal: tool_timeout on time, late result dropped', async () => {
    const late = deferred<string>();
    let signal: AbortSignal | undefined;
    const metrics = recordingMetrics();
    const registry = createToolRegistry({ timeoutMs: 100, metrics }).register(
      tool('stuck', (_input, ctx) => {
        signal = ctx.signal;
        return late.promise;
      }),
    );
    const box = watch(registry.dispatch({ name: 'stuck', input: {} }));
    await vi.advanceTimersByTimeAsync(99);
    expect(box.result).toBeUndefined();
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(codeOf(box.result)).toBe('tool_timeout');
    const error = (box.result as { error: ToolError }).error;
    expect(error.data).toEqual({ tool: 'stuck', timeoutMs: 100 });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(vi.getTimerCount()).toBe(0);

    late.resolve('too late');
    await flushMicrotasks();
    expect(metrics.calls).toHaveLength(1);
    expect(metrics.calls[0]).toMatchObject({ tool: 'stuck', ok: false, code: 'tool_timeout' });
  });

  it('drops a late rejection without an unhandled rejection', async () => {
    const late = deferred<string>();
    const registry = createToolRegistry({ timeoutMs: 10 }).register(
      tool('stuck', () => late.promise),
    );
    const seen = await unhandledRejectionsDuring(async () => {
      const pending = registry.dispatch({ name: 'stuck', input: {} });
      await vi.advanceTimersByTimeAsync(10);
      expect(codeOf(await pending)).toBe('tool_timeout');
      late.reject(new Error('late failure'));
      vi.useRealTimers();
    });
    expect(seen).toEqual([]);
  });

  it('gives a tool that reads its signal late an already aborted one', async () => {
    let read: (() => AbortSignal) | undefined;
    const registry = createToolRegistry({ timeoutMs: 5 }).register(
      tool('lazy', (_input, ctx) => {
        read = () => ctx.signal;
        return new Promise(() => {});
      }),
    );
    const pending = registry.dispatch({ name: 'lazy', input: {} });
    await vi.advanceTimersByTimeAsync(5);
    expect(codeOf(await pending)).toBe('tool_timeout');
    const late = read?.();
    expect(late?.aborted).toBe(true);
    expect(late?.reason).toBeInstanceOf(ToolError);
    expect(late?.reason).toHaveProperty('code', 'tool_timeout');
  });

  it('takes a per-call timeout from the dispatch context', async () => {
    const registry = createToolRegistry({ timeoutMs: 1_000 }).register(
      tool('slow', () => new Promise(() => {})),
    );
    const box = watch(registry.dispatch({ name: 'slow', input: {} }, { timeoutMs: 20 }));
    await vi.advanceTimersByTimeAsync(20);
    expect(codeOf(box.result)).toBe('tool_timeout');
    expect((box.result as { error: ToolError }).error.data).toMatchObject({ timeoutMs: 20 });
  });

  it('fails a call whose timeout is already spent without running the tool', async () => {
    const call = vi.fn(() => 'ran');
    const registry = createToolRegistry().register(tool('t', call));
    for (const timeoutMs of [0, -5]) {
      expect(codeOf(await registry.dispatch({ name: 't', input: {} }, { timeoutMs }))).toBe(
        'tool_timeout',
      );
    }
    expect(call).not.toHaveBeenCalled();
    expect(await registry.dispatch({ name: 't', input: {} }, { timeoutMs: Number.NaN })).toEqual({
      ok: true,
      output: 'ran',
    });
  });

  it('sets no timer when the timeout is Infinity', async () => {
    const gate = deferred<number>();
    const registry = createToolRegistry({ timeoutMs: Number.POSITIVE_INFINITY }).register(
      tool('t', () => gate.promise),
    );
    const pending = registry.dispatch({ name: 't', input: {} });
    expect(vi.getTimerCount()).toBe(0);
    gate.resolve(1);
    expect(await pending).toEqual({ ok: true, output: 1 });
  });

  it('clamps timeouts beyond what setTimeout can hold instead of firing at once', async () => {
    const gate = deferred<number>();
    const registry = createToolRegistry({ timeoutMs: 2 ** 40 }).register(
      tool('t', () => gate.promise),
    );
    const box = watch(registry.dispatch({ name: 't', input: {} }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(box.result).toBeUndefined();
    gate.resolve(1);
    await flushMicrotasks();
    expect(box.result).toEqual({ ok: true, output: 1 });
    expect(vi.getTimerCount()).toBe(0);
  });

  it('times out a hook that never answers', async () => {
    const registry = createToolRegistry({
      timeoutMs: 50,
      policies: [() => new Promise(() => {})],
    }).register(tool('t', () => 1));
    const box = watch(registry.dispatch({ name: 't', input: {} }));
    await vi.advanceTimersByTimeAsync(50);
    expect(codeOf(box.result)).toBe('tool_timeout');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('dispatch: caller abort', () => {
  it('resolves tool_aborted at once, aborts the tool signal and removes its listener', async () => {
    const controller = new AbortController();
    let toolSignal: AbortSignal | undefined;
    const registry = createToolRegistry().register(
      tool('t', (_input, ctx) => {
        toolSignal = ctx.signal;
        return new Promise(() => {});
      }),
    );
    const box = watch(registry.dispatch({ name: 't', input: {} }, { signal: controller.signal }));
    await flushMicrotasks();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('user left');
    controller.abort(reason);
    await flushMicrotasks();
    expect(codeOf(box.result)).toBe('tool_aborted');
    expect((box.result as { error: ToolError }).error.cause).toBe(reason);
    expect(toolSignal?.aborted).toBe(true);
    expect(toolSignal?.reason).toHaveProperty('code', 'tool_aborted');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('shares one listener among all calls on the same signal', async () => {
    const controller = new AbortController();
    const registry = createToolRegistry({ maxConcurrentPerTool: 8 }).register(
      tool('t', () => new Promise(() => {})),
    );
    const calls = Array.from({ length: 20 }, () =>
      registry.dispatch({ name: 't', input: {} }, { signal: controller.signal }),
    );
    await flushMicrotasks();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort();
    const results = await Promise.all(calls);
    expect(results.map(codeOf)).toEqual(Array.from({ length: 20 }, () => 'tool_aborted'));
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('removes its abort listener when the call completes normally', async () => {
    const controller = new AbortController();
    const registry = createToolRegistry().register(tool('t', async () => 'ok'));
    await registry.dispatch({ name: 't', input: {} }, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not run the tool when the signal is already aborted', async () => {
    const call = vi.fn(() => 1);
    const registry = createToolRegistry().register(tool('t', call));
    const signal = AbortSignal.abort('gone');
    const result = await registry.dispatch({ name: 't', input: {} }, { signal });
    expect(codeOf(result)).toBe('tool_aborted');
    expect((result as { error: ToolError }).error.cause).toBe('gone');
    expect(call).not.toHaveBeenCalled();
  });

  it('does not run the tool when a hook aborts the caller signal before the slot is taken', async () => {
    const controller = new AbortController();
    const call = vi.fn(() => 1);
    const registry = createToolRegistry({
      policies: [
        () => {
          controller.abort('changed my mind');
          return { allow: true };
        },
      ],
    }).register(tool('t', call));
    const result = await registry.dispatch({ name: 't', input: {} }, { signal: controller.signal });
    expect(codeOf(result)).toBe('tool_aborted');
    expect(call).not.toHaveBeenCalled();
  });

  it('stops waiting for an async hook when the caller aborts', async () => {
    const controller = new AbortController();
    const registry = createToolRegistry({ policies: [() => new Promise(() => {})] }).register(
      tool('t', () => 1),
    );
    const pending = registry.dispatch({ name: 't', input: {} }, { signal: controller.signal });
    controller.abort();
    expect(codeOf(await pending)).toBe('tool_aborted');
    expect(vi.getTimerCount()).toBe(0);
  });
});
