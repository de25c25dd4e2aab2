import { describe, expect, it, vi } from 'vitest';
import {
  AgentError,
  AuthError,
  CoordinatorError,
  isSkreaverError,
  McpError,
  MemoryError,
  MeshError,
  SecurityError,
  SkreaverError,
  ToolError,
  TransactionError,
  ValidationError,
} from '../../src/errors/index.js';
import * as core from '../../src/index.js';

type ErrorsModule = typeof import('../../src/errors/index.js');

/** A second, independent copy of the errors module (as two bundles would load). */
async function loadSecondCopy(): Promise<ErrorsModule> {
  vi.resetModules();
  const copy: ErrorsModule = await import('../../src/errors/index.js');
  vi.resetModules();
  return copy;
}

const FAMILIES = {
  ValidationError,
  ToolError,
  MemoryError,
  TransactionError,
  AgentError,
  CoordinatorError,
  SecurityError,
  AuthError,
  MeshError,
  McpError,
} as const;

describe('brand-based instanceof across duplicate copies of the package', () => {
  it('a second module copy has distinct classes, yet instanceof works both ways', async () => {
    const copy = await loadSecondCopy();
    expect(copy.ToolError).not.toBe(ToolError);
    expect(copy.SkreaverError).not.toBe(SkreaverError);

    const foreign = new copy.ToolError('tool_failed', 'from the other copy');
    expect(foreign).toBeInstanceOf(ToolError);
    expect(foreign).toBeInstanceOf(SkreaverError);
    expect(foreign).not.toBeInstanceOf(MemoryError);
    expect(isSkreaverError(foreign, 'tool_failed')).toBe(true);
    // The prototype chain really is foreign: only the brand makes this work.
    expect(Object.getPrototypeOf(foreign)).not.toBe(ToolError.prototype);

    const local = new MemoryError('memory_io', 'from this copy');
    expect(local).toBeInstanceOf(copy.MemoryError);
    expect(local).toBeInstanceOf(copy.SkreaverError);
    expect(local).not.toBeInstanceOf(copy.ToolError);
    expect(copy.isSkreaverError(local, 'memory_io')).toBe(true);
  });

  it('recognises an object carrying the shared Symbol.for brand list, whatever created it', () => {
    const branded = Object.defineProperty(
      new Error('hand-made'),
      Symbol.for('skreaver.error.brands'),
      {
        value: Object.freeze(['AgentError', 'SkreaverError']),
      },
    );
    expect(branded).toBeInstanceOf(AgentError);
    expect(branded).toBeInstanceOf(SkreaverError);
    expect(branded).not.toBeInstanceOf(ToolError);
  });

  it('rejects look-alikes: plain errors, primitives, non-array brands, and a copied code', () => {
    for (const value of [
      new Error('plain'),
      { code: 'tool_failed', name: 'ToolError' },
      'ToolError',
      42,
      null,
      undefined,
      { [Symbol.for('skreaver.error.brands')]: 'ToolError' },
    ]) {
      expect(value instanceof ToolError).toBe(false);
      expect(value instanceof SkreaverError).toBe(false);
      expect(isSkreaverError(value)).toBe(false);
    }
  });
});

describe('error families', () => {
  it('each family is a SkreaverError and an Error, and no other family', () => {
    const codes = {
      ValidationError: 'invalid_input',
      ToolError: 'tool_failed',
      MemoryError: 'memory_io',
      TransactionError: 'transaction_failed',
      AgentError: 'agent_failed',
      CoordinatorError: 'step_timeout',
    } as const;
    for (const [name, Family] of Object.entries(FAMILIES)) {
      const error = new (Family as typeof SkreaverError)(codes[name as keyof typeof codes], 'x');
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(SkreaverError);
      expect(error).toBeInstanceOf(Family);
      expect(error.name).toBe(name);
      for (const [otherName, Other] of Object.entries(FAMILIES)) {
        if (otherName !== name) expect(error).not.toBeInstanceOf(Other);
      }
    }
  });

  it('a SkreaverError is not an instance of any family', () => {
    const base = new SkreaverError('invalid_input', 'base');
    expect(base).toBeInstanceOf(SkreaverError);
    for (const Family of Object.values(FAMILIES)) expect(base).not.toBeInstanceOf(Family);
  });

  it("a user subclass without its own brand does not match its parent's instances", () => {
    class UnbrandedToolError extends ToolError {}
    const own = new UnbrandedToolError('tool_failed', 'mine');
    expect(own).toBeInstanceOf(UnbrandedToolError);
    expect(own).toBeInstanceOf(ToolError);
    expect(own).toBeInstanceOf(SkreaverError);
    expect(new ToolError('tool_failed', 'not mine')).not.toBeInstanceOf(UnbrandedToolError);
    expect(null).not.toBeInstanceOf(UnbrandedToolError);
  });

  it('a user subclass with its own brand is recognised by itself and its ancestors', () => {
    class RateLimitError extends ToolError<{ retryAfterMs: number }> {
      static override readonly brand: string = 'test.RateLimitError';
    }
    const error = new RateLimitError('tool_overloaded', 'slow down', { data: { retryAfterMs: 5 } });
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toBeInstanceOf(SkreaverError);
    expect(new ToolError('tool_overloaded', 'x')).not.toBeInstanceOf(RateLimitError);
    expect(error.name).toBe('RateLimitError');
  });
});

describe('SkreaverError fields', () => {
  it('carries code, message, data, cause and name', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new MemoryError('memory_unavailable', 'Redis is unreachable; retry later.', {
      data: { host: 'localhost', port: 6379 },
      cause,
    });
    expect(error.code).toBe('memory_unavailable');
    expect(error.message).toBe('Redis is unreachable; retry later.');
    expect(error.data).toEqual({ host: 'localhost', port: 6379 });
    expect(error.cause).toBe(cause);
    expect(error.name).toBe('MemoryError');
    expect(String(error)).toBe('MemoryError: Redis is unreachable; retry later.');
    expect(error.stack).toContain('Redis is unreachable');
  });

  it('has no cause and undefined data when none are given', () => {
    const error = new ToolError('tool_timeout', 'too slow');
    expect('cause' in error).toBe(false);
    expect(error.data).toBeUndefined();
  });

  it('keeps falsy causes and data', () => {
    const error = new ToolError('tool_failed', 'threw', { cause: 0, data: '' });
    expect(error.cause).toBe(0);
    expect(error.data).toBe('');
  });

  it('toJSON gives name, code, message and data, without cause or stack', () => {
    const error = new ValidationError('invalid_options', 'bad options', {
      data: { option: 'maxRounds', value: -1 },
      cause: new Error('secret internals'),
    });
    expect(error.toJSON()).toEqual({
      name: 'ValidationError',
      code: 'invalid_options',
      message: 'bad options',
      data: { option: 'maxRounds', value: -1 },
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual(error.toJSON());
    expect(new ToolError('tool_denied', 'no').toJSON()).toEqual({
      name: 'ToolError',
      code: 'tool_denied',
      message: 'no',
    });
  });

  it('isSkreaverError filters by code when one is given', () => {
    const error = new ToolError('tool_timeout', 'slow');
    expect(isSkreaverError(error)).toBe(true);
    expect(isSkreaverError(error, 'tool_timeout')).toBe(true);
    expect(isSkreaverError(error, 'tool_failed')).toBe(false);
  });
});

/** Every exported value of `exports` that is a class extending Error (at any depth). */
function errorClasses(exports: Record<string, unknown>): Array<[string, object]> {
  const found: Array<[string, object]> = [];
  for (const [name, value] of Object.entries(exports)) {
    if (typeof value !== 'function') continue;
    for (let proto = Object.getPrototypeOf(value); proto; proto = Object.getPrototypeOf(proto)) {
      if (proto === Error) {
        found.push([name, value]);
        break;
      }
    }
  }
  return found;
}

/** What is wrong with the brands of the error classes `exports` holds. */
function brandProblems(exports: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const owners = new Map<unknown, string>();
  for (const [name, ctor] of errorClasses(exports)) {
    if (!Object.hasOwn(ctor, 'brand')) {
      problems.push(`${name} has no own static brand`);
      continue;
    }
    const brand = (ctor as unknown as { brand: unknown }).brand;
    if (typeof brand !== 'string' || brand === '') problems.push(`${name}.brand is not a string`);
    const owner = owners.get(brand);
    if (owner !== undefined) problems.push(`${name} and ${owner} share the brand ${String(brand)}`);
    owners.set(brand, name);
  }
  return problems;
}

describe('every exported error class has its own unique brand', () => {
  it('finds the error classes through the public entry point, at any depth', () => {
    const names = errorClasses(core).map(([name]) => name);
    for (const expected of ['SkreaverError', ...Object.keys(FAMILIES)]) {
      expect(names).toContain(expected);
    }
  });

  it('each declares an own static brand, and no two share one', () => {
    expect(brandProblems(core)).toEqual([]);
  });

  it('the check catches a missing brand, a shared brand and a plain Error subclass', () => {
    class Unbranded extends ToolError {}
    class Twin extends MemoryError {
      static override readonly brand: string = 'ToolError';
    }
    class PlainError extends Error {}
    expect(
      brandProblems({ ToolError, Unbranded, Twin, PlainError, notAClass: 1, fn: () => 1 }),
    ).toEqual([
      'Unbranded has no own static brand',
      'Twin and ToolError share the brand ToolError',
      'PlainError has no own static brand',
    ]);
  });
});
