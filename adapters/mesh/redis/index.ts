/**
 * `skreaver/mesh/redis`: the agent mesh on Redis Streams and pub/sub
 * through ioredis (an optional peer dependency).
 *
 * @packageDocumentation
 */
export type { RedisMeshFailureData } from './_errors.js';
export type { RedisMeshKeys } from './keys.js';
export { redisMeshKeys } from './keys.js';
export type {
  RedisConnectionOptions,
  RedisMeshOptions,
  RedisMeshTransportOptions,
} from './options.js';
export type { RedisMesh } from './redis-mesh.js';
export { redisMesh } from './redis-mesh.js';
export type { RedisMeshTransport } from './transport.js';
export { redisMeshTransport } from './transport.js';
