import { describe, it } from 'vitest';
import { MemoryError } from '../../src/errors/families.js';
import { inMemoryMemory } from '../../src/memory/in-memory.js';
import type { Memory } from '../../src/memory/memory.js';
import { namespaced } from '../../src/memory/namespaced.js';
import { runMemoryConformance } from './memory-suite.js';

const runner = { describe, it };

/** Only the basic operations of a memory, declaring no capability. */
function basicOnly(memory: Memory): Memory {
  return {
    capabilities: { transactions: false, snapshots: false, ttl: false },
    load: (key) => memory.load(key),
    loadMany: (keys) => memory.loadMany(keys),
    keys: (prefix) => memory.keys(prefix),
    store: async (key, value, options) => {
      if (options?.ttlMs !== undefined) throw new MemoryError('memory_unsupported', 'no ttl here');
      return memory.store(key, value);
    },
    storeMany: (entries) => memory.storeMany(entries),
    delete: (key) => memory.delete(key),
  };
}

runMemoryConformance('inMemoryMemory()', () => inMemoryMemory(), { runner });

runMemoryConformance(
  "namespaced(inMemoryMemory(), 'ns')",
  () => namespaced(inMemoryMemory(), 'ns'),
  {
    runner,
    maxKeyBytes: 128 - 'ns:'.length,
  },
);

runMemoryConformance(
  "namespaced(namespaced(inMemoryMemory(), 'outer'), 'inner')",
  () => namespaced(namespaced(inMemoryMemory(), 'outer'), 'inner'),
  { runner, maxKeyBytes: 128 - 'outer:inner:'.length },
);

runMemoryConformance('a memory without capabilities', () => basicOnly(inMemoryMemory()), {
  runner,
});

runMemoryConformance('inMemoryMemory() with capabilities forced off', () => inMemoryMemory(), {
  runner,
  capabilities: { transactions: false, snapshots: false, ttl: false },
});
