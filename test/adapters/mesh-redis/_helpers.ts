import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { isSkreaverError } from 'skreaver';

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
