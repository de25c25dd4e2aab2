import { Redis } from 'ioredis';
import { agentId, textPayload } from 'skreaver';
import { redisMesh, redisMeshKeys, redisMeshTransport } from 'skreaver/mesh/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { adminClient, deleteKeys, randomPrefix, until } from './_helpers.js';

const redis = await findService(REDIS);

describe('redisMesh options (no Redis needed)', () => {
  it.each([
    ['a url that is not redis://', { url: 'http://localhost' }, 'url'],
    ['a prefix with a space', { prefix: 'a b' }, 'prefix'],
    ['a prefix with braces', { prefix: '{x}' }, 'prefix'],
    ['hashTag without a prefix', { prefix: '', hashTag: true }, 'prefix'],
    ['a non-boolean hashTag', { hashTag: 'yes' }, 'hashTag'],
    ['a zero readBatchSize', { readBatchSize: 0 }, 'readBatchSize'],
    ['a fractional blockMs', { blockMs: 1.5 }, 'blockMs'],
    ['a negative reclaimIntervalMs', { reclaimIntervalMs: -1 }, 'reclaimIntervalMs'],
    ['redisOptions that is not an object', { redisOptions: 5 }, 'redisOptions'],
    ['a client with url', { client: new Redis({ lazyConnect: true }), url: 'redis://x' }, 'url'],
    ['a client that is not ioredis', { client: {} }, 'client'],
    [
      'a Cluster client without hashTag',
      { client: { isCluster: true, duplicate() {} }, hashTag: false },
      'hashTag',
    ],
  ])('refuses %s with invalid_options', async (_what, options, option) => {
    await expect(redisMesh(options as never)).rejects.toMatchObject({
      name: 'ValidationError',
      code: 'invalid_options',
      data: { option },
    });
  });

  it('names keys under the prefix, in a hash tag when asked', () => {
    const plain = redisMeshKeys();
    const a = agentId('a');
    expect([plain.mailbox(a), plain.presence(a), plain.agents, plain.broadcast]).toEqual([
      'skreaver:agent:a:mailbox',
      'skreaver:presence:a',
      'skreaver:agents',
      'skreaver:broadcast',
    ]);
    const tagged = redisMeshKeys('app:', true);
    expect([tagged.mailbox(a), tagged.deadLetters, tagged.topic('t.x' as never)]).toEqual([
      '{app:}agent:a:mailbox',
      '{app:}dlq',
      '{app:}topic:t.x',
    ]);
  });
});

describe.skipIf(!redis.available)('redisMesh options against the real Redis', () => {
  let admin: Redis;
  const prefixes: string[] = [];

  beforeAll(async () => {
    admin = await adminClient(redis.url);
  });
  afterAll(async () => {
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
  });

  function prefix(): string {
    const p = randomPrefix('opt');
    prefixes.push(p);
    return p;
  }

  async function connectionsNamed(name: string): Promise<number> {
    const list = String(await admin.call('CLIENT', 'LIST'));
    return list.split('\n').filter((line) => line.includes(` name=${name} `)).length;
  }

  it('keeps the original layout: mailbox stream with a group, presence holding the node, registry set, DLQ stream', async () => {
    const p = prefix();
    const mesh = await redisMesh({
      url: redis.url,
      prefix: p,
      maxDeliveries: 1,
      visibilityTimeoutMs: 100,
    });
    try {
      const a = agentId('a');
      await mesh.send({ to: a, payload: textPayload('queued') });
      expect(await admin.type(`${p}agent:a:mailbox`)).toBe('stream');
      await mesh.join(a, () => {
        throw new Error('no');
      });
      expect(await admin.get(`${p}presence:a`)).toBe(mesh.nodeId);
      expect(await admin.pttl(`${p}presence:a`)).toBeGreaterThan(0);
      expect(await admin.smembers(`${p}agents`)).toEqual(['a']);
      const groups = (await admin.xinfo('GROUPS', `${p}agent:a:mailbox`)) as unknown[][];
      expect(groups.map((g) => g[1])).toEqual(['skreaver']);
      await until(
        async () => (await admin.xlen(`${p}dlq`)) === 1,
        'the dead letter in the DLQ stream',
      );
      await mesh.leave(a);
      expect(await admin.exists(`${p}presence:a`, `${p}agent:a:mailbox`)).toBe(0);
      expect(await admin.smembers(`${p}agents`)).toEqual([]);
    } finally {
      await mesh.close();
    }
  });

  it('with hashTag, every key is in the tag', async () => {
    const p = prefix();
    const mesh = await redisMesh({ url: redis.url, prefix: p, hashTag: true });
    try {
      const a = agentId('a');
      await mesh.join(a, () => {});
      await mesh.send({ to: agentId('b'), payload: textPayload('x') });
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, names] = await admin.scan(cursor, 'MATCH', `{${p}}*`, 'COUNT', 1000);
        found.push(...names);
        cursor = next;
      } while (cursor !== '0');
      expect(found.sort()).toEqual(
        [
          `{${p}}agent:a:mailbox`,
          `{${p}}agent:b:mailbox`,
          `{${p}}agents`,
          `{${p}}presence:a`,
        ].sort(),
      );
    } finally {
      await mesh.close();
    }
    await deleteKeys(admin, `{${p}}`);
  });

  it('meshes on different prefixes do not see each other', async () => {
    const [one, two] = [
      await redisMesh({ url: redis.url, prefix: prefix() }),
      await redisMesh({ url: redis.url, prefix: prefix() }),
    ];
    try {
      const a = agentId('a');
      await one.join(a, () => {});
      expect([await one.isReachable(a), await two.isReachable(a)]).toEqual([true, false]);
      await two.send({ to: a, payload: textPayload('x') });
      expect([(await one.queueDepth(a)).depth, (await two.queueDepth(a)).depth]).toEqual([0, 1]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('closes every connection it opened, and leaves an injected client open', async () => {
    const owned = await redisMesh({
      url: redis.url,
      prefix: prefix(),
      redisOptions: { connectionName: 'mesh-owned' },
    });
    await owned.join(agentId('a'), () => {});
    await owned.subscribe('t' as never, () => {});
    // Commands, the reader of a's mailbox, and one subscriber for the
    // broadcast channel and topic t together.
    expect(await connectionsNamed('mesh-owned')).toBe(3);
    await owned.close();
    await until(async () => (await connectionsNamed('mesh-owned')) === 0, 'no connection left');

    const client = new Redis(redis.url, { connectionName: 'mesh-injected' });
    try {
      const injected = await redisMesh({ client, prefix: prefix() });
      await injected.join(agentId('a'), () => {});
      expect(injected.client).toBe(client);
      expect(await connectionsNamed('mesh-injected')).toBe(3);
      await injected.close();
      await until(
        async () => (await connectionsNamed('mesh-injected')) === 1,
        'only the injected client',
      );
      expect(await client.ping()).toBe('PONG');
    } finally {
      await client.quit();
    }
  });

  it('closes the transport when a mesh option is invalid', async () => {
    await expect(
      redisMesh({
        url: redis.url,
        prefix: prefix(),
        visibilityTimeoutMs: -1,
        redisOptions: { connectionName: 'mesh-invalid' },
      }),
    ).rejects.toMatchObject({ code: 'invalid_options' });
    await until(async () => (await connectionsNamed('mesh-invalid')) === 0, 'no connection left');
  });

  it('the transport alone rejects calls after close with mesh_closed', async () => {
    const transport = await redisMeshTransport({ url: redis.url, prefix: prefix() });
    await transport.close();
    await transport.close();
    await expect(transport.depth(agentId('a'))).rejects.toMatchObject({ code: 'mesh_closed' });
    await expect(transport.presence.list()).rejects.toMatchObject({ code: 'mesh_closed' });
    await expect(transport.deadLetters.size()).rejects.toMatchObject({ code: 'mesh_closed' });
  });
});
