import { isSkreaverError } from 'skreaver';

/*
 * A tiny assertion kit, so the conformance suites run under any test runner
 * (vitest, jest, node:test) without importing one. Each failure throws a
 * plain Error whose message says what was expected.
 */

/** Fails the current test. */
export function fail(message: string): never {
  throw new Error(`conformance: ${message}`);
}

/** Fails unless `condition` holds. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) fail(message);
}

/** Fails unless `actual` deeply equals `expected` (primitives, arrays, plain objects). */
export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  if (!same(actual, expected)) {
    fail(`${what}: expected ${preview(expected)}, got ${preview(actual)}`);
  }
}

/** What a rejection must look like. */
export interface ExpectedError {
  /** The stable error code. */
  readonly code: string;
  /** The error class name (`ValidationError`, `MemoryError`, ...), checked by brand. */
  readonly name?: string;
}

/**
 * Calls `action` and fails unless it returns a promise that rejects with a
 * skreaver error carrying `expected.code`. A synchronous throw fails too:
 * memory methods report errors by rejecting. Returns the error.
 */
export async function assertRejects(
  action: () => unknown,
  expected: ExpectedError,
  what: string,
): Promise<Error> {
  let pending: unknown;
  try {
    pending = action();
  } catch (error) {
    fail(
      `${what}: threw synchronously (${describeError(error)}); it must return a rejected promise`,
    );
  }
  if (typeof (pending as PromiseLike<unknown> | undefined)?.then !== 'function') {
    fail(`${what}: did not return a promise`);
  }
  try {
    await pending;
  } catch (error) {
    if (!isSkreaverError(error) || error.code !== expected.code) {
      fail(
        `${what}: expected a rejection with code '${expected.code}', got ${describeError(error)}`,
      );
    }
    if (expected.name !== undefined && error.name !== expected.name) {
      fail(`${what}: expected a ${expected.name}, got a ${error.name} (${error.code})`);
    }
    return error;
  }
  return fail(`${what}: resolved, expected a rejection with code '${expected.code}'`);
}

/** Resolves after `ms` milliseconds (the timer is cleared by firing). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => same(item, b[i]))
    );
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return (
    keysA.length === keysB.length &&
    keysA.every(
      (key) =>
        Object.hasOwn(b, key) &&
        same((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    )
  );
}

function preview(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value, (_key, item: unknown) =>
    item === undefined ? '<undefined>' : item,
  );
  return text.length > 200 ? `${text.slice(0, 200)}... (${text.length} chars)` : text;
}

function describeError(error: unknown): string {
  if (isSkreaverError(error)) return `${error.name} '${error.code}': ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
