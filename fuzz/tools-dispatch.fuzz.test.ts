import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ToolError } from '../src/errors/families.js';
import type { ToolCallMetric } from '../src/observability/metrics.js';
import { createToolRegistry } from '../src/tools/create-registry.js';
import { DISPATCH_ERROR_CODES } from '../src/tools/dispatch-errors.js';
import type { JsonSchema } from '../src/tools/json.js';
import { isJsonSerialisable } from '../src/tools/output-check.js';
import type { ToolPolicyDecision, ToolPolicyHook } from '../src/tools/registry.js';
import type { ToolContext } from '../src/tools/tool.js';

/** Values a tool might return or throw that are not JSON. */
const unserialisable = fc.oneof(
  fc.constantFrom<unknown>(
    () => 1,
    Symbol('s'),
    10n,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    undefined,
  ),
  fc.constant(null).map(() => new Date(0)),
  fc.constant(null).map(() => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    return cyclic;
  }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => ({ value, fn: () => value })),
);

const output = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, unserialisable);

const thrown = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.constantFrom<unknown>(null, undefined, 0, ''),
  fc.string().map((message) => new Error(message)),
  fc.constantFrom(
    new ToolError('tool_invalid_input', 'tool says the input is wrong'),
    new ToolError('tool_timeout', 'a nested call timed out'),
    new ToolError('tool_denied', 'tool refuses'),
  ),
);

const delay = fc.integer({ min: 0, max: 30 });

/** How one invocation of a tool behaves. */
const behaviour = fc.oneof(
  fc.record({ kind: fc.constant('return' as const), value: output }),
  fc.record({ kind: fc.constant('resolve' as const), value: output, delay }),
  fc.record({ kind: fc.constant('throw' as const), value: thrown }),
  fc.record({ kind: fc.constant('reject' as const), value: thrown, delay }),
  fc.record({ kind: fc.constant('hang' as const) }),
  fc.record({ kind: fc.constant('honour-abort' as const) }),
  fc.record({ kind: fc.constant('twice' as const), value: output, other: output }),
  fc.record({ kind: fc.constant('resolve-then-reject' as const), value: output, error: thrown }),
);
type Behaviour = typeof behaviour extends fc.Arbitrary<infer B> ? B : never;

function run(b: Behaviour, ctx: ToolContext): unknown {
  switch (b.kind) {
    case 'return':
      return b.value;
    case 'throw':
      throw b.value;
    case 'resolve':
      return new Promise((resolve) => setTimeout(() => resolve(b.value), b.delay));
    case 'reject':
      return new Promise((_resolve, reject) => setTimeout(() => reject(b.value), b.delay));
    case 'hang':
      return new Promise(() => {});
    case 'honour-abort':
      return new Promise((_resolve, reject) => {
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
      });
    case 'twice':
      return {
        // biome-ignore lint/suspicious/noThenProperty: a misbehaving thenable is the point
        then(ok: (v: unknown) => void) {
          ok(b.value);
          ok(b.other);
        },
      };
    case 'resolve-then-reject':
      return {
        // biome-ignore lint/suspicious/noThenProperty: a misbehaving thenable is the point
        then(ok: (v: unknown) => void, fail: (e: unknown) => void) {
          ok(b.value);
          fail(b.error);
        },
      };
  }
}

const decision = fc.oneof(
  fc.constant<ToolPolicyDecision>({ allow: true }),
  fc.jsonValue({ maxDepth: 1 }).map((input): ToolPolicyDecision => ({ allow: true, input })),
  fc.string().map((reason): ToolPolicyDecision => ({ allow: false, reason })),
  fc.anything({ maxDepth: 1 }) as fc.Arbitrary<ToolPolicyDecision>,
);

const hook = fc.oneof(
  {
    weight: 3,
    arbitrary: decision.map(
      (d): ToolPolicyHook =>
        () =>
          d,
    ),
  },
  decision.map(
    (d): ToolPolicyHook =>
      async () =>
        d,
  ),
  thrown.map(
    (error): ToolPolicyHook =>
      () => {
        throw error;
      },
  ),
);

const schemas: JsonSchema[] = [
  {},
  { type: 'object' },
  { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
  { type: 'array', items: { type: 'integer', minimum: 0 } },
];

const scenario = fc.record({
  timeoutMs: fc.integer({ min: 1, max: 50 }),
  maxConcurrentPerTool: fc.integer({ min: 1, max: 3 }),
  maxQueuedPerTool: fc.integer({ min: 0, max: 3 }),
  checkOutput: fc.boolean(),
  policies: fc.array(hook, { maxLength: 2 }),
  tools: fc.array(
    fc.record({
      schema: fc.constantFrom(...schemas),
      behaviours: fc.array(behaviour, { minLength: 1, maxLength: 4 }),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  calls: fc.array(
    fc.record({
      tool: fc.oneof({ weight: 6, arbitrary: fc.nat(2) }, fc.anything({ maxDepth: 0 })),
      input: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.anything({ maxDepth: 2 })),
      abortAfter: fc.option(fc.integer({ min: 0, max: 60 }), { nil: undefined }),
      timeoutMs: fc.option(fc.integer({ min: -5, max: 60 }), { nil: undefined }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
});

const codes: readonly string[] = DISPATCH_ERROR_CODES;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});

afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

beforeEach(() => {
  // Only timers are faked, so setImmediate still flushes rejection tracking.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('fuzz: dispatch', () => {
  it('always resolves a result with a documented code, once per call, leaving no timer behind', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const metrics: ToolCallMetric[] = [];
        const registry = createToolRegistry({
          timeoutMs: s.timeoutMs,
          maxConcurrentPerTool: s.maxConcurrentPerTool,
          maxQueuedPerTool: s.maxQueuedPerTool,
          checkOutput: s.checkOutput,
          policies: s.policies,
          metrics: { toolCall: (metric) => metrics.push(metric), step() {} },
        });
        s.tools.forEach((t, index) => {
          let invocations = 0;
          registry.register({
            name: `tool_${index}`,
            description: 'fuzzed tool',
            inputSchema: t.schema,
            call: (_input, ctx) =>
              run(t.behaviours[invocations++ % t.behaviours.length] as Behaviour, ctx),
          });
        });
        const results = s.calls.map((c) => {
          const controller = new AbortController();
          if (c.abortAfter !== undefined) setTimeout(() => controller.abort(), c.abortAfter);
          const name = typeof c.tool === 'number' ? `tool_${c.tool}` : c.tool;
          const ctx =
            c.timeoutMs === undefined
              ? { signal: controller.signal }
              : { signal: controller.signal, timeoutMs: c.timeoutMs };
          return registry.dispatch({ name: name as string, input: c.input }, ctx);
        });
        await vi.advanceTimersByTimeAsync(1_000);
        const settled = await Promise.all(results);
        for (const result of settled) {
          if (result.ok) {
            if (s.checkOutput) expect(isJsonSerialisable(result.output)).toBe(true);
          } else {
            expect(result.error).toBeInstanceOf(ToolError);
            expect(codes).toContain(result.error.code);
            expect(typeof result.error.message).toBe('string');
          }
        }
        await registry.close();
        await vi.advanceTimersByTimeAsync(1_000);
        expect(metrics).toHaveLength(s.calls.length);
        expect(vi.getTimerCount()).toBe(0);
      }),
      { numRuns: 300 },
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it('resolves every call made after close with registry_closed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.anything({ maxDepth: 2 }),
        fc.anything({ maxDepth: 2 }),
        async (name, input) => {
          const registry = createToolRegistry();
          await registry.close();
          const result = await registry.dispatch({ name: name as string, input });
          expect(result.ok ? undefined : result.error.code).toBe('registry_closed');
        },
      ),
      { numRuns: 100 },
    );
  });
});
