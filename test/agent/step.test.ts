import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../../src/agent/agent.js';
import type { CoordinatorOptions } from '../../src/agent/coordinator.js';
import { createCoordinator } from '../../src/agent/create-coordinator.js';
import { AgentError, CoordinatorError, ToolError } from '../../src/errors/families.js';
import type { Principal } from '../../src/principal.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolRegistry } from '../../src/tools/registry.js';
import type { Tool, ToolCall } from '../../src/tools/tool.js';
import {
  deferred,
  echoTool,
  failTool,
  flush,
  microtasks,
  never,
  scriptedAgent,
} from './_helpers.js';

afterEach(() => {
  vi.useRealTimers();
});

async function coordinatorWith(
  agent: Agent<string, string>,
  options: Partial<CoordinatorOptions> = {},
  tools: Tool[] = [echoTool, failTool],
) {
  const registry = createToolRegistry();
  for (const tool of tools) registry.register(tool);
  const coordinator = createCoordinator({ registry, ...options });
  await coordinator.add('agent', agent);
  return coordinator;
}

const echo = (input: unknown, id?: string): ToolCall =>
  id === undefined ? { name: 'echo', input } : { name: 'echo', input, id };

describe('step: the tool loop', () => {
  it('runs observe, then rounds of callTools / handleResult until no calls, then act', async () => {
    const agent = scriptedAgent([[echo(1), echo(2)], [echo(3)]]);
    const coordinator = await coordinatorWith(agent);
    await expect(coordinator.step('agent', 'obs')).resolves.toBe('obs:3');
    expect(agent.log.calls).toEqual([
      'observe',
      'callTools',
      'handleResult',
      'handleResult',
      'callTools',
      'handleResult',
      'callTools',
      'act',
    ]);
    expect(agent.log.outcomes.map((o) => o.result)).toEqual([
      { ok: true, output: 1 },
      { ok: true, output: 2 },
      { ok: true, output: 3 },
    ]);
    await coordinator.close();
  });

  it('acts straight away when the agent asks for no tools', async () => {
    const agent = scriptedAgent([]);
    const coordinator = await coordinatorWith(agent);
    await expect(coordinator.step('agent', 'quiet')).resolves.toBe('quiet:0');
    expect(agent.log.calls).toEqual(['observe', 'callTools', 'act']);
    await coordinator.close();
  });

  it('hands each method a context with the step number and the current round', async () => {
    const agent = scriptedAgent([[echo(1)], [echo(2)]]);
    const coordinator = await coordinatorWith(agent);
    await coordinator.step('agent', 'first');
    agent.log.calls.length = 0;
    agent.log.contexts.length = 0;
    await coordinator.step('agent', 'second');
    const seen = agent.log.contexts.map((ctx, i) => [agent.log.calls[i], ctx.step, ctx.round]);
    expect(seen).toEqual([
      ['observe', 2, 0],
      ['callTools', 2, 0],
      ['handleResult', 2, 1],
      ['callTools', 2, 1],
      ['handleResult', 2, 2],
      ['callTools', 2, 2],
      ['act', 2, 2],
    ]);
    for (const ctx of agent.log.contexts) {
      expect(ctx.agentId).toBe('agent');
      expect(ctx.principal).toBeUndefined();
    }
    await coordinator.close();
  });

  it('runs exactly maxRounds rounds, and fails with max_rounds_exceeded when the agent wants one more', async () => {
    const three = [[echo(1)], [echo(2)], [echo(3)]];
    const ok = await coordinatorWith(scriptedAgent(three), { maxRounds: 3 });
    await expect(ok.step('agent', 'x')).resolves.toBe('x:3');

    const agent = scriptedAgent([...three, [echo(4)]]);
    const tooMany = await coordinatorWith(agent, { maxRounds: 3 });
    const error = await tooMany.step('agent', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({
      code: 'max_rounds_exceeded',
      data: { agentId: 'agent', step: 1, maxRounds: 3 },
    });
    // The fourth round was never dispatched, and act never ran.
    expect(agent.log.outcomes).toHaveLength(3);
    expect(agent.log.calls).not.toContain('act');
    await ok.close();
    await tooMany.close();
  });

  it('fails with max_calls_exceeded when one round asks for more than maxCallsPerRound calls', async () => {
    const agent = scriptedAgent([[echo(1), echo(2), echo(3)]]);
    const coordinator = await coordinatorWith(agent, { maxCallsPerRound: 2 });
    await expect(coordinator.step('agent', 'x')).rejects.toMatchObject({
      code: 'max_calls_exceeded',
      data: { calls: 3, maxCallsPerRound: 2 },
    });
    expect(agent.log.outcomes).toHaveLength(0);
    await coordinator.close();
  });

  it('dispatches at most maxConcurrentToolCalls calls of a round at once, all of them eventually', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const gates: (() => void)[] = [];
    const slow: Tool = {
      name: 'slow',
      description: 'waits for the test',
      inputSchema: {},
      async call(input) {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((resolve) => gates.push(resolve));
        inFlight--;
        return input;
      },
    };
    const calls = Array.from({ length: 7 }, (_, i) => ({ name: 'slow', input: i }));
    const agent = scriptedAgent([calls]);
    const coordinator = await coordinatorWith(agent, { maxConcurrentToolCalls: 3 }, [slow]);
    const step = coordinator.step('agent', 'x');
    await flush();
    expect(inFlight).toBe(3);
    // Release calls one by one; the limit refills but is never exceeded.
    while (gates.length > 0) {
      gates.shift()?.();
      await flush();
    }
    await expect(step).resolves.toBe('x:7');
    expect(maxInFlight).toBe(3);
    await coordinator.close();
  });

  it('runs independent calls of a round concurrently and hands results over in request order', async () => {
    const releases = new Map<number, () => void>();
    const ordered: Tool = {
      name: 'ordered',
      description: 'resolves when the test says',
      inputSchema: {},
      call: (input) =>
        new Promise((resolve) => releases.set(input as number, () => resolve(input))),
    };
    const agent = scriptedAgent([
      [0, 1, 2].map((i) => ({ name: 'ordered', input: i, id: `c${i}` })),
    ]);
    const coordinator = await coordinatorWith(agent, {}, [ordered]);
    const step = coordinator.step('agent', 'x');
    await flush();
    // All three are in flight at once.
    expect([...releases.keys()].sort()).toEqual([0, 1, 2]);
    releases.get(2)?.();
    await flush();
    releases.get(0)?.();
    await flush();
    expect(agent.log.outcomes).toHaveLength(0);
    releases.get(1)?.();
    await step;
    expect(agent.log.outcomes.map((o) => o.call.id)).toEqual(['c0', 'c1', 'c2']);
    expect(agent.log.outcomes.map((o) => o.result)).toEqual([
      { ok: true, output: 0 },
      { ok: true, output: 1 },
      { ok: true, output: 2 },
    ]);
    await coordinator.close();
  });

  it('hands tool failures (not found, thrown) to the agent and goes on', async () => {
    const agent = scriptedAgent([
      [{ name: 'missing', input: {} }, { name: 'fail', input: {} }, echo('ok')],
    ]);
    const coordinator = await coordinatorWith(agent);
    await expect(coordinator.step('agent', 'x')).resolves.toBe('x:3');
    const [missing, failed, fine] = agent.log.outcomes.map((o) => o.result);
    expect(missing).toMatchObject({ ok: false, error: { code: 'tool_not_found' } });
    expect(missing?.ok === false && missing.error).toBeInstanceOf(ToolError);
    expect(failed).toMatchObject({ ok: false, error: { code: 'tool_failed' } });
    expect(fine).toEqual({ ok: true, output: 'ok' });
    await coordinator.close();
  });

  it('turns a registry that rejects into a tool_failed result instead of failing the step', async () => {
    const registry: ToolRegistry = {
      ...createToolRegistry(),
      dispatch: () => Promise.reject(new Error('foreign registry broke')),
    };
    const agent = scriptedAgent([[echo(1)]]);
    const coordinator = createCoordinator({ registry });
    await coordinator.add('agent', agent);
    await expect(coordinator.step('agent', 'x')).resolves.toBe('x:1');
    expect(agent.log.outcomes[0]?.result).toMatchObject({
      ok: false,
      error: { code: 'tool_failed', data: { tool: 'echo' } },
    });
    await coordinator.close();
  });

  it('passes the principal to the agent and to every tool call', async () => {
    const principal: Principal = { id: 'user-1', roles: ['admin'] };
    const seen: unknown[] = [];
    const whoami: Tool = {
      name: 'whoami',
      description: 'returns the caller',
      inputSchema: {},
      call: (_input, ctx) => ctx.principal?.id,
    };
    const agent = scriptedAgent([[{ name: 'whoami', input: null }]], {
      observe(_o, ctx) {
        seen.push(ctx.principal);
      },
    });
    const coordinator = await coordinatorWith(agent, {}, [whoami]);
    await coordinator.step('agent', 'x', { principal });
    expect(seen).toEqual([principal]);
    expect(agent.log.outcomes[0]?.result).toEqual({ ok: true, output: 'user-1' });
    await coordinator.close();
  });

  it('passes toolTimeoutMs to the registry as the per-call deadline', async () => {
    const hang: Tool = {
      name: 'hang',
      description: 'never ends',
      inputSchema: {},
      call: () => never(),
    };
    const agent = scriptedAgent([[{ name: 'hang', input: null }]]);
    const coordinator = await coordinatorWith(agent, { toolTimeoutMs: 5 }, [hang]);
    await expect(coordinator.step('agent', 'x')).resolves.toBe('x:1');
    expect(agent.log.outcomes[0]?.result).toMatchObject({
      ok: false,
      error: { code: 'tool_timeout' },
    });
    await coordinator.close();
  });

  it('rejects an unknown agent with agent_not_found', async () => {
    const coordinator = await coordinatorWith(scriptedAgent([]));
    await expect(coordinator.step('nobody', 'x')).rejects.toMatchObject({
      code: 'agent_not_found',
      data: { agentId: 'nobody' },
    });
    await coordinator.close();
  });
});

describe('step: failures', () => {
  const boom = new Error('boom');
  const thrower = () => {
    throw boom;
  };
  it.each([
    ['observe', { observe: thrower }],
    ['callTools', { callTools: thrower }],
    ['handleResult', { handleResult: thrower }],
    ['act', { act: thrower }],
    ['observe', { observe: () => Promise.reject(boom) }],
    ['act', { act: () => Promise.reject(boom) }],
  ] as const)(
    'rejects with agent_failed when %s fails, keeping the cause',
    async (method, overrides) => {
      const agent = scriptedAgent([[echo(1)]], overrides as Partial<Agent>);
      const coordinator = await coordinatorWith(agent);
      const error = await coordinator.step('agent', 'x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AgentError);
      expect(error).toMatchObject({
        code: 'agent_failed',
        cause: boom,
        data: { agentId: 'agent', method, step: 1 },
      });
      expect((error as Error).message).toContain('boom');
      await coordinator.close();
    },
  );

  it('rejects with agent_failed when callTools returns something that is not a list of calls', async () => {
    for (const bad of ['not an array', [null], [{ input: 1 }]]) {
      const agent = scriptedAgent([], { callTools: () => bad as never });
      const coordinator = await coordinatorWith(agent);
      await expect(coordinator.step('agent', 'x')).rejects.toMatchObject({
        code: 'agent_failed',
        data: { method: 'callTools' },
        cause: { code: 'invalid_input' },
      });
      await coordinator.close();
    }
  });

  it('fails with step_timeout when an agent method hangs, and aborts the context signal', async () => {
    let signal: AbortSignal | undefined;
    const agent = scriptedAgent([], {
      observe(_o, ctx) {
        signal = ctx.signal;
        return never();
      },
    });
    const coordinator = await coordinatorWith(agent, { stepTimeoutMs: 5 });
    const error = await coordinator.step('agent', 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({
      code: 'step_timeout',
      data: { agentId: 'agent', step: 1, timeoutMs: 5 },
    });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    await coordinator.close();
  });

  it('drops the late completion of an abandoned method without an unhandled rejection', async () => {
    const late = deferred<void>();
    const agent = scriptedAgent([], { act: () => late.promise.then(() => 'late') });
    const coordinator = await coordinatorWith(agent, { stepTimeoutMs: 5 });
    await expect(coordinator.step('agent', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    late.reject(new Error('too late'));
    await flush();
    // The agent takes the next step normally.
    agent.act = () => 'on time';
    await expect(coordinator.step('agent', 'y')).resolves.toBe('on time');
    await coordinator.close();
  });

  it('aborts tool calls in flight when the step deadline passes', async () => {
    let toolSignal: AbortSignal | undefined;
    const hang: Tool = {
      name: 'hang',
      description: 'waits for its signal',
      inputSchema: {},
      call: (_input, ctx) => {
        toolSignal = ctx.signal;
        return never();
      },
    };
    const coordinator = await coordinatorWith(
      scriptedAgent([[{ name: 'hang', input: null }]]),
      {
        stepTimeoutMs: 5,
      },
      [hang],
    );
    await expect(coordinator.step('agent', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    await flush();
    expect(toolSignal?.aborted).toBe(true);
    await coordinator.close();
  });

  it('reports step_timeout rather than agent_failed when the agent honours the aborted signal by throwing', async () => {
    const agent = scriptedAgent([], {
      observe: (_o, ctx) =>
        new Promise<void>((_resolve, reject) => {
          ctx.signal.addEventListener('abort', () => reject(new Error('aborted, giving up')));
        }),
    });
    const coordinator = await coordinatorWith(agent, { stepTimeoutMs: 5 });
    await expect(coordinator.step('agent', 'x')).rejects.toMatchObject({ code: 'step_timeout' });
    await coordinator.close();
  });

  it('fails with step_aborted when the caller aborts, with the caller reason as cause', async () => {
    const controller = new AbortController();
    const gate = deferred();
    const agent = scriptedAgent([], { observe: () => gate.promise });
    const coordinator = await coordinatorWith(agent);
    const step = coordinator.step('agent', 'x', { signal: controller.signal });
    await flush();
    controller.abort('user left');
    const error = await step.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({ code: 'step_aborted', cause: 'user left', data: { step: 1 } });
    await coordinator.close();
  });

  it('fails with step_aborted when the caller aborts between two methods', async () => {
    const controller = new AbortController();
    const agent = scriptedAgent([[echo(1)]], {
      handleResult: () => controller.abort(),
    });
    const coordinator = await coordinatorWith(agent);
    await expect(
      coordinator.step('agent', 'x', { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'step_aborted',
    });
    expect(agent.log.calls).not.toContain('act');
    await coordinator.close();
  });

  it('rejects at once with step_aborted when the signal is already aborted, without starting', async () => {
    const agent = scriptedAgent([]);
    const coordinator = await coordinatorWith(agent);
    await expect(
      coordinator.step('agent', 'x', { signal: AbortSignal.abort('early') }),
    ).rejects.toMatchObject({ code: 'step_aborted', cause: 'early' });
    expect(agent.log.calls).toEqual([]);
    await coordinator.close();
  });

  it('fails with step_aborted when the caller aborts synchronously inside act', async () => {
    const controller = new AbortController();
    const agent = scriptedAgent([], {
      act: () => {
        controller.abort();
        return 'ignored';
      },
    });
    const coordinator = await coordinatorWith(agent);
    await expect(
      coordinator.step('agent', 'x', { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'step_aborted',
    });
    await coordinator.close();
  });
});

describe('step: timers', () => {
  it('leaves no timer behind on success, failure, timeout or abort', async () => {
    vi.useFakeTimers();
    const registry = createToolRegistry().register(echoTool);
    const coordinator = createCoordinator({ registry, stepTimeoutMs: 1000 });
    const gate = deferred();
    await coordinator.add('ok', scriptedAgent([[echo(1)]]));
    await coordinator.add(
      'fails',
      scriptedAgent([], {
        act: () => {
          throw new Error('x');
        },
      }),
    );
    await coordinator.add('hangs', scriptedAgent([], { observe: () => never() }));
    await coordinator.add('waits', scriptedAgent([], { observe: () => gate.promise }));

    await coordinator.step('ok', 'x');
    await coordinator.step('fails', 'x').catch(() => {});
    expect(vi.getTimerCount()).toBe(0);

    const timedOut = coordinator.step('hangs', 'x').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await timedOut).toMatchObject({ code: 'step_timeout' });
    expect(vi.getTimerCount()).toBe(0);

    const controller = new AbortController();
    const aborted = coordinator
      .step('waits', 'x', { signal: controller.signal })
      .catch((e: unknown) => e);
    await microtasks();
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    expect(await aborted).toMatchObject({ code: 'step_aborted' });
    expect(vi.getTimerCount()).toBe(0);
    await coordinator.close();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clears the step deadline before the next queued step starts', async () => {
    vi.useFakeTimers();
    const coordinator = createCoordinator({ registry: createToolRegistry(), stepTimeoutMs: 50 });
    await coordinator.add('a', scriptedAgent([]));
    const steps = [
      coordinator.step('a', '1'),
      coordinator.step('a', '2'),
      coordinator.step('a', '3'),
    ];
    await expect(Promise.all(steps)).resolves.toEqual(['1:0', '2:0', '3:0']);
    expect(vi.getTimerCount()).toBe(0);
    await coordinator.close();
  });
});
