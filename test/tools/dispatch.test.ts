import { describe, expect, it, vi } from 'vitest';
import { ToolError, ValidationError } from '../../src/errors/families.js';
import { noopLogger } from '../../src/observability/logger.js';
import type { Principal } from '../../src/principal.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import type { ToolPolicyHook, ToolPolicyRequest } from '../../src/tools/registry.js';
import type { StandardSchemaV1 } from '../../src/tools/standard-schema.js';
import type { Tool, ToolContext, ToolResult } from '../../src/tools/tool.js';
import { thenable, tool } from './helpers.js';

const upper: Tool<{ text: string }, string> = {
  name: 'text_uppercase',
  description: 'Upper-cases text',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string', maxLength: 10 } },
    required: ['text'],
  },
  call: ({ text }) => text.toUpperCase(),
};

function errorOf(result: ToolResult): ToolError {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.output)}`);
  expect(result.error).toBeInstanceOf(ToolError);
  return result.error;
}

describe('dispatch: lookup', () => {
  it('runs a registered tool and resolves its output', async () => {
    const registry = createToolRegistry().register(upper as Tool);
    await expect(
      registry.dispatch({ name: 'text_uppercase', input: { text: 'hi' } }),
    ).resolves.toEqual({
      ok: true,
      output: 'HI',
    });
  });

  it('finds a tool under a name with surrounding spaces', async () => {
    const registry = createToolRegistry().register(upper as Tool);
    const result = await registry.dispatch({ name: ' text_uppercase ', input: { text: 'a' } });
    expect(result).toEqual({ ok: true, output: 'A' });
  });

  it('resolves tool_not_found with the name and call id for an unknown tool', async () => {
    const result = await createToolRegistry().dispatch({
      name: 'missing',
      input: {},
      id: 'call-1',
    });
    const error = errorOf(result);
    expect(error.code).toBe('tool_not_found');
    expect(error.data).toEqual({ tool: 'missing', callId: 'call-1' });
    expect(error.message).toContain("'missing'");
  });

  it('resolves tool_not_found with the validation error as cause for an invalid name', async () => {
    const registry = createToolRegistry();
    for (const name of ['bad name!', '', 42, null]) {
      const error = errorOf(await registry.dispatch({ name: name as string, input: {} }));
      expect(error.code).toBe('tool_not_found');
      expect(error.cause).toBeInstanceOf(ValidationError);
      expect((error.cause as ValidationError).code).toBe('invalid_identifier');
    }
  });

  it('never rejects, even for a call that is not an object', async () => {
    const registry = createToolRegistry();
    for (const call of [null, undefined, 'echo', 7]) {
      expect(errorOf(await registry.dispatch(call as never)).code).toBe('tool_not_found');
    }
    const hostile = {
      get name(): string {
        throw new Error('no name for you');
      },
      input: {},
    };
    expect(errorOf(await registry.dispatch(hostile)).code).toBe('tool_failed');
  });

  it('does not find a tool after it was unregistered', async () => {
    const registry = createToolRegistry().register(upper as Tool);
    registry.unregister('text_uppercase');
    const result = await registry.dispatch({ name: 'text_uppercase', input: { text: 'x' } });
    expect(errorOf(result).code).toBe('tool_not_found');
  });
});

describe('dispatch: input validation', () => {
  it('refuses input that breaks the JSON Schema with tool_invalid_input and its issues', async () => {
    const call = vi.fn(upper.call);
    const registry = createToolRegistry().register({ ...upper, call } as Tool);
    const error = errorOf(
      await registry.dispatch({ name: 'text_uppercase', input: { text: 'far too long' } }),
    );
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toEqual({
      tool: 'text_uppercase',
      issues: [
        { path: '/text', keyword: 'maxLength', message: 'must be at most 10 characters long' },
      ],
    });
    expect(error.message).toContain('/text');
    expect(call).not.toHaveBeenCalled();
  });

  it('counts further issues in the message', async () => {
    const registry = createToolRegistry().register(
      tool('pair', () => 1, { inputSchema: { type: 'object', required: ['a', 'b', 'c'] } }),
    );
    const error = errorOf(await registry.dispatch({ name: 'pair', input: {} }));
    expect(error.message).toContain('and 2 more');
  });

  it('refuses input nested deeper than maxJsonDepth', async () => {
    const node: Record<string, unknown> = { type: 'array' };
    node.items = node;
    const registry = createToolRegistry({ maxJsonDepth: 3 }).register(
      tool('nest', () => 1, { inputSchema: node }),
    );
    expect((await registry.dispatch({ name: 'nest', input: [[[[]]]] })).ok).toBe(true);
    const error = errorOf(await registry.dispatch({ name: 'nest', input: [[[[[]]]]] }));
    expect(error.code).toBe('tool_invalid_input');
  });

  const numberFromString: StandardSchemaV1<unknown, number> = {
    '~standard': {
      version: 1,
      vendor: 'test',
      validate: (value) =>
        typeof value === 'string' && /^\d+$/.test(value)
          ? { value: Number(value) }
          : { issues: [{ message: 'expected digits', path: ['items', { key: 2 }, Symbol('s')] }] },
    },
  };

  it('uses a Standard Schema validator instead of the JSON Schema, and passes on its output', async () => {
    const seen: unknown[] = [];
    const registry = createToolRegistry().register(
      tool(
        'double',
        (n) => {
          seen.push(n);
          return (n as number) * 2;
        },
        { inputSchema: { type: 'object' }, validator: numberFromString },
      ),
    );
    expect(await registry.dispatch({ name: 'double', input: '21' })).toEqual({
      ok: true,
      output: 42,
    });
    expect(seen).toEqual([21]);
    const error = errorOf(await registry.dispatch({ name: 'double', input: 'x' }));
    expect(error.code).toBe('tool_invalid_input');
    expect(error.data).toEqual({
      tool: 'double',
      issues: [{ path: '/items/2/s', message: 'expected digits' }],
    });
  });

  it('waits for an asynchronous validator', async () => {
    const validator: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => (value === 'ok' ? { value: 'checked' } : { issues: [] }),
      },
    };
    const registry = createToolRegistry().register(tool('v', (input) => input, { validator }));
    expect(await registry.dispatch({ name: 'v', input: 'ok' })).toEqual({
      ok: true,
      output: 'checked',
    });
    const error = errorOf(await registry.dispatch({ name: 'v', input: 'no' }));
    expect(error.data).toMatchObject({
      issues: [{ path: '', message: 'was rejected by the validator' }],
    });
  });

  it('keeps only the usable parts of odd Standard Schema issues', async () => {
    const validator: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: () => ({
          issues: [
            'not an object',
            { message: 7, path: [Symbol(), 3, { key: 'k' }, null] },
            ...Array.from({ length: 30 }, () => ({ message: 'more' })),
          ] as never,
        }),
      },
    };
    const registry = createToolRegistry().register(tool('v', () => 1, { validator }));
    const error = errorOf(await registry.dispatch({ name: 'v', input: 1 }));
    const issues = (error.data as { issues: { path: string; message: string }[] }).issues;
    expect(issues).toHaveLength(20);
    expect(issues[0]).toEqual({ path: '', message: 'is invalid' });
    expect(issues[1]).toEqual({ path: '//3/k/null', message: 'is invalid' });
  });

  it('fails a call whose async validator result cannot be read', async () => {
    const validator: StandardSchemaV1 = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async () =>
          ({
            get issues(): never {
              throw new Error('unreadable');
            },
          }) as never,
      },
    };
    const registry = createToolRegistry().register(tool('v', () => 1, { validator }));
    const error = errorOf(await registry.dispatch({ name: 'v', input: 1 }));
    expect(error.code).toBe('tool_failed');
    expect(error.message).toContain('unreadable');
  });

  it('turns a validator that throws, rejects or answers nonsense into tool_invalid_input', async () => {
    const make = (validate: (value: unknown) => unknown): StandardSchemaV1 =>
      ({ '~standard': { version: 1, vendor: 'test', validate } }) as StandardSchemaV1;
    const boom = new Error('validator broke');
    const registry = createToolRegistry()
      .register(
        tool('a', () => 1, {
          validator: make(() => {
            throw boom;
          }),
        }),
      )
      .register(
        tool('b', () => 1, {
          validator: make(async () => {
            throw boom;
          }),
        }),
      )
      .register(tool('c', () => 1, { validator: make(() => 'yes') }))
      .register(tool('d', () => 1, { validator: make(() => ({ issues: 'bad' })) }));
    for (const name of ['a', 'b']) {
      const error = errorOf(await registry.dispatch({ name, input: 1 }));
      expect(error.code).toBe('tool_invalid_input');
      expect(error.cause).toBe(boom);
    }
    for (const name of ['c', 'd']) {
      expect(errorOf(await registry.dispatch({ name, input: 1 })).code).toBe('tool_invalid_input');
    }
  });
});

describe('dispatch: policy hooks', () => {
  const principal: Principal = { id: 'user-1', roles: ['agent'] };

  it('asks every hook in order with the tool, call, validated input and principal', async () => {
    const requests: ToolPolicyRequest[] = [];
    const order: string[] = [];
    const hook =
      (label: string): ToolPolicyHook =>
      (request) => {
        requests.push(request);
        order.push(label);
        return { allow: true };
      };
    const registry = createToolRegistry({ policies: [hook('first'), hook('second')] }).register(
      upper as Tool,
    );
    const call = { name: 'text_uppercase', input: { text: 'a' } };
    await registry.dispatch(call, { principal });
    expect(order).toEqual(['first', 'second']);
    expect(requests[0]).toEqual({ tool: upper, call, input: { text: 'a' }, principal });
    const anonymous = await (async () => {
      requests.length = 0;
      await registry.dispatch(call);
      return requests[0];
    })();
    expect(anonymous).not.toHaveProperty('principal');
  });

  it('stops at the first denial with tool_denied, its reason and data', async () => {
    const later = vi.fn((): { allow: true } => ({ allow: true }));
    const call = vi.fn(() => 'ran');
    const registry = createToolRegistry({
      policies: [() => ({ allow: false, reason: 'not on weekends', data: { day: 'sat' } }), later],
    }).register(tool('t', call));
    const error = errorOf(await registry.dispatch({ name: 't', input: {} }));
    expect(error.code).toBe('tool_denied');
    expect(error.data).toEqual({ tool: 't', reason: 'not on weekends', detail: { day: 'sat' } });
    expect(error.message).toContain('not on weekends');
    expect(later).not.toHaveBeenCalled();
    expect(call).not.toHaveBeenCalled();
  });

  it('lets a hook replace the input, and later hooks see the replacement', async () => {
    const seen: unknown[] = [];
    const registry = createToolRegistry({
      policies: [
        () => ({ allow: true, input: { text: 'redacted' } }),
        (request) => {
          seen.push(request.input);
          return { allow: true };
        },
      ],
    }).register(upper as Tool);
    const result = await registry.dispatch({ name: 'text_uppercase', input: { text: 'secret' } });
    expect(result).toEqual({ ok: true, output: 'REDACTED' });
    expect(seen).toEqual([{ text: 'redacted' }]);
  });

  it('denies when a hook throws, rejects, or returns something that is not a decision', async () => {
    const boom = new Error('policy store down');
    const cases: [ToolPolicyHook, unknown][] = [
      [
        () => {
          throw boom;
        },
        boom,
      ],
      [
        async () => {
          throw boom;
        },
        boom,
      ],
      [() => undefined as never, undefined],
      [() => ({ allow: 'yes' }) as never, undefined],
      [() => ({ allow: false }) as never, undefined],
      [
        () =>
          ({
            get allow(): boolean {
              throw boom;
            },
          }) as never,
        boom,
      ],
    ];
    for (const [hook, cause] of cases) {
      const registry = createToolRegistry({ policies: [hook] }).register(tool('t', () => 1));
      const error = errorOf(await registry.dispatch({ name: 't', input: {} }));
      expect(error.code).toBe('tool_denied');
      expect(error.cause).toBe(cause);
      expect(typeof (error.data as { reason: unknown }).reason).toBe('string');
    }
  });

  it('waits for asynchronous hooks', async () => {
    const registry = createToolRegistry({
      policies: [
        async () => ({ allow: true, input: { text: 'async' } }),
        async (request) =>
          (request.input as { text: string }).text === 'async'
            ? { allow: false, reason: 'async says no' }
            : { allow: true },
      ],
    }).register(upper as Tool);
    const error = errorOf(
      await registry.dispatch({ name: 'text_uppercase', input: { text: 'x' } }),
    );
    expect(error.data).toMatchObject({ reason: 'async says no' });
  });
});

describe('dispatch: running the tool', () => {
  it('passes the principal, a logger, the tracer and a signal to the tool', async () => {
    let seen: ToolContext | undefined;
    const logger = { ...noopLogger };
    const registry = createToolRegistry().register(
      tool('ctx', (_input, ctx) => {
        seen = ctx;
        return ctx.signal.aborted;
      }),
    );
    const principal = { id: 'p', roles: [] };
    expect(await registry.dispatch({ name: 'ctx', input: {} }, { principal, logger })).toEqual({
      ok: true,
      output: false,
    });
    expect(seen?.principal).toBe(principal);
    expect(seen?.logger).toBe(logger);
    expect(typeof seen?.tracer.startSpan).toBe('function');
    expect(seen?.signal).toBeInstanceOf(AbortSignal);
  });

  it('turns a throw or rejection into tool_failed with the thrown value as cause', async () => {
    const values = [
      new Error('disk full'),
      'plain string',
      42,
      null,
      undefined,
      { weird: true },
      Symbol('s'),
    ];
    for (const value of values) {
      const registry = createToolRegistry()
        .register(
          tool('sync', () => {
            throw value;
          }),
        )
        .register(
          tool('async', async () => {
            throw value;
          }),
        );
      for (const name of ['sync', 'async']) {
        const error = errorOf(await registry.dispatch({ name, input: {} }));
        expect(error.code).toBe('tool_failed');
        expect(error.cause).toBe(value);
      }
    }
    const registry = createToolRegistry().register(
      tool('t', () => {
        throw new Error('disk full');
      }),
    );
    expect(errorOf(await registry.dispatch({ name: 't', input: {} })).message).toContain(
      'disk full',
    );
  });

  it('describes a thrown value that cannot be turned into a string', async () => {
    const strange = {
      toString() {
        throw new Error('no');
      },
    };
    const registry = createToolRegistry().register(
      tool('t', () => {
        throw strange;
      }),
    );
    const error = errorOf(await registry.dispatch({ name: 't', input: {} }));
    expect(error.message).toContain('a value that cannot be shown');
    expect(error.cause).toBe(strange);
  });

  it('fails a tool whose promise cannot be adopted', async () => {
    const promise = new Promise(() => {});
    Object.defineProperty(promise, 'constructor', {
      get() {
        throw new Error('no constructor');
      },
    });
    const registry = createToolRegistry().register(tool('t', () => promise));
    const error = errorOf(await registry.dispatch({ name: 't', input: {} }));
    expect(error.code).toBe('tool_failed');
    expect(error.message).toContain('no constructor');
  });

  it('keeps a ToolError the tool throws with code tool_invalid_input, tool_denied or tool_failed', async () => {
    for (const code of ['tool_invalid_input', 'tool_denied', 'tool_failed'] as const) {
      const own = new ToolError(code, 'the tool says so');
      const registry = createToolRegistry().register(
        tool('t', () => {
          throw own;
        }),
      );
      expect(errorOf(await registry.dispatch({ name: 't', input: {} }))).toBe(own);
    }
  });

  it('wraps a ToolError with another code, so a nested timeout does not misdescribe this call', async () => {
    const nested = new ToolError('tool_timeout', 'inner call timed out');
    const registry = createToolRegistry().register(
      tool('t', async () => {
        throw nested;
      }),
    );
    const error = errorOf(await registry.dispatch({ name: 't', input: {} }));
    expect(error.code).toBe('tool_failed');
    expect(error.cause).toBe(nested);
  });

  it('accepts thenables that are not promises, including ones that call back synchronously', async () => {
    const registry = createToolRegistry()
      .register(tool('lazy', () => thenable((ok) => setTimeout(() => ok('later'), 0))))
      .register(tool('eager', () => thenable((ok) => ok('now'))))
      .register(
        tool('broken', () =>
          thenable(() => {
            throw new Error('then exploded');
          }),
        ),
      );
    expect(await registry.dispatch({ name: 'lazy', input: {} })).toEqual({
      ok: true,
      output: 'later',
    });
    expect(await registry.dispatch({ name: 'eager', input: {} })).toEqual({
      ok: true,
      output: 'now',
    });
    expect(errorOf(await registry.dispatch({ name: 'broken', input: {} })).code).toBe(
      'tool_failed',
    );
  });

  it('reports a thenable that resolves twice, or resolves then rejects, once', async () => {
    const toolCall = vi.fn();
    const metrics = { toolCall, step() {} };
    const registry = createToolRegistry({ metrics })
      .register(
        tool('twice', () =>
          thenable((ok) => {
            ok(1);
            ok(2);
          }),
        ),
      )
      .register(
        tool('flip', () =>
          thenable((ok, fail) => {
            ok('first');
            fail(new Error('second'));
          }),
        ),
      );
    expect(await registry.dispatch({ name: 'twice', input: {} })).toEqual({ ok: true, output: 1 });
    expect(await registry.dispatch({ name: 'flip', input: {} })).toEqual({
      ok: true,
      output: 'first',
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(toolCall).toHaveBeenCalledTimes(2);
  });
});

describe('dispatch: output check', () => {
  it('refuses output that is not JSON with tool_invalid_output and where it is', async () => {
    const registry = createToolRegistry()
      .register(tool('fn', () => ({ result: { callback() {} } })))
      .register(tool('void', () => undefined))
      .register(tool('big', async () => [1n]));
    const fn = errorOf(await registry.dispatch({ name: 'fn', input: {} }));
    expect(fn.code).toBe('tool_invalid_output');
    expect(fn.data).toEqual({
      tool: 'fn',
      path: '/result/callback',
      reason: 'a function is not JSON',
    });
    expect(errorOf(await registry.dispatch({ name: 'void', input: {} })).message).toContain(
      'use null',
    );
    expect(errorOf(await registry.dispatch({ name: 'big', input: {} })).data).toMatchObject({
      path: '/0',
    });
  });

  it('applies maxJsonDepth to outputs', async () => {
    const registry = createToolRegistry({ maxJsonDepth: 1 }).register(tool('deep', () => [[1]]));
    expect(errorOf(await registry.dispatch({ name: 'deep', input: {} })).code).toBe(
      'tool_invalid_output',
    );
  });

  it('passes any output through when checkOutput is false', async () => {
    const fn = () => 1;
    const registry = createToolRegistry({ checkOutput: false }).register(tool('fn', () => fn));
    expect(await registry.dispatch({ name: 'fn', input: {} })).toEqual({ ok: true, output: fn });
  });
});
