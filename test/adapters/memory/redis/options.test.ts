import { Redis } from 'ioredis';
import { redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../../_support/services.js';
import { deleteKeys, randomPrefix } from './_helpers.js';

const redis = await findService(REDIS);

describe('redisMemory options', () => {
  const bad: [string, Record<string, unknown>][] = [
    ['a prefix with a space', { prefix: 'my app:' }],
    ['a prefix with braces', { prefix: '{app}' }],
    ['a prefix with surrounding whitespace', { prefix: ' app:' }],
    ['a prefix that is not a string', { prefix: 42 }],
    ['a url of another scheme', { url: 'http://127.0.0.1:6379' }],
    ['hashTag with an empty prefix', { prefix: '', hashTag: true }],
    ['hashTag that is not a boolean', { hashTag: 'yes' }],
    ['batchSize 0', { batchSize: 0 }],
    ['a fractional scanCount', { scanCount: 1.5 }],
    ['a negative maxValueBytes', { maxValueBytes: -1 }],
    ['maxRestoreAttempts 0', { maxRestoreAttempts: 0 }],
    ['enableOfflineQueue that is not a boolean', { enableOfflineQueue: 1 }],
    ['redisOptions that is not an object', { redisOptions: 'tls' }],
    ['a client that is not an ioredis client', { client: {} }],
  ];
  for (const [what, options] of bad) {
    it(`refuses ${what} with invalid_options`, async () => {
      await expect(redisMemory(options)).rejects.toMatchObject({
        name: 'ValidationError',
        code: 'invalid_options',
      });
    });
  }

  it('refuses options that shape its own client together with client', async () => {
    const client = new Redis({ lazyConnect: true });
    for (const extra of [{ url: 'redis://x' }, { connectTimeoutMs: 10 }, { redisOptions: {} }]) {
      await expect(redisMemory({ client, ...extra })).rejects.toMatchObject({
        code: 'invalid_options',
      });
    }
    client.disconnect();
  });
});

describe.skipIf(!redis.available)(
  'redisMemory against the real Redis: options and lifecycle',
  () => {
    let admin: Redis;
    const prefix = randomPrefix('opt');

    beforeAll(async () => {
      admin = new Redis(redis.url);
    });
    afterAll(async () => {
      await deleteKeys(admin, prefix);
      await admin.quit();
    });

    it("stores under 'skreaver:memory:' by default", async () => {
      const memory = await redisMemory({ url: redis.url });
      const key = `${prefix.replaceAll(':', '-')}default`;
      await memory.store(key, 'v');
      expect(await admin.get(`skreaver:memory:${key}`)).toBe('v');
      expect(await memory.delete(key)).toBe(true);
      await memory.close();
    });

    it('leaves a client it was given open, and closes the one it made', async () => {
      const client = new Redis(redis.url);
      const given = await redisMemory({ client, prefix });
      await given.close();
      expect(await client.ping()).toBe('PONG');
      client.disconnect();
      const own = await redisMemory({ url: redis.url, prefix });
      await own.close();
      expect(own.client.status).toBe('end');
    });

    it('rejects every operation with memory_closed after close(), and reports down', async () => {
      const memory = await redisMemory({ url: redis.url, prefix });
      await memory.close();
      await memory.close();
      const closed = { name: 'MemoryError', code: 'memory_closed' };
      await expect(memory.load('k')).rejects.toMatchObject(closed);
      await expect(memory.store('k', 'v')).rejects.toMatchObject(closed);
      await expect(memory.keys()).rejects.toMatchObject(closed);
      await expect(memory.snapshot()).rejects.toMatchObject(closed);
      await expect(memory.transaction(() => 1)).rejects.toMatchObject(closed);
      expect(await memory.health()).toMatchObject({
        status: 'down',
        error: { code: 'memory_closed' },
      });
    });

    it('reports ok with the PING latency', async () => {
      const memory = await redisMemory({ url: redis.url, prefix });
      const health = await memory.health();
      expect(health.status).toBe('ok');
      expect(health.backend).toBe('redis');
      expect(health.latencyMs).toBeGreaterThanOrEqual(0);
      await memory.close();
    });

    it('round-trips a 10 MB value and refuses one over maxValueBytes', async () => {
      const memory = await redisMemory({ url: redis.url, prefix });
      const big = 'é'.repeat(5 * 1024 * 1024);
      await memory.store('big', big);
      expect(await memory.load('big')).toBe(big);
      const capped = await redisMemory({ url: redis.url, prefix, maxValueBytes: 1024 });
      await expect(capped.store('k', 'x'.repeat(1025))).rejects.toMatchObject({
        code: 'memory_limit_exceeded',
      });
      await expect(capped.storeMany([{ key: 'k', value: 'x'.repeat(1025) }])).rejects.toMatchObject(
        {
          code: 'memory_limit_exceeded',
        },
      );
      expect(await capped.load('k')).toBeUndefined();
      await memory.close();
      await capped.close();
    }, 30_000);

    it('keeps snapshots within maxSnapshotBytes', async () => {
      const memory = await redisMemory({
        url: redis.url,
        prefix: `${prefix}snap:`,
        maxSnapshotBytes: 200,
      });
      await memory.store('k', 'x'.repeat(300));
      await expect(memory.snapshot()).rejects.toMatchObject({ code: 'memory_limit_exceeded' });
      await expect(memory.restore(JSON.stringify({ k: 'y'.repeat(300) }))).rejects.toMatchObject({
        code: 'memory_limit_exceeded',
      });
      expect(await memory.load('k')).toBe('x'.repeat(300));
      await memory.close();
    });

    it('splits batches larger than batchSize and stays all or nothing', async () => {
      const memory = await redisMemory({ url: redis.url, prefix: `${prefix}batch:`, batchSize: 3 });
      const entries = Array.from({ length: 10 }, (_, i) => ({ key: `k${i}`, value: `v${i}` }));
      await memory.storeMany(entries);
      expect(await memory.loadMany(entries.map((e) => e.key))).toEqual(entries.map((e) => e.value));
      await memory.storeMany(entries.slice(0, 7), { ttlMs: 60_000 });
      const snapshot = JSON.parse(await memory.snapshot()) as { expiresAt: Record<string, number> };
      expect(Object.keys(snapshot.expiresAt)).toHaveLength(7);
      await memory.restore(JSON.stringify({ only: 'one' }));
      expect(await memory.keys()).toEqual(['only']);
      await memory.close();
    });

    it('accepts fractional and huge TTLs', async () => {
      const memory = await redisMemory({ url: redis.url, prefix });
      await memory.store('tiny', 'v', { ttlMs: 0.5 });
      await memory.store('huge', 'v', { ttlMs: 1e20 });
      expect(await memory.load('huge')).toBe('v');
      expect(await admin.pttl(`${prefix}huge`)).toBeGreaterThan(1e12);
      await memory.close();
    });

    it('maps a Redis error other than unavailability to memory_io with the cause', async () => {
      const memory = await redisMemory({ url: redis.url, prefix });
      await admin.rpush(`${prefix}list`, 'x');
      const error = await memory.load('list').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toMatchObject({
        name: 'MemoryError',
        code: 'memory_io',
        data: { operation: 'load' },
      });
      expect(String((error as Error).cause)).toMatch(/WRONGTYPE/);
      await memory.close();
    });

    it('detects a conflict in a read-only transaction and in one that only listed keys', async () => {
      const memory = await redisMemory({ url: redis.url, prefix: `${prefix}ro:` });
      await memory.store('k', '1');
      await expect(
        memory.transaction(async (tx) => {
          await tx.load('k');
          await memory.store('k', '2');
        }),
      ).rejects.toMatchObject({ code: 'transaction_conflict', data: { keys: ['k'] } });
      await expect(
        memory.transaction(async (tx) => {
          await tx.keys('item:');
          await memory.store('item:1', 'new');
        }),
      ).rejects.toMatchObject({
        code: 'transaction_conflict',
        data: { keys: ['item:1'], prefixes: ['item:'] },
      });
      await memory.close();
    });

    it('fails a transaction whose memory closed while its body ran', async () => {
      const memory = await redisMemory({ url: redis.url, prefix });
      await expect(
        memory.transaction(async (tx) => {
          await tx.load('k');
          await memory.close();
        }),
      ).rejects.toMatchObject({ code: 'transaction_failed', cause: { code: 'memory_closed' } });
    });
  },
);
