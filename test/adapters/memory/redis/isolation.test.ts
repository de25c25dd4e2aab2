import { Redis } from 'ioredis';
import { redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../../_support/services.js';
import {
  deleteKeys,
  type PrivateRedis,
  privateRedis,
  randomPrefix,
  redisServerBinary,
} from './_helpers.js';

const redis = await findService(REDIS);
const binary = redisServerBinary();

describe.skipIf(!redis.available)('redisMemory keeps to its prefix', () => {
  let admin: Redis;
  const stem = randomPrefix('iso');
  const a = `${stem}a:`;
  const b = `${stem}b:`;
  const raw = `${stem}raw`;

  beforeAll(async () => {
    admin = new Redis(redis.url, { lazyConnect: true });
    await admin.connect();
  });
  afterAll(async () => {
    await deleteKeys(admin, stem);
    await admin.quit();
  });

  it('restore and snapshot under prefix A never touch prefix B, other keys, or non-string keys', async () => {
    const memoryA = await redisMemory({ url: redis.url, prefix: a });
    const memoryB = await redisMemory({ url: redis.url, prefix: b });
    await memoryA.storeMany([
      { key: 'shared', value: 'A' },
      { key: 'only-a', value: 'A' },
    ]);
    await memoryB.storeMany([
      { key: 'shared', value: 'B' },
      { key: 'only-b', value: 'B' },
    ]);
    await admin.set(raw, 'unprefixed');
    // Someone else's data under A's prefix: a list, and a name no memory key has.
    await admin.rpush(`${a}queue`, 'job');
    await admin.set(`${a}not a key`, 'foreign');

    const text = await memoryA.snapshot();
    const snapshot = JSON.parse(text) as { entries: Record<string, string>; namespace: string };
    expect(snapshot.entries).toEqual({ 'only-a': 'A', shared: 'A' });
    expect(snapshot.namespace).toBe(a);
    await expect(memoryB.restore(text)).rejects.toMatchObject({
      code: 'snapshot_invalid',
      data: { problems: [expect.objectContaining({ path: '/namespace' })] },
    });

    await memoryA.restore('{"restored":"R"}');

    expect(await memoryA.keys()).toEqual(['restored']);
    expect(await memoryB.keys()).toEqual(['only-b', 'shared']);
    expect(await memoryB.loadMany(['shared', 'only-b'])).toEqual(['B', 'B']);
    expect(await admin.get(raw)).toBe('unprefixed');
    expect(await admin.lrange(`${a}queue`, 0, -1)).toEqual(['job']);
    expect(await admin.get(`${a}not a key`)).toBe('foreign');
    await memoryA.close();
    await memoryB.close();
  });

  it('stores every key as prefix + key, readable by any Redis client', async () => {
    const memory = await redisMemory({ url: redis.url, prefix: a });
    await memory.store('user:42', '{"name":"Ada"}');
    expect(await admin.get(`${a}user:42`)).toBe('{"name":"Ada"}');
    await admin.set(`${a}written:elsewhere`, 'v');
    expect(await memory.load('written:elsewhere')).toBe('v');
    await memory.close();
  });
});

describe.skipIf(!binary.available)('redisMemory with an empty prefix (a private server)', () => {
  let server: PrivateRedis;
  beforeAll(async () => {
    server = await privateRedis();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('owns the valid string keys of the whole database, and nothing else', async () => {
    const admin = new Redis(server.port, '127.0.0.1');
    const memory = await redisMemory({ url: server.url, prefix: '' });
    await admin.set('plain', 'v');
    await admin.rpush('mesh:mailbox', 'message');
    await admin.set('has space', 'v');
    expect(await memory.keys()).toEqual(['plain']);
    await memory.restore('{"new":"n"}');
    expect(await memory.keys()).toEqual(['new']);
    expect(await admin.lrange('mesh:mailbox', 0, -1)).toEqual(['message']);
    expect(await admin.get('has space')).toBe('v');
    await memory.close();
    admin.disconnect();
  });
});
