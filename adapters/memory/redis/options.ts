import type { Cluster, Redis, RedisOptions } from 'ioredis';

/**
 * Options of {@link redisMemory}. Give either `url` (the memory creates and
 * owns its client) or `client` (yours; the memory never closes it). The
 * connection options (`connectTimeoutMs` to `redisOptions`) shape the client
 * the memory creates, so they are refused together with `client`:
 * configure your own client instead.
 */
export interface RedisMemoryOptions {
  /**
   * Where Redis is: `redis://[[user]:password@]host[:port][/db]`, or
   * `rediss://...` for TLS.
   * @defaultValue 'redis://127.0.0.1:6379/0'
   */
  readonly url?: string;
  /**
   * An ioredis `Redis` or `Cluster` to use instead of creating one. The
   * memory leaves it open on `close()`, and uses `client.duplicate()` for
   * the dedicated connections that transactions and restores need.
   * @defaultValue undefined (a client is created from `url`)
   */
  readonly client?: Redis | Cluster;
  /**
   * Prepended to every key: memory key `k` is Redis key `${prefix}${k}`
   * (`{${prefix}}${k}` with `hashTag`). `keys()`, snapshots and restores
   * see only keys under it, so a restore never touches anything else. It
   * follows the memory-key character rules (letters, digits, `_ - . :`, no
   * spaces or braces) and may be `''` to use the whole database (then a
   * restore replaces every string key whose name is a valid memory key).
   * Two memories must not use prefixes where one starts with the other.
   * @defaultValue 'skreaver:memory:'
   */
  readonly prefix?: string;
  /**
   * Wraps the prefix in a Redis Cluster hash tag, `{prefix}key`, so every
   * key of this memory hashes to one slot and multi-key commands (MGET,
   * MSET, MULTI/EXEC, WATCH) work on a cluster. Needs a non-empty prefix.
   * Set it on a standalone server too if you plan to move to a cluster and
   * want the same key names. A Cluster client without it is refused.
   * @defaultValue true for a Cluster client, false otherwise
   */
  readonly hashTag?: boolean;
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one rejects with
   * `memory_limit_exceeded` (Redis itself stops at 512 MB).
   * @defaultValue 16777216 (16 MiB)
   */
  readonly maxValueBytes?: number;
  /**
   * Largest snapshot `snapshot()` produces and `restore()` accepts, in
   * UTF-8 bytes; past it both reject with `memory_limit_exceeded`.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxSnapshotBytes?: number;
  /**
   * Keys per MGET, MSET, DEL or WATCH command when a batch is larger; the
   * chunks still travel in one round trip (and in one MULTI/EXEC where the
   * batch must be atomic).
   * @defaultValue 1000
   */
  readonly batchSize?: number;
  /**
   * The COUNT hint of the SCAN calls behind `keys()`, snapshots and
   * restores: keys Redis examines per call.
   * @defaultValue 1000
   */
  readonly scanCount?: number;
  /**
   * Dedicated connections (from `client.duplicate()`) kept open between
   * transactions and restores; WATCH needs a connection of its own, so each
   * running transaction holds one and more are opened when all are busy.
   * @defaultValue 4
   */
  readonly transactionPoolSize?: number;
  /**
   * How many times `restore()` tries again when another writer changed a
   * key it was about to delete; after that it rejects with
   * `transaction_conflict` and changes nothing.
   * @defaultValue 5
   */
  readonly maxRestoreAttempts?: number;
  /**
   * Time to establish a TCP connection (ioredis `connectTimeout`); the
   * factory and every reconnect attempt give up after it.
   * @defaultValue 5000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time a command may wait for its reply (ioredis `commandTimeout`) before
   * it rejects with `memory_unavailable`, so a half-open connection cannot
   * hang an operation forever.
   * @defaultValue 10000
   */
  readonly commandTimeoutMs?: number;
  /**
   * Failed reconnect attempts a command waits through before it rejects
   * with `memory_unavailable` (ioredis `maxRetriesPerRequest`). With 1, a
   * command issued during a short blip (a server restart) still succeeds,
   * and one issued while Redis is down fails after about two attempts.
   * @defaultValue 1
   */
  readonly maxRetriesPerRequest?: number;
  /**
   * Whether commands issued while the connection is down wait for the next
   * reconnect attempt (bounded by `maxRetriesPerRequest`) instead of
   * failing at once (ioredis `enableOfflineQueue`).
   * @defaultValue true
   */
  readonly enableOfflineQueue?: boolean;
  /**
   * Longest wait between reconnect attempts; the wait starts at 50 ms and
   * doubles up to this. The client keeps reconnecting until `close()`.
   * @defaultValue 2000
   */
  readonly maxReconnectDelayMs?: number;
  /**
   * Time `health()` waits for PING before it reports `down`, and `close()`
   * waits for QUIT before it drops the connection.
   * @defaultValue 5000
   */
  readonly healthTimeoutMs?: number;
  /**
   * Further ioredis options for the client the memory creates (TLS,
   * `username`/`password`, `connectionName`, ...). They are applied last,
   * so they override the options above.
   * @defaultValue `{}`
   */
  readonly redisOptions?: RedisOptions;
}
