import { Redis } from 'ioredis';
import { type Memory, namespaced } from 'skreaver';
import { redisMemory } from 'skreaver/memory/redis';
import { runMemoryConformance } from 'skreaver/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { findService, REDIS } from '../../../_support/services.js';
import { deleteKeys, randomPrefix } from './_helpers.js';

const redis = await findService(REDIS);
const runner = { describe, it };

describe.skipIf(!redis.available)('redisMemory against the real Redis', () => {
  // A raw client to delete each memory's keys after its test.
  let admin: Redis;
  const prefixes = new WeakMap<Memory, string>();

  beforeAll(async () => {
    admin = new Redis(redis.url, { lazyConnect: true });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.quit();
  });

  // The memory under each namespace view, closed after it.
  const closers = new WeakMap<Memory, Memory>();

  async function cleanup(memory: Memory): Promise<void> {
    await memory.close?.();
    await closers.get(memory)?.close?.();
    const start = prefixes.get(memory);
    if (start !== undefined) await deleteKeys(admin, start);
  }

  runMemoryConformance(
    'redisMemory({ url, prefix })',
    async () => {
      const prefix = randomPrefix('conf');
      const memory = await redisMemory({ url: redis.url, prefix });
      prefixes.set(memory, prefix);
      return memory;
    },
    { runner, close: cleanup },
  );

  // A client of the caller's, shared by every memory, with hash-tagged keys
  // (the layout a cluster uses) on a standalone server.
  runMemoryConformance(
    'redisMemory({ client, prefix, hashTag: true })',
    async () => {
      const prefix = randomPrefix('tag');
      const memory = await redisMemory({ client: admin, prefix, hashTag: true });
      prefixes.set(memory, `{${prefix}}`);
      return memory;
    },
    { runner, close: cleanup },
  );

  // The core's namespace view on top: its transactions, snapshots and
  // restores run through this adapter's transactions.
  runMemoryConformance(
    "namespaced(redisMemory(...), 'ns')",
    async () => {
      const prefix = randomPrefix('ns');
      const memory = await redisMemory({ url: redis.url, prefix });
      const view = namespaced(memory, 'ns');
      prefixes.set(view, prefix);
      closers.set(view, memory);
      return view;
    },
    { runner, close: cleanup, maxKeyBytes: 128 - 'ns:'.length },
  );
});
