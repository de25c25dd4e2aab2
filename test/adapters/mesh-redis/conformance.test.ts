import type { Redis } from 'ioredis';
import { redisMesh, redisMeshKeys } from 'skreaver/mesh/redis';
import { runMeshConformance } from 'skreaver/testing';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { adminClient, deleteKeys, randomPrefix } from './_helpers.js';

const redis = await findService(REDIS);

describe.skipIf(!redis.available)('redisMesh against the real Redis', () => {
  // One prefix for the file: nodes made for one test must share a mesh.
  const prefix = randomPrefix('conf');
  const keys = redisMeshKeys(prefix);
  let admin: Redis;

  beforeAll(async () => {
    admin = await adminClient(redis.url);
  });
  afterAll(async () => {
    await deleteKeys(admin, prefix);
    await admin.quit();
  });

  runMeshConformance('redisMesh()', (config) => redisMesh({ ...config, url: redis.url, prefix }), {
    runner: { describe, it },
    visibilityTimeoutMs: 200,
    directReplies: true,
    rawFrames: {
      async mailbox(agent, frame) {
        await admin.xadd(keys.mailbox(agent), '*', 'm', frame);
      },
      async topic(topic, frame) {
        await admin.publish(keys.topic(topic), frame);
      },
    },
  });
});
