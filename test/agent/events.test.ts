import { describe, expect, it } from 'vitest';
import { createCoordinator } from '../../src/agent/create-coordinator.js';
import type { CoordinatorEvent, StepFailedEvent } from '../../src/agent/events.js';
import type { StepMetric } from '../../src/observability/metrics.js';
import {
  noopTracer,
  type Span,
  type SpanAttributeValue,
  type Tracer,
} from '../../src/observability/tracing.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { DispatchContext, ToolRegistry } from '../../src/tools/registry.js';
import { echoTool, failTool, recordEvents, recordingLogger, scriptedAgent } from './_helpers.js';

const registryWithTools = (): ToolRegistry =>
  createToolRegistry().register(echoTool).register(failTool);

const shape = (event: CoordinatorEvent<string, string>): string =>
  'round' in event ? `${event.type}#${event.round}.${event.index}` : event.type;

describe('coordinator events', () => {
  it('emits started, called/result per call and finished, in order, with the step details', async () => {
    const coordinator = createCoordinator({
      registry: registryWithTools(),
      maxConcurrentToolCalls: 1,
    });
    const events = recordEvents(coordinator);
    await coordinator.add(
      'a',
      scriptedAgent([
        [
          { name: 'echo', input: 1, id: 'x' },
          { name: 'fail', input: 2 },
        ],
        [{ name: 'echo', input: 3 }],
      ]),
    );
    const before = Date.now();
    await coordinator.step('a', 'obs');
    expect(events.map(shape)).toEqual([
      'step.started',
      'tool.called#1.0',
      'tool.result#1.0',
      'tool.called#1.1',
      'tool.result#1.1',
      'tool.called#2.0',
      'tool.result#2.0',
      'step.finished',
    ]);
    for (const event of events) {
      expect(event.agentId).toBe('a');
      expect(event.step).toBe(1);
      expect(event.timestamp).toBeGreaterThanOrEqual(before);
    }
    const [started, called, result, , failed, , , finished] = events;
    expect(started).toMatchObject({ type: 'step.started', observation: 'obs' });
    expect(called).toMatchObject({
      type: 'tool.called',
      call: { name: 'echo', input: 1, id: 'x' },
    });
    expect(result).toMatchObject({ type: 'tool.result', result: { ok: true, output: 1 } });
    expect(result?.type === 'tool.result' && result.durationMs).toBeGreaterThanOrEqual(0);
    expect(failed).toMatchObject({ result: { ok: false, error: { code: 'tool_failed' } } });
    expect(finished).toMatchObject({ type: 'step.finished', action: 'obs:3', rounds: 2 });
    await coordinator.close();
  });

  it('emits step.failed with the error the step rejects with, as the last event', async () => {
    const coordinator = createCoordinator({ registry: registryWithTools(), maxRounds: 1 });
    const events = recordEvents(coordinator);
    await coordinator.add(
      'a',
      scriptedAgent([[{ name: 'echo', input: 1 }], [{ name: 'echo', input: 2 }]]),
    );
    const error = await coordinator.step('a', 'x').catch((e: unknown) => e);
    expect(events.map(shape)).toEqual([
      'step.started',
      'tool.called#1.0',
      'tool.result#1.0',
      'step.failed',
    ]);
    const last = events.at(-1) as StepFailedEvent;
    expect(last).toMatchObject({ type: 'step.failed', rounds: 1 });
    expect(last.error).toBe(error);
    expect(error).toMatchObject({ code: 'max_rounds_exceeded' });
    await coordinator.close();
  });

  it('numbers steps per agent', async () => {
    const coordinator = createCoordinator({ registry: registryWithTools() });
    const events = recordEvents(coordinator);
    await coordinator.add('a', scriptedAgent([]));
    await coordinator.add('b', scriptedAgent([]));
    await coordinator.step('a', '1');
    await coordinator.step('a', '2');
    await coordinator.step('b', '1');
    const finished = events.filter((e) => e.type === 'step.finished');
    expect(finished.map((e) => `${e.agentId}${e.step}`)).toEqual(['a1', 'a2', 'b1']);
    await coordinator.close();
  });

  it('delivers typed events to on() listeners, and stops after unsubscribe', async () => {
    const coordinator = createCoordinator({ registry: registryWithTools() });
    const actions: string[] = [];
    const off = coordinator.on('step.finished', (event) => actions.push(event.action));
    await coordinator.add('a', scriptedAgent([]));
    await coordinator.step('a', 'one');
    off();
    off();
    await coordinator.step('a', 'two');
    expect(actions).toEqual(['one:0']);
    await coordinator.close();
  });

  it('keeps two subscriptions of the same listener independent', async () => {
    const coordinator = createCoordinator({ registry: registryWithTools() });
    const seen: string[] = [];
    const listener = (event: CoordinatorEvent<string, string>) => seen.push(event.type);
    const offFirst = coordinator.onAny(listener);
    coordinator.onAny(listener);
    await coordinator.add('a', scriptedAgent([]));
    await coordinator.step('a', 'x');
    offFirst();
    await coordinator.step('a', 'x');
    expect(seen).toHaveLength(2 * 2 + 2);
    await coordinator.close();
  });

  it('logs a listener that throws or rejects, and the step and other listeners go on', async () => {
    const logger = recordingLogger();
    const coordinator = createCoordinator({ registry: registryWithTools(), logger });
    coordinator.on('step.started', () => {
      throw new Error('listener bug');
    });
    coordinator.on('tool.result', () => Promise.reject(new Error('async listener bug')) as never);
    const events = recordEvents(coordinator);
    await coordinator.add('a', scriptedAgent([[{ name: 'echo', input: 1 }]]));
    await expect(coordinator.step('a', 'x')).resolves.toBe('x:1');
    await Promise.resolve();
    expect(events.map((e) => e.type)).toEqual([
      'step.started',
      'tool.called',
      'tool.result',
      'step.finished',
    ]);
    const errors = logger.lines.filter((l) => l.level === 'error');
    expect(errors.map((l) => (l.fields as { event: string }).event)).toEqual([
      'step.started',
      'tool.result',
    ]);
    await coordinator.close();
  });

  it('survives a logger that throws while reporting a listener failure', async () => {
    const logger = {
      ...recordingLogger(),
      error: () => {
        throw new Error('logger down');
      },
    };
    const coordinator = createCoordinator({ registry: registryWithTools(), logger });
    coordinator.onAny(() => {
      throw new Error('listener bug');
    });
    await coordinator.add('a', scriptedAgent([]));
    await expect(coordinator.step('a', 'x')).resolves.toBe('x:0');
    await coordinator.close();
  });

  it('lets a listener unsubscribe itself while an event is delivered', async () => {
    const coordinator = createCoordinator({ registry: registryWithTools() });
    const seen: string[] = [];
    const off = coordinator.onAny((event) => {
      seen.push(event.type);
      off();
    });
    await coordinator.add('a', scriptedAgent([]));
    await coordinator.step('a', 'x');
    expect(seen).toEqual(['step.started']);
    await coordinator.close();
  });

  it('drops every listener on close', async () => {
    const coordinator = createCoordinator({ registry: registryWithTools() });
    const seen: string[] = [];
    coordinator.onAny((e) => seen.push(e.type));
    await coordinator.close();
    expect(seen).toEqual([]);
  });
});

describe('coordinator metrics and tracing', () => {
  it('records one step metric per started step, ok or not', async () => {
    const metrics: StepMetric[] = [];
    const coordinator = createCoordinator({
      registry: registryWithTools(),
      metrics: { toolCall: () => {}, step: (m) => metrics.push(m) },
      maxRounds: 1,
    });
    await coordinator.add('good', scriptedAgent([[{ name: 'echo', input: 1 }]]));
    await coordinator.add(
      'bad',
      scriptedAgent([[{ name: 'echo', input: 1 }], [{ name: 'echo', input: 1 }]]),
    );
    await coordinator.step('good', 'x');
    await coordinator.step('bad', 'x').catch(() => {});
    await coordinator.step('nobody', 'x').catch(() => {});
    expect(metrics).toEqual([
      { agentId: 'good', ok: true, rounds: 1, durationMs: expect.any(Number) },
      {
        agentId: 'bad',
        ok: false,
        code: 'max_rounds_exceeded',
        rounds: 1,
        durationMs: expect.any(Number),
      },
    ]);
    await coordinator.close();
  });

  it('logs a metrics recorder that throws and still settles the step as it would', async () => {
    const logger = recordingLogger();
    const coordinator = createCoordinator({
      registry: registryWithTools(),
      logger,
      metrics: {
        toolCall: () => {},
        step: () => {
          throw new Error('metrics down');
        },
      },
    });
    await coordinator.add('a', scriptedAgent([]));
    await expect(coordinator.step('a', 'x')).resolves.toBe('x:0');
    expect(logger.lines.map((l) => l.level)).toEqual(['error']);
    await coordinator.close();
  });

  it('opens one agent.step span per step and makes it the parent of tool-call dispatches', async () => {
    interface FakeSpan extends Span {
      name: string;
      attributes: Record<string, SpanAttributeValue>;
      errors: unknown[];
      ended: number;
    }
    const spans: FakeSpan[] = [];
    const tracer: Tracer = {
      startSpan(name, attributes = {}) {
        const span: FakeSpan = {
          name,
          attributes: { ...attributes },
          errors: [],
          ended: 0,
          setAttribute(key, value) {
            span.attributes[key] = value;
          },
          recordError(error) {
            span.errors.push(error);
          },
          end() {
            span.ended++;
          },
        };
        spans.push(span);
        return span;
      },
    };
    const parents: unknown[] = [];
    const inner = registryWithTools();
    const registry: ToolRegistry = {
      ...inner,
      dispatch: (call, ctx?: DispatchContext) => {
        parents.push(ctx?.span);
        return inner.dispatch(call, ctx);
      },
    };
    const coordinator = createCoordinator({ registry, tracer, maxRounds: 1 });
    await coordinator.add(
      'a',
      scriptedAgent([[{ name: 'echo', input: 1 }], [{ name: 'echo', input: 2 }]]),
    );
    const error = await coordinator.step('a', 'x').catch((e: unknown) => e);
    expect(spans).toHaveLength(1);
    const [span] = spans;
    expect(span).toMatchObject({
      name: 'agent.step',
      attributes: { 'agent.id': 'a', 'agent.step': 1, 'agent.rounds': 1 },
      errors: [error],
      ended: 1,
    });
    expect(parents).toEqual([span]);
    await coordinator.close();
  });

  it("makes the caller's span the parent of the step span, even for a queued step", async () => {
    const parents: unknown[] = [];
    const tracer: Tracer = {
      startSpan(_name, _attributes, parent) {
        parents.push(parent);
        return noopTracer.startSpan('x');
      },
    };
    const coordinator = createCoordinator({ registry: registryWithTools(), tracer });
    await coordinator.add('a', scriptedAgent([]));
    const first = { ...noopTracer.startSpan('request 1') };
    const second = { ...noopTracer.startSpan('request 2') };
    // The second step waits behind the first in the agent's queue.
    await Promise.all([
      coordinator.step('a', 'x', { span: first }),
      coordinator.step('a', 'y', { span: second }),
    ]);
    expect(parents).toHaveLength(2);
    expect(parents[0]).toBe(first);
    expect(parents[1]).toBe(second);
    await coordinator.close();
  });
});
