import type { Memory, MemoryCapabilities } from 'skreaver';
import { defineBasicTests } from './_memory-basics.js';
import type { SuiteContext, TestContext } from './_memory-context.js';
import { defineHealthTests } from './_memory-health.js';
import { defineSnapshotTests } from './_memory-snapshots.js';
import { defineTransactionTests } from './_memory-transactions.js';
import { defineTtlTests } from './_memory-ttl.js';

/**
 * The test functions the suite registers its tests with: vitest's and
 * jest's `describe`/`it` fit as they are.
 */
export interface ConformanceRunner {
  /** Groups tests. */
  describe(name: string, fn: () => void): void;
  /** Registers one test; `timeoutMs` is a hint for slow ones. */
  it(name: string, fn: () => Promise<void>, timeoutMs?: number): void;
}

/** Options of {@link runMemoryConformance}. */
export interface MemoryConformanceOptions {
  /** The runner's `describe` and `it`. */
  readonly runner: ConformanceRunner;
  /**
   * Capabilities to test, overriding what each memory declares. `true` also
   * checks that the memory declares it; `false` tests only that the
   * capability is refused with `memory_unsupported`.
   * @defaultValue what the memory declares, read in each test
   */
  readonly capabilities?: Partial<MemoryCapabilities>;
  /**
   * Closes a memory after its test.
   * @defaultValue `memory.close?.()`
   */
  readonly close?: (memory: Memory) => Promise<void>;
  /**
   * The longest key the memory accepts, in UTF-8 bytes (a namespace of n
   * bytes leaves 127 - n).
   * @defaultValue 128
   */
  readonly maxKeyBytes?: number;
  /**
   * Whether transactions detect conflicts optimistically: another writer may
   * write while a transaction runs, and the transaction then rejects with
   * `transaction_conflict`. Turn it off for a backend whose transactions lock
   * instead (the conflict tests would wait on their own lock).
   * @defaultValue true
   */
  readonly conflictDetection?: boolean;
  /**
   * The TTL the expiry tests use, in milliseconds; they wait half as long
   * again (at least 50 ms more) before checking that entries are gone.
   * @defaultValue 100
   */
  readonly ttlMs?: number;
}

/**
 * The shared conformance suite for the `Memory` contract. Every
 * backend runs it: the in-memory memory in this repo, the adapters, and
 * third-party backends through `skreaver/testing`. It needs no particular
 * test runner: pass yours.
 *
 * `factory` is called fresh for each test (and again where a test needs a
 * second memory). Keys are random per test, so suites may share one server,
 * but the snapshot tests restore a memory's whole content: give each memory
 * its own space (a key prefix, a namespace, a database) when they share one.
 * Capability tests run by declared capability, never by backend name.
 *
 * @example
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runMemoryConformance } from 'skreaver/testing';
 *
 * runMemoryConformance('my memory', () => myMemory(), { runner: { describe, it } });
 * // node:test: { describe, it: (name, fn, timeout) => it(name, { timeout }, fn) }
 * ```
 */
export function runMemoryConformance(
  name: string,
  factory: () => Memory | Promise<Memory>,
  options: MemoryConformanceOptions,
): void {
  const { runner } = options;
  const close = options.close ?? ((memory: Memory) => memory.close?.() ?? Promise.resolve());
  const ttlMs = options.ttlMs ?? 100;
  const context: SuiteContext = {
    runner,
    maxKeyBytes: options.maxKeyBytes ?? 128,
    conflictDetection: options.conflictDetection ?? true,
    ttlMs,
    ttlWaitMs: ttlMs + Math.max(50, ttlMs / 2),
    forced: options.capabilities ?? {},
    test(testName, fn, timeoutMs) {
      runner.it(testName, () => runOne(fn), timeoutMs);
    },
  };

  async function runOne(fn: (t: TestContext) => Promise<void>): Promise<void> {
    const opened: Memory[] = [];
    const open = async () => {
      const memory = await factory();
      opened.push(memory);
      return memory;
    };
    try {
      const memory = await open();
      const run = `t${randomHex()}`;
      const capabilities: MemoryCapabilities = { ...memory.capabilities, ...context.forced };
      await fn({ memory, run, key: (suffix) => `${run}:${suffix}`, fresh: open, capabilities });
    } finally {
      for (const memory of opened) await close(memory);
    }
  }

  runner.describe(`Memory conformance: ${name}`, () => {
    defineBasicTests(context);
    defineTransactionTests(context);
    defineSnapshotTests(context);
    defineTtlTests(context);
    defineHealthTests(context);
  });
}

function randomHex(): string {
  const bytes = new Uint8Array(6);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}
