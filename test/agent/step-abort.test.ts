import { describe, expect, it } from 'vitest';
import { createCoordinator } from '../../src/agent/create-coordinator.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { DispatchContext, ToolRegistry } from '../../src/tools/registry.js';
import type { Tool, ToolCall, ToolResult } from '../../src/tools/tool.js';
import { deferred, echoTool, flush, never, recordEvents, scriptedAgent } from './_helpers.js';

const echo = (input: unknown): ToolCall => ({ name: 'echo', input });

/** A tool that waits for its signal; `aborts` counts the signals it saw abort. */
const waiter = {
  aborts: 0,
  name: 'waiter',
  description: 'Resolves when its signal aborts',
  inputSchema: {},
  call: (_input: unknown, ctx: Parameters<Tool['call']>[1]) =>
    new Promise((resolve) =>
      ctx.signal.addEventListener('abort', () => {
        waiter.aborts++;
        resolve('aborted');
      }),
    ),
};

describe('step: work abandoned at the deadline', () => {
  it('calls the agent no more once a late callTools settles', async () => {
    const late = deferred<readonly ToolCall[]>();
    const agent = scriptedAgent([], { callTools: () => late.promise });
    const coordinator = createCoordinator({
      registry: createToolRegistry().register(echoTool),
      stepTimeoutMs: 5,
    });
    await coordinator.add('a', agent);
    await expect(coordinator.step('a', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    late.resolve([echo(1)]);
    await flush();
    expect(agent.log.calls).toEqual(['observe']);
    await coordinator.close();
  });

  it('calls the agent no more once a late handleResult settles', async () => {
    const late = deferred();
    const agent = scriptedAgent([[echo(1), echo(2)]], { handleResult: () => late.promise });
    const coordinator = createCoordinator({
      registry: createToolRegistry().register(echoTool),
      stepTimeoutMs: 5,
    });
    await coordinator.add('a', agent);
    await expect(coordinator.step('a', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    late.resolve();
    await flush();
    expect(agent.log.calls).toEqual(['observe', 'callTools']);
    await coordinator.close();
  });

  it('fails at once while a foreign dispatch hangs, and emits nothing after step.failed', async () => {
    const registry: ToolRegistry = { ...createToolRegistry(), dispatch: () => never() };
    const coordinator = createCoordinator({
      registry,
      stepTimeoutMs: 5,
      maxConcurrentToolCalls: 1,
    });
    const events = recordEvents(coordinator);
    await coordinator.add('a', scriptedAgent([[echo(1), echo(2)]]));
    await expect(coordinator.step('a', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    await flush();
    expect(events.map((event) => event.type)).toEqual([
      'step.started',
      'tool.called',
      'step.failed',
    ]);
    await coordinator.close();
  });
});

describe('step: the signal a registry sees', () => {
  it('gives a foreign registry that reads ctx.signal a signal that aborts at the deadline', async () => {
    let seen: AbortSignal | undefined;
    const registry: ToolRegistry = {
      ...createToolRegistry(),
      dispatch: (_call, ctx) => {
        seen = ctx?.signal;
        return never<ToolResult>();
      },
    };
    const coordinator = createCoordinator({ registry, stepTimeoutMs: 5 });
    await coordinator.add('a', scriptedAgent([[echo(1)]]));
    const error = await coordinator.step('a', 'x').catch((e: unknown) => e);
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe(error);
    await coordinator.close();
  });

  it('lets a wrapper that copies the context with a signal of its own abort the call', async () => {
    const inner = createToolRegistry().register(waiter);
    const controller = new AbortController();
    const registry: ToolRegistry = {
      ...inner,
      dispatch: (call, ctx?: DispatchContext) =>
        inner.dispatch(call, { ...ctx, signal: controller.signal }),
    };
    const agent = scriptedAgent([[{ name: 'waiter', input: null }]]);
    const coordinator = createCoordinator({ registry });
    await coordinator.add('a', agent);
    const step = coordinator.step('a', 'x');
    await flush();
    controller.abort('wrapper gave up');
    await expect(step).resolves.toBe('x:1');
    expect(agent.log.outcomes[0]?.result).toMatchObject({
      ok: false,
      error: { code: 'tool_aborted' },
    });
    await coordinator.close();
  });

  it('aborts a waiting call when the step deadline passes, even through a spreading wrapper', async () => {
    const inner = createToolRegistry().register(waiter);
    const registry: ToolRegistry = {
      ...inner,
      dispatch: (call, ctx?: DispatchContext) => inner.dispatch(call, { ...ctx, timeoutMs: 1e6 }),
    };
    const coordinator = createCoordinator({ registry, stepTimeoutMs: 5 });
    const events = recordEvents(coordinator);
    await coordinator.add('a', scriptedAgent([[{ name: 'waiter', input: null }]]));
    const before = waiter.aborts;
    await expect(coordinator.step('a', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    await flush();
    expect(waiter.aborts).toBe(before + 1);
    // The call was aborted (so its result came in), but after the step ended: not emitted.
    expect(events.at(-1)?.type).toBe('step.failed');
    await coordinator.close();
    await inner.close();
  });

  it('turns a dispatch that throws synchronously into a tool_failed result', async () => {
    const registry: ToolRegistry = {
      ...createToolRegistry(),
      dispatch: () => {
        throw new Error('foreign registry broke');
      },
    };
    const agent = scriptedAgent([[echo(1)]]);
    const coordinator = createCoordinator({ registry });
    await coordinator.add('a', agent);
    await expect(coordinator.step('a', 'x')).resolves.toBe('x:1');
    expect(agent.log.outcomes[0]?.result).toMatchObject({
      ok: false,
      error: {
        code: 'tool_failed',
        data: { tool: 'echo' },
        cause: { message: 'foreign registry broke' },
      },
    });
    await coordinator.close();
  });
});
