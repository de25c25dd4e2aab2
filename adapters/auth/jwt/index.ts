/**
 * `skreaver/auth/jwt`: JSON Web Tokens on jose (an optional peer
 * dependency). Issues and verifies access and refresh tokens, rotates refresh
 * tokens with reuse detection, and keeps revocations in memory or Redis.
 *
 * @packageDocumentation
 */
export type { JwtErrorData, JwtFailureReason } from './_errors.js';
export { createJwtAuth } from './jwt-auth.js';
export {
  JWT_ALGORITHMS,
  JWT_DEFAULTS,
  type JwtAlgorithm,
  type JwtAuthOptions,
  type JwtKey,
} from './options.js';
export {
  type RedisRevocationClient,
  type RedisRevocationErrorData,
  type RedisRevocationStoreOptions,
  redisRevocationStore,
} from './redis-revocation-store.js';
export type { JwtAuth, TokenPair } from './types.js';
