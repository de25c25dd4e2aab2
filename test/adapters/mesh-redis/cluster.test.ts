import { Cluster } from 'ioredis';
import { redisMesh, redisMeshKeys } from 'skreaver/mesh/redis';
import { runMeshConformance } from 'skreaver/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import {
  type PrivateCluster,
  privateCluster,
  randomPrefix,
  redisServerBinary,
} from './_helpers.js';

// A private three-master cluster: with the hash tag every key of the mesh
// lives on one slot, so the scripts that move an entry from a mailbox to the
// dead-letter queue (and list presence) never fail with CROSSSLOT.
const binary = redisServerBinary();

describe.skipIf(!binary.available)('redisMesh on a Redis Cluster', () => {
  let cluster: PrivateCluster;
  let client: Cluster;
  const prefix = randomPrefix('cluster');
  const keys = redisMeshKeys(prefix, true);

  beforeAll(async () => {
    cluster = await privateCluster();
    client = new Cluster([...cluster.nodes], { lazyConnect: true });
    client.on('error', () => {});
    await client.connect();
  }, 30_000);
  afterAll(async () => {
    client?.disconnect();
    await cluster?.dispose();
  });

  runMeshConformance(
    'redisMesh({ client: cluster })',
    (config) => redisMesh({ ...config, client, prefix }),
    {
      runner: {
        describe,
        // One retry: the suite's presence test gives a 150 ms TTL, and Redis
        // lets the key expire if this worker is descheduled that long, which
        // happens on a small machine running three redis-servers next to the
        // other test files. A real failure fails twice.
        it: (name, fn, timeout) =>
          it(name, { retry: 1, ...(timeout === undefined ? {} : { timeout }) }, fn),
      },
      visibilityTimeoutMs: 200,
      directReplies: true,
      rawFrames: {
        async mailbox(agent, frame) {
          await client.xadd(keys.mailbox(agent), '*', 'm', frame);
        },
        async topic(topic, frame) {
          await client.publish(keys.topic(topic), frame);
        },
      },
    },
  );
});
