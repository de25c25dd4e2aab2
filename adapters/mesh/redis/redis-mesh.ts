import type { Cluster, Redis } from 'ioredis';
import { createMesh, type Mesh, systemClock } from 'skreaver';
import type { RedisMeshKeys } from './keys.js';
import type { RedisMeshOptions } from './options.js';
import { redisMeshTransport } from './transport.js';

/** The mesh {@link redisMesh} returns: a `Mesh`, plus where it lives in Redis. */
export interface RedisMesh extends Mesh {
  /** The key and channel names this mesh uses. */
  readonly keys: RedisMeshKeys;
  /** The ioredis client for commands: yours when you passed `client`. */
  readonly client: Redis | Cluster;
}

/**
 * A mesh node on Redis: mailboxes are Streams with one consumer group each
 * (at-least-once, acknowledged, redelivered with `XAUTOCLAIM` after the
 * visibility timeout), topics and broadcasts are pub/sub (at-most-once),
 * presence is keys with an expiry plus a registry set, and the dead-letter
 * queue is a stream shared by every node on the prefix. Every node of one
 * mesh uses the same Redis and prefix. Needs Redis 7.0 or later.
 *
 * The factory connects before it resolves. Unreachable Redis, there or
 * later, rejects with `mesh_unavailable` (retry later); mailbox readers
 * wait for Redis to come back and resume where they were.
 *
 * @throws `ValidationError` `invalid_options` for bad options; `MeshError` `mesh_unavailable` when Redis cannot be reached.
 * @example
 * ```ts
 * import { agentId, replyHandler, textPayload } from 'skreaver';
 * import { redisMesh } from 'skreaver/mesh/redis';
 *
 * const mesh = await redisMesh({ url: 'redis://127.0.0.1:6379/0', visibilityTimeoutMs: 10_000 });
 * await mesh.join(agentId('pong'), replyHandler(() => textPayload('pong')));
 * await mesh.join(agentId('ping'), () => {});
 * const reply = await mesh.request({ from: agentId('ping'), to: agentId('pong'), payload: textPayload('ping') });
 * await mesh.close();
 * ```
 */
export async function redisMesh(options: RedisMeshOptions = {}): Promise<RedisMesh> {
  const clock = options.clock ?? systemClock;
  const transport = await redisMeshTransport({ ...options, clock });
  let mesh: Mesh;
  try {
    mesh = createMesh({ ...options, clock, transport, closeTransport: true });
  } catch (error) {
    // Invalid mesh options: nothing may stay connected.
    await transport.close();
    throw error;
  }
  return Object.assign(mesh, { keys: transport.keys, client: transport.client });
}
