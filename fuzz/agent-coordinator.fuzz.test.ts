import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Agent } from '../src/agent/agent.js';
import type { Coordinator } from '../src/agent/coordinator.js';
import { createCoordinator } from '../src/agent/create-coordinator.js';
import type { CoordinatorEvent } from '../src/agent/events.js';
import { isSkreaverError, SkreaverError } from '../src/errors/skreaver-error.js';
import { createToolRegistry } from '../src/tools/create-registry.js';
import type { ToolRegistry } from '../src/tools/registry.js';
import type { ToolCall, ToolResult } from '../src/tools/tool.js';

/** Every code a step may reject with, as documented on Coordinator.step. */
const STEP_CODES = new Set([
  'agent_failed',
  'max_rounds_exceeded',
  'max_calls_exceeded',
  'step_timeout',
  'step_aborted',
  'agent_busy',
]);

type Behaviour = 'ok' | 'async' | 'throw' | 'reject' | 'hang';
type ToolKind = 'ok' | 'async' | 'throws' | 'missing' | 'hang';

interface StepScript {
  observe: Behaviour;
  rounds: ToolKind[][];
  /** The 0-based handleResult call (within the step) that throws, if any. */
  handleThrowsAt: number;
  callTools: Behaviour;
  act: Behaviour;
}

const TOOL_NAMES: Record<ToolKind, string> = {
  ok: 'ok_tool',
  async: 'async_tool',
  throws: 'throwing_tool',
  missing: 'missing_tool',
  hang: 'hanging_tool',
};

function registry(): ToolRegistry {
  return createToolRegistry({ timeoutMs: 5 })
    .register({ name: 'ok_tool', description: 'ok', inputSchema: {}, call: (input) => input })
    .register({
      name: 'async_tool',
      description: 'async ok',
      inputSchema: {},
      call: async (input) => {
        await Promise.resolve();
        return input;
      },
    })
    .register({
      name: 'throwing_tool',
      description: 'throws',
      inputSchema: {},
      call: () => {
        throw new Error('tool failure');
      },
    })
    .register({
      name: 'hanging_tool',
      description: 'never ends',
      inputSchema: {},
      call: () => new Promise(() => {}),
    });
}

function perform<T>(behaviour: Behaviour, value: T): T | Promise<T> {
  switch (behaviour) {
    case 'ok':
      return value;
    case 'async':
      return Promise.resolve().then(() => value);
    case 'throw':
      throw new Error('agent method threw');
    case 'reject':
      return Promise.reject(new Error('agent method rejected'));
    case 'hang':
      return new Promise<T>(() => {});
  }
}

/** An agent that plays one script per step, in order. */
function scriptAgent(id: string, scripts: StepScript[]): Agent<string, string> {
  let index = -1;
  let round = 0;
  let handled = 0;
  const current = (): StepScript => scripts[index] as StepScript;
  return {
    observe() {
      index++;
      round = 0;
      handled = 0;
      return perform(current().observe, undefined);
    },
    callTools() {
      const calls: ToolCall[] = (current().rounds[round] ?? []).map((kind, i) => ({
        name: TOOL_NAMES[kind],
        input: { round, i },
        id: `${round}.${i}`,
      }));
      round++;
      return perform(current().callTools, calls);
    },
    handleResult() {
      if (handled++ === current().handleThrowsAt) throw new Error('handleResult threw');
    },
    act() {
      return perform(current().act, `${id}#${index}`);
    },
  };
}

const deterministic = fc.constantFrom<Behaviour>('ok', 'async', 'ok', 'async', 'throw', 'reject');
const chaotic = fc.constantFrom<Behaviour>('ok', 'async', 'ok', 'async', 'throw', 'reject', 'hang');

const stepScript = (behaviour: fc.Arbitrary<Behaviour>, tools: fc.Arbitrary<ToolKind>) =>
  fc.record({
    observe: behaviour,
    rounds: fc.array(fc.array(tools, { maxLength: 5 }), { maxLength: 5 }),
    handleThrowsAt: fc.oneof(fc.constant(-1), fc.nat(12)),
    callTools: behaviour,
    act: behaviour,
  });

/** Checks every step's events: started first, one terminal event last, calls before results. */
function checkEvents(
  events: CoordinatorEvent<string, string>[],
): Map<string, CoordinatorEvent<string, string>> {
  const bySteps = new Map<string, CoordinatorEvent<string, string>[]>();
  for (const event of events) {
    const key = `${event.agentId}/${event.step}`;
    const list = bySteps.get(key) ?? [];
    list.push(event);
    bySteps.set(key, list);
  }
  const terminals = new Map<string, CoordinatorEvent<string, string>>();
  for (const [key, list] of bySteps) {
    expect(list[0]?.type).toBe('step.started');
    const ends = list.filter((e) => e.type === 'step.finished' || e.type === 'step.failed');
    expect(ends).toHaveLength(1);
    expect(list.at(-1)).toBe(ends[0]);
    const called = new Set<string>();
    for (const event of list) {
      if (event.type === 'tool.called') called.add(`${event.round}.${event.index}`);
      if (event.type === 'tool.result') {
        expect(called.has(`${event.round}.${event.index}`)).toBe(true);
        expect(event.result).toHaveProperty('ok');
      }
    }
    terminals.set(key, ends[0] as CoordinatorEvent<string, string>);
  }
  return terminals;
}

/** The outcome the coordinator must produce for a script without hangs or aborts. */
function expected(
  script: StepScript,
  limits: { maxRounds: number; maxCallsPerRound: number },
  action: string,
): { value: string } | { code: string; method?: string } {
  const failed = (b: Behaviour) => b === 'throw' || b === 'reject';
  if (failed(script.observe)) return { code: 'agent_failed', method: 'observe' };
  let handled = 0;
  for (let round = 0; ; round++) {
    if (failed(script.callTools)) return { code: 'agent_failed', method: 'callTools' };
    const calls = script.rounds[round] ?? [];
    if (calls.length === 0) break;
    if (round >= limits.maxRounds) return { code: 'max_rounds_exceeded' };
    if (calls.length > limits.maxCallsPerRound) return { code: 'max_calls_exceeded' };
    for (let i = 0; i < calls.length; i++) {
      if (handled++ === script.handleThrowsAt)
        return { code: 'agent_failed', method: 'handleResult' };
    }
  }
  if (failed(script.act)) return { code: 'agent_failed', method: 'act' };
  return { value: action };
}

async function settle(promise: Promise<string>): Promise<{ value: string } | { error: unknown }> {
  try {
    return { value: await promise };
  } catch (error) {
    return { error };
  }
}

describe('coordinator fuzz', () => {
  it('produces exactly the outcome the agent script implies, with well-formed events', async () => {
    const tools = fc.constantFrom<ToolKind>('ok', 'async', 'throws', 'missing');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          agents: fc.array(
            fc.array(stepScript(deterministic, tools), { minLength: 1, maxLength: 4 }),
            {
              minLength: 1,
              maxLength: 3,
            },
          ),
          maxRounds: fc.integer({ min: 0, max: 4 }),
          maxCallsPerRound: fc.integer({ min: 1, max: 5 }),
          maxConcurrentToolCalls: fc.integer({ min: 1, max: 4 }),
        }),
        async ({ agents, maxRounds, maxCallsPerRound, maxConcurrentToolCalls }) => {
          const coordinator: Coordinator = createCoordinator({
            registry: registry(),
            maxRounds,
            maxCallsPerRound,
            maxConcurrentToolCalls,
          });
          const events: CoordinatorEvent<string, string>[] = [];
          coordinator.onAny((e) => events.push(e));
          const results: ToolResult[] = [];
          coordinator.on('tool.result', (e) => results.push(e.result));
          await Promise.all(
            agents.map((scripts, a) =>
              coordinator.add(`agent${a}`, scriptAgent(`agent${a}`, scripts)),
            ),
          );
          // Every step of every agent is requested at once: agents run in
          // parallel, each agent's steps in order.
          const outcomes = await Promise.all(
            agents.flatMap((scripts, a) =>
              scripts.map((_, s) => settle(coordinator.step(`agent${a}`, `obs${s}`))),
            ),
          );
          const terminals = checkEvents(events);
          let k = 0;
          agents.forEach((scripts, a) => {
            scripts.forEach((script, s) => {
              const outcome = outcomes[k++];
              const want = expected(script, { maxRounds, maxCallsPerRound }, `agent${a}#${s}`);
              const terminal = terminals.get(`agent${a}/${s + 1}`);
              if ('value' in want) {
                expect(outcome).toEqual({ value: want.value });
                expect(terminal).toMatchObject({ type: 'step.finished', action: want.value });
              } else {
                const error = (outcome as { error: unknown }).error;
                expect(error).toBeInstanceOf(SkreaverError);
                expect(error).toMatchObject({ code: want.code });
                if (want.method !== undefined)
                  expect(error).toMatchObject({ data: { method: want.method } });
                expect(terminal).toMatchObject({ type: 'step.failed', error });
              }
            });
          });
          for (const result of results) {
            if (!result.ok) expect(['tool_failed', 'tool_not_found']).toContain(result.error.code);
          }
          await coordinator.close();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('settles every step with act\u2019s value or a documented error under hangs, aborts and a full queue', async () => {
    const tools = fc.constantFrom<ToolKind>('ok', 'async', 'throws', 'missing', 'hang');
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            script: stepScript(chaotic, tools),
            abortAfterTicks: fc.option(fc.nat(30), { nil: undefined }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.integer({ min: 0, max: 3 }),
        async (steps, maxQueuedSteps) => {
          const coordinator = createCoordinator({
            registry: registry(),
            maxRounds: 3,
            maxQueuedSteps,
            stepTimeoutMs: 10,
          });
          const events: CoordinatorEvent<string, string>[] = [];
          coordinator.onAny((e) => events.push(e));
          await coordinator.add(
            'chaos',
            scriptAgent(
              'chaos',
              steps.map((s) => s.script),
            ),
          );
          const outcomes = await Promise.all(
            steps.map(async ({ abortAfterTicks }, s) => {
              const controller = new AbortController();
              const promise = settle(
                coordinator.step('chaos', `obs${s}`, { signal: controller.signal }),
              );
              if (abortAfterTicks !== undefined) {
                for (let t = 0; t < abortAfterTicks; t++) await Promise.resolve();
                controller.abort('fuzz abort');
              }
              return promise;
            }),
          );
          const terminals = checkEvents(events);
          const started = events.filter((e) => e.type === 'step.started').length;
          let settledAfterStart = 0;
          for (const outcome of outcomes) {
            if ('value' in outcome) {
              expect(outcome.value).toMatch(/^chaos#\d+$/);
              settledAfterStart++;
              continue;
            }
            expect(isSkreaverError(outcome.error)).toBe(true);
            const { code } = outcome.error as SkreaverError;
            expect(STEP_CODES.has(code)).toBe(true);
            const fromEvents = [...terminals.values()].some(
              (e) => e.type === 'step.failed' && e.error === outcome.error,
            );
            if (fromEvents) settledAfterStart++;
            else expect(['agent_busy', 'step_aborted']).toContain(code);
          }
          // Every started step settled its caller's promise, and vice versa.
          expect(settledAfterStart).toBe(started);
          expect(terminals.size).toBe(started);
          await coordinator.close();
        },
      ),
      { numRuns: 100 },
    );
  });
});
