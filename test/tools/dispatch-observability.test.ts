import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/observability/tracing.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolContext } from '../../src/tools/tool.js';
import { recordingMetrics, recordingTracer, tool } from './helpers.js';

describe('dispatch: metrics', () => {
  it('reports every call once, with the name as called, the outcome and a duration', async () => {
    const metrics = recordingMetrics();
    const registry = createToolRegistry({ metrics })
      .register(tool('ok', () => 'fine'))
      .register(tool('boom', async () => Promise.reject(new Error('x'))));
    await registry.dispatch({ name: 'ok', input: {} });
    await registry.dispatch({ name: 'boom', input: {} });
    await registry.dispatch({ name: 'nope', input: {} });
    await registry.dispatch({ name: 42 as unknown as string, input: {} });
    expect(metrics.calls.map(({ durationMs: _, ...rest }) => rest)).toEqual([
      { tool: 'ok', ok: true },
      { tool: 'boom', ok: false, code: 'tool_failed' },
      { tool: 'nope', ok: false, code: 'tool_not_found' },
      { tool: '', ok: false, code: 'tool_not_found' },
    ]);
    for (const { durationMs } of metrics.calls) {
      expect(Number.isFinite(durationMs)).toBe(true);
      expect(durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('still resolves results when the recorder throws', async () => {
    const metrics = {
      toolCall() {
        throw new Error('recorder down');
      },
      step() {},
      toolInFlight() {
        throw new Error('recorder down');
      },
    };
    const registry = createToolRegistry({ metrics }).register(tool('t', async () => 1));
    expect(await registry.dispatch({ name: 't', input: {} })).toEqual({ ok: true, output: 1 });
    expect(await registry.dispatch({ name: 't', input: {} })).toEqual({ ok: true, output: 1 });
  });
});

describe('dispatch: tracing', () => {
  it('opens a tool.call span per call under the caller span and gives it to the tool', async () => {
    const tracer = recordingTracer();
    let toolCtx: ToolContext | undefined;
    const registry = createToolRegistry({ tracer }).register(
      tool('t', (_input, ctx) => {
        toolCtx = ctx;
        return 'x';
      }),
    );
    const parent: Span = { setAttribute() {}, recordError() {}, end() {} };
    await registry.dispatch({ name: 't', input: {}, id: 'c1' }, { span: parent });
    expect(tracer.spans).toHaveLength(1);
    const span = tracer.spans[0];
    expect(span?.name).toBe('tool.call');
    expect(span?.parent).toBe(parent);
    expect(span?.attributes).toEqual({ 'tool.name': 't', 'tool.call_id': 'c1', 'tool.ok': true });
    expect(span?.ends).toBe(1);
    expect(toolCtx?.span).toBe(span);
    expect(toolCtx?.tracer).toBe(tracer);
  });

  it('records the error code and the error on a failed call', async () => {
    const tracer = recordingTracer();
    const registry = createToolRegistry({ tracer });
    const result = await registry.dispatch({ name: 'missing', input: {} });
    const span = tracer.spans[0];
    expect(span?.attributes).toMatchObject({ 'tool.ok': false, 'tool.code': 'tool_not_found' });
    expect(span?.errors).toEqual([result.ok ? undefined : result.error]);
    expect(span?.ends).toBe(1);
  });

  it('hands the caller span to the tool when no tracer is configured', async () => {
    let toolSpan: Span | undefined;
    const parent: Span = { setAttribute() {}, recordError() {}, end() {} };
    const registry = createToolRegistry().register(
      tool('t', (_input, ctx) => {
        toolSpan = ctx.span;
        return 1;
      }),
    );
    await registry.dispatch({ name: 't', input: {} }, { span: parent });
    expect(toolSpan).toBe(parent);
  });

  it('still resolves results when the tracer or its spans throw', async () => {
    const broken = {
      startSpan() {
        throw new Error('tracer down');
      },
    };
    const failingSpan = {
      startSpan: (): Span => ({
        setAttribute() {
          throw new Error('span down');
        },
        recordError() {},
        end() {},
      }),
    };
    for (const tracer of [broken, failingSpan]) {
      const registry = createToolRegistry({ tracer }).register(tool('t', () => 1));
      expect(await registry.dispatch({ name: 't', input: {} })).toEqual({ ok: true, output: 1 });
    }
  });
});
