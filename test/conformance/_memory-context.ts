import type { Memory, MemoryCapabilities } from 'skreaver';
import { requireCapability } from 'skreaver';
import { assert, assertRejects, fail } from './_assert.js';
import type { ConformanceRunner } from './memory-suite.js';

/** What one test gets. */
export interface TestContext {
  /** A memory fresh from the factory. */
  readonly memory: Memory;
  /** This test's random key prefix (a valid key without ':'). */
  readonly run: string;
  /** `${run}:${suffix}`. */
  key(suffix: string): string;
  /** Another memory fresh from the factory, closed after the test. */
  fresh(): Promise<Memory>;
  /** The capabilities under test: the memory's, overridden by the options. */
  readonly capabilities: MemoryCapabilities;
}

/** What the sections of the suite share. */
export interface SuiteContext {
  readonly runner: ConformanceRunner;
  readonly maxKeyBytes: number;
  readonly conflictDetection: boolean;
  readonly ttlMs: number;
  readonly ttlWaitMs: number;
  readonly forced: Partial<MemoryCapabilities>;
  /** Registers a test that gets a fresh memory and closes it afterwards. */
  test(name: string, fn: (t: TestContext) => Promise<void>, timeoutMs?: number): void;
}

/**
 * Registers the tests of one capability. When the options force it off,
 * only the refusal is tested (when the memory does not declare it either);
 * otherwise each test checks at run time whether the memory declares it,
 * and tests the refusal instead when it does not.
 */
export function defineCapabilityTests(
  suite: SuiteContext,
  capability: keyof MemoryCapabilities,
  define: (test: SuiteContext['test']) => void,
): void {
  const refused = `without ${capability}: refuses it with memory_unsupported`;
  if (suite.forced[capability] === false) {
    suite.test(refused, (t) => assertRefused(t, capability));
    return;
  }
  define((name, fn, timeoutMs) =>
    suite.test(
      name,
      async (t) => {
        if (suite.forced[capability] === true) {
          assert(
            t.memory.capabilities[capability],
            `the options declare ${capability}, but the memory's capabilities.${capability} is false`,
          );
        }
        if (!t.capabilities[capability]) return assertRefused(t, capability);
        return fn(t);
      },
      timeoutMs,
    ));
}

async function assertRefused(t: TestContext, capability: keyof MemoryCapabilities): Promise<void> {
  // Options may turn off the tests of a capability the memory has.
  if (t.memory.capabilities[capability]) return;
  if (capability === 'ttl') {
    const key = t.key('ttl');
    await assertRejects(
      () => t.memory.store(key, 'v', { ttlMs: 60_000 }),
      { code: 'memory_unsupported' },
      'store with ttlMs on a memory without ttl',
    );
    assert((await t.memory.load(key)) === undefined, 'a refused ttl store must not store anything');
    return;
  }
  try {
    requireCapability(t.memory, capability);
  } catch (error) {
    assert(
      (error as { code?: unknown }).code === 'memory_unsupported',
      'requireCapability must throw memory_unsupported',
    );
    return;
  }
  fail(`the memory does not declare ${capability}, yet requireCapability accepted it`);
}
