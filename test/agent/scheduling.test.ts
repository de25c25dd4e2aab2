import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agent/agent.js';
import { createCoordinator } from '../../src/agent/create-coordinator.js';
import { CoordinatorError } from '../../src/errors/families.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import { type Deferred, deferred, flush, recordEvents, scriptedAgent } from './_helpers.js';

/** An agent whose observe waits for the test to release it, step by step. */
function gatedAgent(log: string[], name: string) {
  const gates: Deferred[] = [];
  const agent = scriptedAgent([], {
    async observe(observation) {
      log.push(`${name} start ${observation}`);
      const gate = deferred();
      gates.push(gate);
      await gate.promise;
      log.push(`${name} end ${observation}`);
    },
    act: () => name,
  });
  return { agent, gates };
}

describe('scheduling: one agent', () => {
  it('runs its steps one after another, in call order', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry() });
    const log: string[] = [];
    const { agent, gates } = gatedAgent(log, 'a');
    await coordinator.add('a', agent);
    const steps = ['1', '2', '3'].map((o) => coordinator.step('a', o));
    await flush();
    expect(log).toEqual(['a start 1']);
    gates[0]?.resolve();
    await flush();
    expect(log).toEqual(['a start 1', 'a end 1', 'a start 2']);
    gates[1]?.resolve();
    await flush();
    gates[2]?.resolve();
    await Promise.all(steps);
    expect(log).toEqual(['a start 1', 'a end 1', 'a start 2', 'a end 2', 'a start 3', 'a end 3']);
    await coordinator.close();
  });

  it('starts the next step after a failed one', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry() });
    let n = 0;
    await coordinator.add(
      'a',
      scriptedAgent([], {
        act: () => {
          n++;
          if (n === 1) throw new Error('first fails');
          return `ok ${n}`;
        },
      }),
    );
    const first = coordinator.step('a', '1');
    const second = coordinator.step('a', '2');
    await expect(first).rejects.toMatchObject({ code: 'agent_failed' });
    await expect(second).resolves.toBe('ok 2');
    await coordinator.close();
  });

  it('refuses a step with agent_busy once maxQueuedSteps steps wait', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry(), maxQueuedSteps: 2 });
    const log: string[] = [];
    const { agent, gates } = gatedAgent(log, 'a');
    await coordinator.add('a', agent);
    const accepted = [
      coordinator.step('a', '1'),
      coordinator.step('a', '2'),
      coordinator.step('a', '3'),
    ];
    const error = await coordinator.step('a', '4').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoordinatorError);
    expect(error).toMatchObject({ code: 'agent_busy', data: { agentId: 'a', maxQueuedSteps: 2 } });
    for (let i = 0; i < 3; i++) {
      await flush();
      gates[i]?.resolve();
    }
    await expect(Promise.all(accepted)).resolves.toEqual(['a', 'a', 'a']);
    // Room again once the queue drained.
    const again = coordinator.step('a', '5');
    await flush();
    gates[3]?.resolve();
    await expect(again).resolves.toBe('a');
    await coordinator.close();
  });

  it('drops a queued step whose caller aborts, without starting it or emitting events', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry(), maxQueuedSteps: 1 });
    const events = recordEvents(coordinator);
    const log: string[] = [];
    const { agent, gates } = gatedAgent(log, 'a');
    await coordinator.add('a', agent);
    const controller = new AbortController();
    const first = coordinator.step('a', '1');
    const dropped = coordinator.step('a', '2', { signal: controller.signal });
    controller.abort('changed my mind');
    await expect(dropped).rejects.toMatchObject({ code: 'step_aborted', cause: 'changed my mind' });
    // Its queue slot is free again.
    const third = coordinator.step('a', '3');
    await flush();
    gates[0]?.resolve();
    await flush();
    gates[1]?.resolve();
    await Promise.all([first, third]);
    expect(log).toEqual(['a start 1', 'a end 1', 'a start 3', 'a end 3']);
    expect(events.filter((e) => e.type === 'step.started').map((e) => e.step)).toEqual([1, 2]);
    await coordinator.close();
  });

  it('starts a queued step whose caller did not abort while it waited', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry() });
    const log: string[] = [];
    const { agent, gates } = gatedAgent(log, 'a');
    await coordinator.add('a', agent);
    const controller = new AbortController();
    const first = coordinator.step('a', '1');
    const second = coordinator.step('a', '2', { signal: controller.signal });
    await flush();
    gates[0]?.resolve();
    await flush();
    gates[1]?.resolve();
    await expect(Promise.all([first, second])).resolves.toEqual(['a', 'a']);
    // Aborting after the step settled changes nothing.
    controller.abort();
    await coordinator.close();
  });
});

describe('scheduling: many agents', () => {
  it('steps different agents concurrently', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry() });
    const log: string[] = [];
    const a = gatedAgent(log, 'a');
    const b = gatedAgent(log, 'b');
    await coordinator.add('a', a.agent);
    await coordinator.add('b', b.agent);
    const stepA = coordinator.step('a', '1');
    const stepB = coordinator.step('b', '1');
    await flush();
    // Both are inside observe at the same time.
    expect(log).toEqual(['a start 1', 'b start 1']);
    b.gates[0]?.resolve();
    await expect(stepB).resolves.toBe('b');
    a.gates[0]?.resolve();
    await expect(stepA).resolves.toBe('a');
    await coordinator.close();
  });
});

describe('memory per agent', () => {
  const writer = (key: string, value: string): Agent => ({
    ...scriptedAgent([]),
    async observe(_observation, ctx) {
      await ctx.memory.store(key, value);
    },
    async act(ctx) {
      return (await ctx.memory.keys()).join(',');
    },
  });

  it('namespaces each agent memory by its id by default', async () => {
    const memory = inMemoryMemory();
    const coordinator = createCoordinator({ registry: createToolRegistry(), memory });
    await coordinator.add('alice', writer('note', 'from alice'));
    await coordinator.add('bob', writer('note', 'from bob'));
    await expect(coordinator.step('alice', 'x')).resolves.toBe('note');
    await expect(coordinator.step('bob', 'x')).resolves.toBe('note');
    await expect(memory.load('alice:note')).resolves.toBe('from alice');
    await expect(memory.load('bob:note')).resolves.toBe('from bob');
    await coordinator.close();
  });

  it('shares the whole memory when namespaceMemory is false', async () => {
    const memory = inMemoryMemory();
    const coordinator = createCoordinator({
      registry: createToolRegistry(),
      memory,
      namespaceMemory: false,
    });
    await coordinator.add('alice', writer('alice-note', '1'));
    await coordinator.add('bob', writer('bob-note', '2'));
    await coordinator.step('alice', 'x');
    await expect(coordinator.step('bob', 'x')).resolves.toBe('alice-note,bob-note');
    await coordinator.close();
  });

  it('gives agents a working memory when none is configured', async () => {
    const coordinator = createCoordinator({ registry: createToolRegistry() });
    await coordinator.add('solo', writer('k', 'v'));
    await expect(coordinator.step('solo', 'x')).resolves.toBe('k');
    await coordinator.close();
  });
});
