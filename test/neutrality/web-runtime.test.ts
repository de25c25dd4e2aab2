import { existsSync, readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

// Loads the BUILT core into a V8 context that has only Web-standard globals
// (no process, Buffer, require or setImmediate), as a browser or an edge
// worker would, and exercises it there.
const built = new URL('../../dist/index.cjs', import.meta.url).pathname;

function webContext(): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  return {
    module,
    exports: module.exports,
    console,
    setTimeout,
    clearTimeout,
    queueMicrotask,
    structuredClone,
    TextEncoder,
    TextDecoder,
    AbortController,
    AbortSignal,
    URL,
    performance: { now: () => performance.now() },
    crypto: globalThis.crypto,
  };
}

describe('built core in a Web-only runtime', () => {
  it('is built (npm install or npm run build produces dist/)', () => {
    expect(existsSync(built), `${built} is missing: run npm run build`).toBe(true);
  });

  it('loads and runs without Node globals', async () => {
    const sandbox = webContext();
    const context = createContext(sandbox);
    runInContext(`"use strict";\n${readFileSync(built, 'utf8')}`, context, {
      filename: 'index.cjs',
    });
    expect(runInContext('typeof process + typeof Buffer + typeof require', context)).toBe(
      'undefinedundefinedundefined',
    );
    const core = (sandbox.module as { exports: Record<string, unknown> }).exports;
    const toolName = core.toolName as (s: string) => string;
    expect(toolName('  http_get ')).toBe('http_get');
    expect(() => toolName('bad name')).toThrow(/position 3/);

    const run = runInContext(
      `(async () => {
        const s = module.exports;
        const registry = s.createToolRegistry();
        registry.register({ name: 'upper', description: 'Upper-cases', inputSchema: { type: 'string' }, call: (t) => t.toUpperCase() });
        const memory = s.inMemoryMemory();
        await memory.store('k', 'v');
        const result = await registry.dispatch({ name: 'upper', input: 'web' });
        return { result, loaded: await memory.load('k') };
      })()`,
      context,
    ) as Promise<{ result: { ok: boolean; output?: unknown }; loaded: string }>;
    const outcome = await run;
    expect(outcome.result).toEqual({ ok: true, output: 'WEB' });
    expect(outcome.loaded).toBe('v');
  });
});
