import { MemoryError, type RevocationStore, ValidationError } from 'skreaver';

/**
 * The Redis commands the store uses, as an ioredis `Redis` or `Cluster` has
 * them. Any client with these two methods works.
 */
export interface RedisRevocationClient {
  /** `SET key value PX ms NX`: resolves 'OK' when set, null when the key existed. */
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  /** `EXISTS key`: resolves 1 when it exists, 0 otherwise. */
  exists(key: string): Promise<number>;
}

/** Options of {@link redisRevocationStore}. */
export interface RedisRevocationStoreOptions {
  /** An ioredis client (or any {@link RedisRevocationClient}); the store never closes it. */
  readonly client: RedisRevocationClient;
  /** Prepended to every key: a revoked id is stored as `${prefix}revoked:${jti}`. @defaultValue 'skreaver:auth:' */
  readonly prefix?: string;
  /** The clock, epoch milliseconds, used to turn expiry times into `PX` durations. @defaultValue Date.now */
  readonly now?: () => number;
}

/** The `data` of the store's `memory_unavailable` errors. */
export interface RedisRevocationErrorData {
  /** Which command failed. */
  readonly operation: 'revoke' | 'isRevoked';
}

/**
 * A `RevocationStore` in Redis, shared by every process that verifies
 * tokens. Each revoked id is one key with a `PX` expiry, so Redis forgets it
 * when the token would have expired; `revoke` uses `SET ... NX`, which makes
 * its true/false answer atomic across processes. No command scans the
 * keyspace (no `KEYS`).
 *
 * Redis failures reject with `MemoryError` `memory_unavailable` (the original
 * error on `cause`), so verification fails closed while Redis is down.
 *
 * @throws `ValidationError` `invalid_options` for a missing client or a bad prefix.
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const revocation = redisRevocationStore({ client: new Redis(), prefix: 'app:' });
 * const auth = createJwtAuth({ secret, revocation });
 * ```
 */
export function redisRevocationStore(options: RedisRevocationStoreOptions): RevocationStore {
  const client = options?.client;
  if (typeof client?.set !== 'function' || typeof client.exists !== 'function') {
    throw new ValidationError(
      'invalid_options',
      "The option 'client' must be an ioredis client (with set and exists).",
      {
        data: { option: 'client' },
      },
    );
  }
  const prefix = options.prefix ?? 'skreaver:auth:';
  if (typeof prefix !== 'string') {
    throw new ValidationError('invalid_options', "The option 'prefix' must be a string.", {
      data: { option: 'prefix' },
    });
  }
  const now = options.now ?? Date.now;
  const keyOf = (jti: string) => `${prefix}revoked:${jti}`;
  const unavailable = (operation: RedisRevocationErrorData['operation'], cause: unknown) =>
    new MemoryError<RedisRevocationErrorData>(
      'memory_unavailable',
      `The Redis revocation store failed during ${operation}; tokens cannot be checked until it answers.`,
      { data: { operation }, cause },
    );

  return {
    async revoke(jti, expiresAtMs) {
      const ms = Math.ceil(expiresAtMs - now());
      if (typeof jti !== 'string' || !(ms > 0)) return false;
      try {
        return (await client.set(keyOf(jti), '1', 'PX', ms, 'NX')) === 'OK';
      } catch (error) {
        throw unavailable('revoke', error);
      }
    },
    async isRevoked(jti) {
      try {
        return (await client.exists(keyOf(jti))) > 0;
      } catch (error) {
        throw unavailable('isRevoked', error);
      }
    },
  };
}
