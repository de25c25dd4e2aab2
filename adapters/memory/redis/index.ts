/**
 * `skreaver/memory/redis`: a `Memory` kept in Redis or a Redis
 * Cluster through ioredis (an optional peer dependency).
 *
 * @packageDocumentation
 */
export type { RedisFailureData } from './_errors.js';
export type { RedisMemoryOptions } from './options.js';
export type { RedisMemory } from './redis-memory.js';
export { redisMemory } from './redis-memory.js';
