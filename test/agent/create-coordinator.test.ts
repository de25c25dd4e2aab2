import { describe, expect, it } from 'vitest';
import type { Agent, AgentContext } from '../../src/agent/agent.js';
import { createCoordinator } from '../../src/agent/create-coordinator.js';
import { AgentError, CoordinatorError, ValidationError } from '../../src/errors/families.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolCall } from '../../src/tools/tool.js';
import { deferred, echoTool, flush, never, recordingLogger, scriptedAgent } from './_helpers.js';

function setup() {
  const registry = createToolRegistry().register(echoTool);
  const coordinator = createCoordinator({ registry });
  return { registry, coordinator };
}

describe('createCoordinator: the echo lifecycle', () => {
  it('adds an agent, steps it through a tool round and acts on the result', async () => {
    const registry = createToolRegistry().register({
      name: 'text_uppercase',
      description: 'Upper-cases text',
      inputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
      call: (input) => (input as { text: string }).text.toUpperCase(),
    });
    const coordinator = createCoordinator({ registry });
    let last = '';
    let asked = false;
    const echo: Agent = {
      observe(input) {
        last = input;
        asked = false;
      },
      callTools() {
        if (asked) return [];
        asked = true;
        return [{ name: 'text_uppercase', input: { text: last } }];
      },
      handleResult({ result }) {
        if (result.ok) last = String(result.output);
      },
      act: () => `Echo: ${last}`,
    };
    await coordinator.add('echo', echo);
    expect(coordinator.has('echo')).toBe(true);
    expect(coordinator.ids()).toEqual(['echo']);

    await expect(coordinator.step('echo', 'hello')).resolves.toBe('Echo: HELLO');
    await expect(coordinator.step('echo', 'again')).resolves.toBe('Echo: AGAIN');

    await coordinator.remove('echo');
    expect(coordinator.has('echo')).toBe(false);
    await coordinator.close();
  });

  it('calls initialize once on add and cleanup once on remove, with the agent context', async () => {
    const { coordinator } = setup();
    const seen: { method: string; ctx: AgentContext }[] = [];
    const agent = scriptedAgent([], {
      initialize(ctx) {
        seen.push({ method: 'initialize', ctx });
      },
      cleanup(ctx) {
        seen.push({ method: 'cleanup', ctx });
      },
    });
    await coordinator.add('a1', agent);
    await coordinator.step('a1', 'x');
    await coordinator.remove('a1');
    expect(seen.map((s) => s.method)).toEqual(['initialize', 'cleanup']);
    for (const { ctx } of seen) {
      expect(ctx.agentId).toBe('a1');
      expect(ctx.step).toBe(0);
      expect(ctx.round).toBe(0);
      expect(ctx.signal.aborted).toBe(false);
    }
    await coordinator.close();
  });

  it('keeps `this` bound for agents written as objects with state', async () => {
    const { coordinator } = setup();
    const agent = {
      count: 0,
      observe(this: { count: number }) {
        this.count++;
      },
      callTools: () => [] as ToolCall[],
      handleResult() {},
      act(this: { count: number }) {
        return `seen ${this.count}`;
      },
    };
    await coordinator.add('stateful', agent as Agent);
    await coordinator.step('stateful', 'a');
    await expect(coordinator.step('stateful', 'b')).resolves.toBe('seen 2');
    await coordinator.close();
  });
});

describe('createCoordinator: add', () => {
  it('rejects an invalid id with invalid_identifier', async () => {
    const { coordinator } = setup();
    const error = await coordinator.add('bad id!', scriptedAgent([])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'invalid_identifier' });
    expect(coordinator.ids()).toEqual([]);
  });

  it('trims the id, and finds the agent by either form', async () => {
    const { coordinator } = setup();
    await coordinator.add('  padded ', scriptedAgent([]));
    expect(coordinator.ids()).toEqual(['padded']);
    expect(coordinator.has(' padded')).toBe(true);
    await expect(coordinator.step(' padded ', 'x')).resolves.toBe('x:0');
    await coordinator.close();
  });

  it('rejects a duplicate id with agent_duplicate and keeps the first agent', async () => {
    const { coordinator } = setup();
    await coordinator.add('twin', scriptedAgent([], { act: () => 'first' }));
    const error = await coordinator
      .add('twin', scriptedAgent([], { act: () => 'second' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({ code: 'agent_duplicate', data: { agentId: 'twin' } });
    await expect(coordinator.step('twin', 'x')).resolves.toBe('first');
    await coordinator.close();
  });

  it('rejects a second add of the same id while the first still initializes', async () => {
    const { coordinator } = setup();
    const gate = deferred();
    const first = coordinator.add('slow', scriptedAgent([], { initialize: () => gate.promise }));
    await expect(coordinator.add('slow', scriptedAgent([]))).rejects.toMatchObject({
      code: 'agent_duplicate',
    });
    // Not added until initialize succeeds.
    expect(coordinator.has('slow')).toBe(false);
    await expect(coordinator.step('slow', 'x')).rejects.toMatchObject({ code: 'agent_not_found' });
    await expect(coordinator.remove('slow')).rejects.toMatchObject({ code: 'agent_not_found' });
    gate.resolve();
    await first;
    expect(coordinator.has('slow')).toBe(true);
    await coordinator.close();
  });

  it('rejects an object that is not an agent with invalid_input', async () => {
    const { coordinator } = setup();
    const notAgent = { observe() {}, act: 'nope' } as unknown as Agent;
    await expect(coordinator.add('x', notAgent)).rejects.toMatchObject({
      code: 'invalid_input',
      data: { agentId: 'x', methods: ['callTools', 'handleResult', 'act'] },
    });
    await expect(coordinator.add('y', null as unknown as Agent)).rejects.toBeInstanceOf(
      ValidationError,
    );
    const badCleanup = { ...scriptedAgent([]), cleanup: 42 } as unknown as Agent;
    await expect(coordinator.add('z', badCleanup)).rejects.toMatchObject({
      data: { methods: ['cleanup'] },
    });
    expect(coordinator.ids()).toEqual([]);
  });

  it('does not add an agent whose initialize throws, and reports agent_failed', async () => {
    const { coordinator } = setup();
    const boom = new Error('no config');
    const error = await coordinator
      .add(
        'broken',
        scriptedAgent([], {
          initialize() {
            throw boom;
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({
      code: 'agent_failed',
      cause: boom,
      data: { agentId: 'broken', method: 'initialize' },
    });
    expect(coordinator.has('broken')).toBe(false);
    // The id is free again.
    await coordinator.add('broken', scriptedAgent([]));
    await coordinator.close();
  });

  it('reports a rejecting initialize as agent_failed too', async () => {
    const { coordinator } = setup();
    await expect(
      coordinator.add('r', scriptedAgent([], { initialize: () => Promise.reject('nope') })),
    ).rejects.toMatchObject({ code: 'agent_failed', cause: 'nope' });
    expect(coordinator.has('r')).toBe(false);
  });

  it('abandons an initialize that hangs past the deadline with step_timeout', async () => {
    const registry = createToolRegistry();
    const coordinator = createCoordinator({ registry, stepTimeoutMs: 5 });
    let signal: AbortSignal | undefined;
    const error = await coordinator
      .add(
        'hang',
        scriptedAgent([], {
          initialize(ctx) {
            signal = ctx.signal;
            return never();
          },
        }),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({
      code: 'step_timeout',
      data: { agentId: 'hang', method: 'initialize', timeoutMs: 5 },
    });
    expect(signal?.aborted).toBe(true);
    expect(coordinator.has('hang')).toBe(false);
  });
});

describe('createCoordinator: remove', () => {
  it('rejects an unknown id with agent_not_found', async () => {
    const { coordinator } = setup();
    const error = await coordinator.remove('ghost').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({ code: 'agent_not_found', data: { agentId: 'ghost' } });
  });

  it('waits for the running and queued steps, refuses new ones, then cleans up', async () => {
    const { coordinator } = setup();
    const order: string[] = [];
    const gate = deferred();
    let calls = 0;
    await coordinator.add(
      'busy',
      scriptedAgent([], {
        async observe(observation) {
          order.push(`observe ${observation}`);
          if (calls++ === 0) await gate.promise;
        },
        act: () => 'done',
        cleanup() {
          order.push('cleanup');
        },
      }),
    );
    const first = coordinator.step('busy', '1');
    const second = coordinator.step('busy', '2');
    await flush();
    const removed = coordinator.remove('busy');
    expect(coordinator.has('busy')).toBe(false);
    expect(coordinator.ids()).toEqual([]);
    await expect(coordinator.step('busy', '3')).rejects.toMatchObject({ code: 'agent_not_found' });
    await expect(coordinator.add('busy', scriptedAgent([]))).rejects.toMatchObject({
      code: 'agent_duplicate',
      data: { removing: true },
    });
    // A second remove while the first runs shares its outcome.
    expect(coordinator.remove('busy')).toBe(removed);
    gate.resolve();
    await expect(first).resolves.toBe('done');
    await expect(second).resolves.toBe('done');
    await removed;
    expect(order).toEqual(['observe 1', 'observe 2', 'cleanup']);
    // Now the id may be reused.
    await coordinator.add('busy', scriptedAgent([]));
    await coordinator.close();
  });

  it('removes the agent even when cleanup throws, and reports agent_failed', async () => {
    const { coordinator } = setup();
    await coordinator.add(
      'messy',
      scriptedAgent([], {
        cleanup() {
          throw new Error('left a mess');
        },
      }),
    );
    await expect(coordinator.remove('messy')).rejects.toMatchObject({
      code: 'agent_failed',
      data: { agentId: 'messy', method: 'cleanup' },
    });
    expect(coordinator.has('messy')).toBe(false);
    await expect(coordinator.remove('messy')).rejects.toMatchObject({ code: 'agent_not_found' });
  });
});

describe('createCoordinator: close', () => {
  it('refuses new steps and adds with coordinator_closed and cleans up every agent', async () => {
    const { coordinator } = setup();
    const cleaned: string[] = [];
    for (const id of ['a', 'b', 'c']) {
      await coordinator.add(
        id,
        scriptedAgent([], {
          cleanup: () => {
            cleaned.push(id);
          },
        }),
      );
    }
    await coordinator.close();
    expect(cleaned.sort()).toEqual(['a', 'b', 'c']);
    expect(coordinator.ids()).toEqual([]);
    await expect(coordinator.step('a', 'x')).rejects.toMatchObject({ code: 'coordinator_closed' });
    await expect(coordinator.add('d', scriptedAgent([]))).rejects.toMatchObject({
      code: 'coordinator_closed',
    });
    await expect(coordinator.remove('a')).rejects.toMatchObject({ code: 'coordinator_closed' });
  });

  it('is idempotent', async () => {
    const { coordinator } = setup();
    const first = coordinator.close();
    expect(coordinator.close()).toBe(first);
    await first;
  });

  it('lets the running step finish but rejects steps still queued', async () => {
    const { coordinator } = setup();
    const gate = deferred();
    let cleanedUp = false;
    await coordinator.add(
      'worker',
      scriptedAgent([], {
        observe: () => gate.promise,
        act: () => 'finished',
        cleanup: () => {
          cleanedUp = true;
        },
      }),
    );
    const running = coordinator.step('worker', '1');
    const queued = coordinator.step('worker', '2');
    await flush();
    const closed = coordinator.close();
    await expect(queued).rejects.toMatchObject({ code: 'coordinator_closed' });
    expect(cleanedUp).toBe(false);
    gate.resolve();
    await expect(running).resolves.toBe('finished');
    await closed;
    expect(cleanedUp).toBe(true);
  });

  it('logs cleanup failures instead of rejecting', async () => {
    const logger = recordingLogger();
    const coordinator = createCoordinator({ registry: createToolRegistry(), logger });
    await coordinator.add(
      'bad',
      scriptedAgent([], {
        cleanup() {
          throw new Error('nope');
        },
      }),
    );
    await coordinator.close();
    expect(logger.lines).toEqual([
      expect.objectContaining({
        level: 'error',
        fields: expect.objectContaining({ agentId: 'bad' }),
      }),
    ]);
  });

  it('undoes an add whose initialize was still running when close began', async () => {
    const { coordinator } = setup();
    const gate = deferred();
    let cleanedUp = false;
    const adding = coordinator.add(
      'late',
      scriptedAgent([], {
        initialize: () => gate.promise,
        cleanup: () => {
          cleanedUp = true;
        },
      }),
    );
    const closed = coordinator.close();
    gate.resolve();
    await expect(adding).rejects.toMatchObject({ code: 'coordinator_closed' });
    await closed;
    expect(cleanedUp).toBe(true);
    expect(coordinator.has('late')).toBe(false);
  });

  it('closes the default memory it created, but never a memory passed in', async () => {
    const registry = createToolRegistry();
    const mine = inMemoryMemory();
    const withMine = createCoordinator({ registry, memory: mine, namespaceMemory: false });
    await withMine.add('a', scriptedAgent([]));
    await withMine.close();
    await mine.store('still-open', 'yes');
    await expect(mine.load('still-open')).resolves.toBe('yes');

    let memory: AgentContext['memory'] | undefined;
    const withDefault = createCoordinator({ registry, namespaceMemory: false });
    await withDefault.add(
      'b',
      scriptedAgent([], {
        initialize(ctx) {
          memory = ctx.memory;
        },
      }),
    );
    await withDefault.close();
    await expect(memory?.store('k', 'v')).rejects.toMatchObject({ code: 'memory_closed' });
  });
});

describe('createCoordinator: options', () => {
  const registry = createToolRegistry();
  it.each([
    ['maxRounds', -1],
    ['maxRounds', 1.5],
    ['stepTimeoutMs', 0],
    ['stepTimeoutMs', 2 ** 31],
    ['toolTimeoutMs', 0],
    ['maxConcurrentToolCalls', 0],
    ['maxCallsPerRound', 0],
    ['maxQueuedSteps', -1],
    ['maxQueuedSteps', '3'],
    ['namespaceMemory', 'yes'],
  ])('rejects %s = %j with invalid_options', (option, value) => {
    expect(() => createCoordinator({ registry, [option]: value })).toThrow(
      expect.objectContaining({
        code: 'invalid_options',
        data: expect.objectContaining({ option }),
      }),
    );
  });

  it('rejects a missing registry and a non-object', () => {
    expect(() => createCoordinator({} as never)).toThrow(
      expect.objectContaining({
        code: 'invalid_options',
        data: expect.objectContaining({ option: 'registry' }),
      }),
    );
    expect(() => createCoordinator(undefined as never)).toThrow(ValidationError);
  });

  it('accepts maxRounds 0 and maxQueuedSteps 0 as real limits', async () => {
    const coordinator = createCoordinator({
      registry: createToolRegistry().register(echoTool),
      maxRounds: 0,
      maxQueuedSteps: 0,
    });
    await coordinator.add('a', scriptedAgent([[{ name: 'echo', input: 1 }]]));
    await expect(coordinator.step('a', 'x')).rejects.toMatchObject({
      code: 'max_rounds_exceeded',
      data: { maxRounds: 0 },
    });
    await coordinator.close();
  });
});
