import { describe, expect, it } from 'vitest';
import { MemoryError } from '../../src/errors/families.js';
import { hasCapability, requireCapability } from '../../src/memory/capabilities.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import type { Memory } from '../../src/memory/memory.js';

function basic(capabilities: Memory['capabilities']): Memory {
  const { transaction: _t, snapshot: _s, restore: _r, ...basics } = inMemoryMemory();
  return { ...basics, capabilities };
}

describe('requireCapability', () => {
  it('narrows the type so the unlocked methods are callable', async () => {
    const memory: Memory = inMemoryMemory();
    requireCapability(memory, 'transactions');
    requireCapability(memory, 'snapshots');
    requireCapability(memory, 'ttl');
    await memory.transaction((tx) => tx.store('k', 'v'));
    expect(JSON.parse(await memory.snapshot()).entries).toEqual({ k: 'v' });
  });

  it.each(['transactions', 'snapshots', 'ttl'] as const)(
    'throws memory_unsupported when %s is not declared',
    (capability) => {
      const memory = basic({ transactions: false, snapshots: false, ttl: false });
      let thrown: unknown;
      try {
        requireCapability(memory, capability);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(MemoryError);
      expect((thrown as MemoryError).code).toBe('memory_unsupported');
      expect((thrown as MemoryError).data).toEqual({ capability });
      expect((thrown as MemoryError).message).toContain(`capabilities.${capability} is false`);
      expect(hasCapability(memory, capability)).toBe(false);
    },
  );

  it('throws memory_unsupported when a declared capability lacks its methods', () => {
    const memory = basic({ transactions: true, snapshots: true, ttl: true });
    expect(() => requireCapability(memory, 'snapshots')).toThrow(/lacks snapshot\/restore\(\)/);
    expect(hasCapability(memory, 'transactions')).toBe(false);
    expect(hasCapability(memory, 'ttl')).toBe(true);
  });
});
