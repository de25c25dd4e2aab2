import { createToolRegistry, DEFAULT_POLICY, defineTool } from 'skreaver';
import { createMemoryGuard } from 'skreaver/security/node';
import { afterEach, describe, expect, it } from 'vitest';

const MIB = 1024 * 1024;
const echo = defineTool({
  name: 'echo',
  description: 'Echoes',
  inputSchema: { type: 'object' },
  call: (input: unknown) => input,
});

describe('createMemoryGuard', () => {
  const guards: { close(): void }[] = [];
  afterEach(() => {
    for (const guard of guards.splice(0)) guard.close();
  });

  it('refuses calls with resource_exhausted while memory is above the limit, and allows them again below', async () => {
    let rss = 100 * MIB;
    const guard = createMemoryGuard({ maxMemoryMb: 256, rss: () => rss });
    guards.push(guard);
    const registry = createToolRegistry({ policies: [guard.hook] });
    registry.register(echo);

    expect((await registry.dispatch({ name: 'echo', input: { a: 1 } })).ok).toBe(true);

    rss = 300 * MIB;
    expect(guard.sample()).toBe(300);
    expect(guard.shedding).toBe(true);
    const denied = await registry.dispatch({ name: 'echo', input: { a: 1 } });
    expect(denied.ok).toBe(false);
    if (denied.ok) return;
    expect(denied.error.code).toBe('tool_denied');
    expect(denied.error.data).toMatchObject({
      detail: { code: 'resource_exhausted', reason: 'memory', limit: 256, size: 300 },
    });
    expect(denied.error.cause).toMatchObject({ code: 'resource_exhausted' });

    rss = 200 * MIB;
    guard.sample();
    expect((await registry.dispatch({ name: 'echo', input: { a: 1 } })).ok).toBe(true);
    await registry.close();
  });

  it("takes the threshold from the policy's resources.maxMemoryMb and never sheds without one", () => {
    const rss = () => 10_000 * MIB;
    const off = createMemoryGuard({ policy: DEFAULT_POLICY, rss });
    guards.push(off);
    off.sample();
    expect(off.shedding).toBe(false);
    const policy = {
      ...DEFAULT_POLICY,
      resources: { ...DEFAULT_POLICY.resources, maxMemoryMb: 512 },
    };
    const on = createMemoryGuard({ policy, rss });
    guards.push(on);
    expect(on.shedding).toBe(true);
  });

  it('samples on a timer', async () => {
    let rss = 10 * MIB;
    const guard = createMemoryGuard({ maxMemoryMb: 50, intervalMs: 5, rss: () => rss });
    guards.push(guard);
    expect(guard.shedding).toBe(false);
    rss = 60 * MIB;
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(guard.shedding).toBe(true);
  });

  it.each([
    [{ maxMemoryMb: 0 }],
    [{ maxMemoryMb: -1 }],
    [{ maxMemoryMb: Number.NaN }],
    [{ intervalMs: 0 }],
  ])('refuses bad options %j with invalid_options', (options) => {
    expect(() => createMemoryGuard(options)).toThrow(
      expect.objectContaining({ code: 'invalid_options' }),
    );
  });
});
