import { describe, expect, it } from 'vitest';
import { createAbortScope } from '../../src/agent/_abort-scope.js';
import {
  ABORT_SOURCE,
  type AbortSource,
  type SourcedDispatchContext,
} from '../../src/tools/_abort-source.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolResult } from '../../src/tools/tool.js';
import { deferred, tool } from './helpers.js';

/** A dispatch context that carries its cancellation as an abort source and has no signal. */
function sourced(scope = createAbortScope()): SourcedDispatchContext & { scope: typeof scope } {
  return { [ABORT_SOURCE]: scope, scope };
}

function codeOf(result: ToolResult): string | undefined {
  return result.ok ? undefined : result.error.code;
}

describe('dispatch with an abort source instead of a signal', () => {
  it('refuses to start a call whose source already aborted', async () => {
    let ran = false;
    const registry = createToolRegistry().register(
      tool('t', () => {
        ran = true;
      }),
    );
    const ctx = sourced();
    ctx.scope.abort('caller left');
    const result = await registry.dispatch({ name: 't', input: {} }, ctx);
    expect(codeOf(result)).toBe('tool_aborted');
    expect(result.ok ? undefined : result.error.cause).toBe('caller left');
    expect(ran).toBe(false);
  });

  it('aborts a waiting call and its tool signal when the source aborts', async () => {
    let toolSignal: AbortSignal | undefined;
    const registry = createToolRegistry().register(
      tool('t', (_input, ctx) => {
        toolSignal = ctx.signal;
        return deferred().promise;
      }),
    );
    const ctx = sourced();
    const pending = registry.dispatch({ name: 't', input: {} }, ctx);
    ctx.scope.abort('deadline');
    const result = await pending;
    expect(codeOf(result)).toBe('tool_aborted');
    expect(result.ok ? undefined : result.error.cause).toBe('deadline');
    expect(toolSignal?.aborted).toBe(true);
    await registry.close();
  });

  it('listens to the source only while the call waits', async () => {
    const listeners = new Set<() => void>();
    const source: AbortSource = {
      aborted: false,
      reason: undefined,
      onAbort(callback) {
        listeners.add(callback);
        return () => listeners.delete(callback);
      },
    };
    const gate = deferred<string>();
    const registry = createToolRegistry()
      .register(tool('sync', () => 'now'))
      .register(tool('async', () => gate.promise));
    const ctx: SourcedDispatchContext = { [ABORT_SOURCE]: source };
    expect(await registry.dispatch({ name: 'sync', input: {} }, ctx)).toEqual({
      ok: true,
      output: 'now',
    });
    expect(listeners.size).toBe(0);
    const pending = registry.dispatch({ name: 'async', input: {} }, ctx);
    expect(listeners.size).toBe(1);
    gate.resolve('later');
    expect(await pending).toEqual({ ok: true, output: 'later' });
    expect(listeners.size).toBe(0);
    await registry.close();
  });
});
