import { describe, expect, it } from 'vitest';
import { createAbortScope } from '../../src/agent/_abort-scope.js';
import { StepContext, StepDispatchContext } from '../../src/agent/_step-context.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import { noopLogger } from '../../src/observability/logger.js';
import { noopTracer } from '../../src/observability/tracing.js';
import type { Principal } from '../../src/principal.js';

const memory = inMemoryMemory();
const span = noopTracer.startSpan('agent.step', {});
const principal = { id: 'user-1' } as Principal;

describe('step contexts', () => {
  it('reads like a plain object: spreading or listing keys keeps the signal', () => {
    const scope = createAbortScope();
    const ctx = new StepContext(scope, 'a', memory, noopLogger, undefined, 3, 1);
    expect(Object.keys(ctx)).toEqual(['agentId', 'memory', 'signal', 'logger', 'step', 'round']);
    expect('principal' in ctx).toBe(false);
    const copy = { ...ctx, round: 2 };
    expect(copy.signal).toBe(ctx.signal);
    expect(copy).toMatchObject({ agentId: 'a', step: 3, round: 2 });
    expect(new StepContext(scope, 'a', memory, noopLogger, principal, 3, 1).principal).toBe(
      principal,
    );
  });

  it('hands every context of a step the same signal, aborted with the scope reason', () => {
    const scope = createAbortScope();
    const first = new StepContext(scope, 'a', memory, noopLogger, undefined, 1, 0);
    const second = new StepContext(scope, 'a', memory, noopLogger, undefined, 1, 1);
    const signal = first.signal;
    expect(second.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    scope.abort('deadline');
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe('deadline');
  });

  it('makes a signal read after the abort already aborted', () => {
    const scope = createAbortScope();
    scope.abort('gone');
    const dispatch = new StepDispatchContext(scope, span, principal, 50);
    expect(dispatch.signal.aborted).toBe(true);
    expect(dispatch.signal.reason).toBe('gone');
    expect(dispatch).toMatchObject({ span, principal, timeoutMs: 50 });
  });

  it('gives a dispatch context only the fields it has, and a spread copy a real signal', () => {
    const scope = createAbortScope();
    const dispatch = new StepDispatchContext(scope, span, undefined, undefined);
    expect(Object.keys(dispatch)).toEqual(['signal', 'span']);
    const copy = { ...dispatch };
    expect(copy.signal).toBeInstanceOf(AbortSignal);
    // The abort source is inherited, so a copy is a plain context the registry reads by its signal.
    expect(Object.getOwnPropertySymbols(copy)).toEqual([]);
  });
});
