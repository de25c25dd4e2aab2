import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/errors/codes.js';
import { ToolError, ValidationError } from '../../src/errors/families.js';
import { createToolRegistry } from '../../src/tools/create-registry.js';
import { DISPATCH_ERROR_CODES } from '../../src/tools/dispatch-errors.js';
import type { ToolRegistryOptions } from '../../src/tools/registry.js';
import { defineTool, type Tool } from '../../src/tools/tool.js';
import { tool } from './helpers.js';

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const echo = tool('echo', (input) => input);

describe('createToolRegistry: options', () => {
  it.each<[string, ToolRegistryOptions]>([
    ['timeoutMs 0', { timeoutMs: 0 }],
    ['timeoutMs negative', { timeoutMs: -5 }],
    ['timeoutMs NaN', { timeoutMs: Number.NaN }],
    ['timeoutMs not a number', { timeoutMs: '10' as unknown as number }],
    ['maxConcurrentPerTool 0', { maxConcurrentPerTool: 0 }],
    ['maxConcurrentPerTool fractional', { maxConcurrentPerTool: 1.5 }],
    ['maxQueuedPerTool negative', { maxQueuedPerTool: -1 }],
    ['maxJsonDepth Infinity', { maxJsonDepth: Number.POSITIVE_INFINITY }],
    ['policies not an array', { policies: (() => ({ allow: true })) as never }],
    ['policies holding a non-function', { policies: [1 as never] }],
    ['metrics without toolCall', { metrics: {} as never }],
    ['tracer without startSpan', { tracer: {} as never }],
    ['logger missing a level', { logger: { info() {} } as never }],
    ['checkOutput not a boolean', { checkOutput: 'yes' as never }],
  ])('refuses %s with invalid_options', (_label, options) => {
    const error = thrown(() => createToolRegistry(options));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_options');
  });

  it('accepts Infinity for the timeout and the concurrency limits, and 0 waiting calls', () => {
    expect(() =>
      createToolRegistry({
        timeoutMs: Number.POSITIVE_INFINITY,
        maxConcurrentPerTool: Number.POSITIVE_INFINITY,
        maxQueuedPerTool: 0,
      }),
    ).not.toThrow();
  });
});

describe('register', () => {
  it('returns the registry so registrations chain', () => {
    const registry = createToolRegistry();
    expect(registry.register(echo).register(tool('other', () => 1))).toBe(registry);
    expect(registry.list().map((t) => t.name)).toEqual(['echo', 'other']);
  });

  it('refuses an invalid name with invalid_identifier', () => {
    const error = thrown(() => createToolRegistry().register(tool('has space', () => 1)));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_identifier');
  });

  it('refuses a duplicate name with tool_duplicate, also after trimming', () => {
    const registry = createToolRegistry().register(echo);
    const error = thrown(() => registry.register(tool(' echo ', () => 2)));
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).code).toBe('tool_duplicate');
    expect((error as ToolError).data).toEqual({ tool: 'echo' });
    expect(registry.get('echo')).toBe(echo);
  });

  it.each<[string, unknown, string]>([
    ['not an object', null, 'tool'],
    ['no description', { ...echo, description: undefined }, 'description'],
    ['a blank description', { ...echo, description: '  ' }, 'description'],
    ['no call function', { ...echo, call: 'run' }, 'call'],
    ['no inputSchema', { ...echo, inputSchema: undefined }, 'inputSchema'],
    ['an array as inputSchema', { ...echo, inputSchema: [] }, 'inputSchema'],
    ['an invalid inputSchema', { ...echo, inputSchema: { type: 'strng' } }, 'inputSchema'],
    [
      'a validator that is not a Standard Schema',
      { ...echo, validator: { validate() {} } },
      'validator',
    ],
  ])('refuses a tool with %s with invalid_input', (_label, candidate, field) => {
    const error = thrown(() => createToolRegistry().register(candidate as Tool));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_input');
    expect((error as ValidationError<{ field: string }>).data?.field).toBe(field);
  });

  it('names the broken part of an invalid schema', () => {
    const error = thrown(() =>
      createToolRegistry().register({
        ...echo,
        inputSchema: { properties: { q: { pattern: '(' } } },
      }),
    ) as ValidationError<{ issues: { path: string }[] }>;
    expect(error.message).toContain('/properties/q/pattern');
    expect(error.data?.issues[0]?.path).toBe('/properties/q/pattern');
  });

  it('does not check the JSON Schema of a tool that has a Standard Schema validator', () => {
    const validator = {
      '~standard': { version: 1, vendor: 'test', validate: (value: unknown) => ({ value }) },
    } as const;
    const registry = createToolRegistry();
    expect(() =>
      registry.register({ ...echo, inputSchema: { type: 'published-only' } as never, validator }),
    ).not.toThrow();
  });
});

describe('lookup and removal', () => {
  it('finds tools by their validated, trimmed name', () => {
    const registry = createToolRegistry().register(echo);
    expect(registry.has('echo')).toBe(true);
    expect(registry.has(' echo ')).toBe(true);
    expect(registry.get(' echo ')).toBe(echo);
    expect(registry.has('ECHO')).toBe(false);
    expect(registry.get('missing')).toBeUndefined();
    expect(registry.has(42 as unknown as string)).toBe(false);
  });

  it('unregisters a tool and reports whether it was there', () => {
    const registry = createToolRegistry()
      .register(echo)
      .register(tool('b', () => 1));
    expect(registry.unregister(' echo ')).toBe(true);
    expect(registry.unregister('echo')).toBe(false);
    expect(registry.list().map((t) => t.name)).toEqual(['b']);
    expect(() => registry.register(echo)).not.toThrow();
  });

  it('returns a fresh list each time', () => {
    const registry = createToolRegistry().register(echo);
    const list = registry.list();
    list.pop();
    expect(registry.list()).toEqual([echo]);
  });
});

describe('defineTool and DISPATCH_ERROR_CODES', () => {
  it('defineTool returns the tool it is given', () => {
    expect(defineTool(echo)).toBe(echo);
  });

  it('lists only tool error codes, every one a dispatch can produce', () => {
    expect(
      DISPATCH_ERROR_CODES.every((code) => (ERROR_CODES.tool as readonly string[]).includes(code)),
    ).toBe(true);
    expect([...DISPATCH_ERROR_CODES].sort()).toEqual(
      ERROR_CODES.tool.filter((code) => code !== 'tool_duplicate').sort(),
    );
  });
});
