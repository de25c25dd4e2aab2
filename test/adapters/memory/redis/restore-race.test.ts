import { Redis } from 'ioredis';
import { redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../../_support/services.js';
import { deleteKeys, randomPrefix } from './_helpers.js';

const redis = await findService(REDIS);

/**
 * A client whose dedicated connections let another writer change `key`
 * right after each WATCH, `times` times: the race restore guards against.
 */
function racingClient(url: string, admin: Redis, key: string, times: number): Redis {
  const client = new Redis(url);
  const duplicate = client.duplicate.bind(client);
  let left = times;
  Object.assign(client, {
    duplicate(override: object) {
      const dup = duplicate(override);
      const pipeline = dup.pipeline.bind(dup);
      Object.assign(dup, {
        pipeline() {
          const batch = pipeline();
          const exec = batch.exec.bind(batch);
          Object.assign(batch, {
            async exec() {
              const results = await exec();
              if (left-- > 0) await admin.set(key, `changed by another writer ${left}`);
              return results;
            },
          });
          return batch;
        },
      });
      return dup;
    },
  });
  return client;
}

describe.skipIf(!redis.available)('redisMemory restore racing another writer', () => {
  let admin: Redis;
  const prefix = randomPrefix('race-restore');

  beforeAll(async () => {
    admin = new Redis(redis.url);
  });
  afterAll(async () => {
    await deleteKeys(admin, prefix);
    await admin.quit();
  });

  it('starts over when a key it deletes changes before EXEC, and then succeeds', async () => {
    const own = `${prefix}once:`;
    const client = racingClient(redis.url, admin, `${own}stale`, 1);
    const memory = await redisMemory({ client, prefix: own });
    await memory.store('stale', 'old');
    await memory.restore('{"fresh":"new"}');
    expect(await memory.keys()).toEqual(['fresh']);
    await memory.close();
    client.disconnect();
  });

  it('gives up with transaction_conflict after maxRestoreAttempts and changes nothing', async () => {
    const own = `${prefix}always:`;
    const client = racingClient(redis.url, admin, `${own}stale`, Infinity);
    const memory = await redisMemory({ client, prefix: own, maxRestoreAttempts: 3 });
    await memory.store('stale', 'old');
    await expect(memory.restore('{"fresh":"new"}')).rejects.toMatchObject({
      name: 'TransactionError',
      code: 'transaction_conflict',
      data: { keys: ['stale'] },
    });
    expect(await memory.keys()).toEqual(['stale']);
    expect(await memory.load('stale')).toMatch(/^changed by another writer/);
    await memory.close();
    client.disconnect();
  });
});
