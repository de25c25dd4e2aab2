import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { type AgentId, agentId, isSkreaverError } from 'skreaver';
import { type RedisMesh, type RedisMeshOptions, redisMesh } from 'skreaver/mesh/redis';
import { afterAll, beforeAll } from 'vitest';
import { deleteKeys } from '../memory/redis/_helpers.js';

export {
  deleteKeys,
  type PrivateCluster,
  type PrivateRedis,
  privateCluster,
  privateRedis,
  redisServerBinary,
  sleep,
  sparePort,
} from '../memory/redis/_helpers.js';

/** A fresh prefix, so test files sharing the machine's Redis never meet. */
export function randomPrefix(label = 't'): string {
  return `skreaver-test:mesh-${label}:${randomBytes(6).toString('hex')}:`;
}

/** A plain client for looking at (and writing raw frames into) Redis. */
export async function adminClient(url: string): Promise<Redis> {
  const admin = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  admin.on('error', () => {});
  await admin.connect();
  return admin;
}

/** Polls `condition` every 10 ms until it holds; throws after `timeoutMs`. */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs `fn` until it stops failing with mesh_unavailable (at most ~`timeoutMs`). */
export async function retrying<T>(fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (error) {
      if (!isSkreaverError(error, 'mesh_unavailable') || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/**
 * The nodes a test file opens on the machine's Redis under one fresh prefix,
 * and an admin client for looking at the keys: both made in `beforeAll`,
 * and closed, with every key under the prefix deleted, in `afterAll`. Call
 * it inside the `describe`.
 */
export function meshNodes(url: string, label: string, defaults: RedisMeshOptions = {}) {
  const prefix = randomPrefix(label);
  const open: RedisMesh[] = [];
  let admin: Redis | undefined;
  beforeAll(async () => {
    admin = await adminClient(url);
  });
  afterAll(async () => {
    for (const mesh of open) await mesh.close();
    if (admin !== undefined) {
      await deleteKeys(admin, prefix);
      await admin.quit();
    }
  });
  return {
    prefix,
    /** The admin client (made in `beforeAll`). */
    get admin(): Redis {
      if (admin === undefined) throw new Error('meshNodes: the admin client is made in beforeAll');
      return admin;
    },
    /** A node under the prefix, closed after the file's tests. */
    async node(overrides: RedisMeshOptions = {}): Promise<RedisMesh> {
      const mesh = await redisMesh({ url, prefix, ...defaults, ...overrides });
      open.push(mesh);
      return mesh;
    },
    /** A requester and a responder id, unique to this run. */
    ids(name: string): readonly [AgentId, AgentId] {
      const run = Date.now().toString(36);
      return [agentId(`${name}-client-${run}`), agentId(`${name}-server-${run}`)];
    },
  };
}
