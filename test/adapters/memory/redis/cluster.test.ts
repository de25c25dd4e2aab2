import { Cluster } from 'ioredis';
import type { Memory } from 'skreaver';
import { redisMemory } from 'skreaver/memory/redis';
import { runMemoryConformance } from 'skreaver/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PrivateCluster,
  privateCluster,
  randomPrefix,
  redisServerBinary,
} from './_helpers.js';

// A private three-master cluster: the hash tag must keep every key of one
// memory on one slot, or MGET, MSET, MULTI and WATCH fail with CROSSSLOT.
const binary = redisServerBinary();
const runner = { describe, it };

describe.skipIf(!binary.available)('redisMemory on a Redis Cluster', () => {
  let cluster: PrivateCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await privateCluster();
    client = new Cluster([...cluster.nodes], { lazyConnect: true });
    await client.connect();
  }, 30_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.dispose();
  });

  runMemoryConformance(
    'redisMemory({ client: cluster })',
    () => redisMemory({ client, prefix: randomPrefix('cluster') }),
    { runner },
  );

  it('keeps every key of a memory on the one slot of its hash tag', async () => {
    const prefix = randomPrefix('slot');
    const memory = await redisMemory({ client, prefix });
    const keys = Array.from({ length: 50 }, (_, i) => `key:${i}`);
    await memory.storeMany(keys.map((key) => ({ key, value: key })));
    const masters = client.nodes('master');
    const holding = [];
    for (const node of masters) {
      const [, found] = await node.scan('0', 'MATCH', `{${prefix}}*`, 'COUNT', 10_000);
      if (found.length > 0) holding.push(found.length);
    }
    expect(holding).toEqual([50]);
    const slot = await client.call('CLUSTER', 'KEYSLOT', `{${prefix}}key:1`);
    expect(await client.call('CLUSTER', 'KEYSLOT', `{${prefix}}key:2`)).toBe(slot);
    expect(await memory.loadMany(keys)).toEqual(keys);
    await memory.close();
  });

  it('refuses a cluster client without a hash tag or without a prefix', async () => {
    await expect(redisMemory({ client, hashTag: false })).rejects.toMatchObject({
      code: 'invalid_options',
    });
    await expect(redisMemory({ client, prefix: '' })).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });

  it('restores a memory on a cluster without touching another one', async () => {
    const a: Memory = await redisMemory({ client, prefix: randomPrefix('a') });
    const b: Memory = await redisMemory({ client, prefix: randomPrefix('b') });
    await b.store('k', 'b value');
    await a.store('old', 'x');
    await a.restore?.('{"k":"a value"}');
    expect(await a.keys()).toEqual(['k']);
    expect(await b.keys()).toEqual(['k']);
    expect(await b.load('k')).toBe('b value');
    await a.close?.();
    await b.close?.();
  });
});
