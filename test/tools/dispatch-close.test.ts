import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ToolError } from '../../src/errors/families.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolRegistry } from '../../src/tools/registry.js';
import type { ToolResult } from '../../src/tools/tool.js';
import { deferred, flushMicrotasks, tool } from './helpers.js';

function codeOf(result: ToolResult | undefined): string | undefined {
  return result === undefined || result.ok ? undefined : result.error.code;
}

function watchClose(registry: ToolRegistry): { closed: boolean; promise: Promise<void> } {
  const box = { closed: false, promise: registry.close() };
  void box.promise.then(() => {
    box.closed = true;
  });
  return box;
}

/** A tool that stops (rejecting with the signal's reason) as soon as its signal aborts. */
const polite = tool(
  'polite',
  (_input, ctx) =>
    new Promise((_resolve, reject) => {
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    }),
);

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('close', () => {
  it('resolves at once when nothing is in flight, and refuses later calls', async () => {
    const registry = createToolRegistry().register(tool('t', () => 1));
    await registry.close();
    const result = await registry.dispatch({ name: 't', input: {} });
    expect(codeOf(result)).toBe('registry_closed');
    expect((result as { error: ToolError }).error.data).toEqual({ tool: 't' });
  });

  it('returns the same promise when called twice', () => {
    const registry = createToolRegistry();
    expect(registry.close()).toBe(registry.close());
  });

  it('resolves in-flight calls with registry_closed, aborts their signals and waits for them to stop', async () => {
    let seen: AbortSignal | undefined;
    const registry = createToolRegistry().register({
      ...polite,
      call: (input, ctx) => {
        seen = ctx.signal;
        return polite.call(input, ctx);
      },
    });
    const pending = registry.dispatch({ name: 'polite', input: {} });
    await flushMicrotasks();
    await registry.close();
    expect(codeOf(await pending)).toBe('registry_closed');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toHaveProperty('code', 'registry_closed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits for a tool that ignores its signal only until its timeout, then abandons it', async () => {
    const registry = createToolRegistry({ timeoutMs: 1_000 }).register(
      tool('stuck', () => new Promise(() => {})),
    );
    const pending = registry.dispatch({ name: 'stuck', input: {} });
    await flushMicrotasks();
    const closing = watchClose(registry);
    expect(codeOf(await pending)).toBe('registry_closed');
    await vi.advanceTimersByTimeAsync(999);
    expect(closing.closed).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(closing.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('finishes closing when a stuck tool settles before its timeout', async () => {
    const gate = deferred<string>();
    const registry = createToolRegistry({ timeoutMs: 1_000 }).register(
      tool('stuck', () => gate.promise),
    );
    const pending = registry.dispatch({ name: 'stuck', input: {} });
    await flushMicrotasks();
    const closing = watchClose(registry);
    await flushMicrotasks();
    expect(closing.closed).toBe(false);
    gate.resolve('finally');
    await closing.promise;
    expect(codeOf(await pending)).toBe('registry_closed');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not wait for a stuck tool that has no timeout', async () => {
    const registry = createToolRegistry({ timeoutMs: Number.POSITIVE_INFINITY }).register(
      tool('stuck', () => new Promise(() => {})),
    );
    const pending = registry.dispatch({ name: 'stuck', input: {} });
    await flushMicrotasks();
    await registry.close();
    expect(codeOf(await pending)).toBe('registry_closed');
  });

  it('resolves calls waiting for a slot or for a hook with registry_closed without running them', async () => {
    const call = vi.fn(() => new Promise(() => {}));
    const registry = createToolRegistry({ maxConcurrentPerTool: 1, timeoutMs: 10 })
      .register(tool('busy', call))
      .register(tool('hooked', call));
    const running = registry.dispatch({ name: 'busy', input: {} });
    const waiting = registry.dispatch({ name: 'busy', input: {} });
    await flushMicrotasks();
    const closing = registry.close();
    expect(codeOf(await waiting)).toBe('registry_closed');
    expect(codeOf(await running)).toBe('registry_closed');
    expect(call).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    await closing;
    expect(vi.getTimerCount()).toBe(0);

    const hookGate = deferred<{ allow: true }>();
    const hooked = createToolRegistry({ policies: [() => hookGate.promise] }).register(
      tool('t', call),
    );
    const pendingHook = hooked.dispatch({ name: 't', input: {} });
    await hooked.close();
    expect(codeOf(await pendingHook)).toBe('registry_closed');
    hookGate.resolve({ allow: true });
    await flushMicrotasks();
    expect(call).toHaveBeenCalledTimes(1);
  });

  it('refuses a call whose hook closes the registry before the tool runs', async () => {
    const call = vi.fn(() => 1);
    let registry: ToolRegistry | undefined;
    registry = createToolRegistry({
      policies: [
        () => {
          void registry?.close();
          return { allow: true };
        },
      ],
    }).register(tool('t', call));
    expect(codeOf(await registry.dispatch({ name: 't', input: {} }))).toBe('registry_closed');
    expect(call).not.toHaveBeenCalled();
  });

  it('refuses a call whose tool closes the registry and then returns a promise', async () => {
    let registry: ToolRegistry | undefined;
    let seen: AbortSignal | undefined;
    registry = createToolRegistry().register(
      tool('closer', (_input, ctx) => {
        void registry?.close();
        seen = ctx.signal;
        return new Promise(() => {});
      }),
    );
    expect(codeOf(await registry.dispatch({ name: 'closer', input: {} }))).toBe('registry_closed');
    expect(seen?.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
