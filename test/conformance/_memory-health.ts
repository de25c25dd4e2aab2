import type { MemoryHealth } from 'skreaver';
import { assert, assertEqual } from './_assert.js';
import type { SuiteContext } from './_memory-context.js';

function assertShape(health: MemoryHealth, status: MemoryHealth['status']): void {
  assertEqual(health.status, status, 'health().status');
  assert(
    typeof health.latencyMs === 'number' && health.latencyMs >= 0,
    `health().latencyMs must be a non-negative number, got ${String(health.latencyMs)}`,
  );
  assert(
    typeof health.backend === 'string' && health.backend.length > 0,
    'health().backend must name the backend',
  );
}

/** `health()` is optional; a memory that has it reports `ok` while open and `down` once closed, never rejecting. */
export function defineHealthTests(suite: SuiteContext): void {
  suite.test(
    'health() reports ok while open and down once closed, without rejecting',
    async (t) => {
      if (typeof t.memory.health !== 'function') return;
      assertShape(await t.memory.health(), 'ok');
      const other = await t.fresh();
      await other.close?.();
      if (typeof other.health !== 'function' || typeof other.close !== 'function') return;
      const down = await other.health();
      assertShape(down, 'down');
      assert(down.error !== undefined, 'a closed memory reports why it is down in health().error');
    },
  );
}
