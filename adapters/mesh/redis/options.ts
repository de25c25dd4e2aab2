import type { Cluster, Redis, RedisOptions } from 'ioredis';
import type { Logger, MeshClock, MeshOptions, MessageLimits } from 'skreaver';

/**
 * Where the Redis mesh lives and how it talks to Redis. Give either `url`
 * (the transport creates and owns its client) or `client` (yours; never
 * closed by the mesh). The connection options (`connectTimeoutMs` to
 * `redisOptions`) shape the client the transport creates, so they are
 * refused together with `client`.
 */
export interface RedisConnectionOptions {
  /**
   * Where Redis is: `redis://[[user]:password@]host[:port][/db]`, or
   * `rediss://...` for TLS.
   * @defaultValue 'redis://127.0.0.1:6379/0'
   */
  readonly url?: string;
  /**
   * An ioredis `Redis` or `Cluster` to use instead of creating one. The
   * mesh leaves it open on `close()`; the connections it needs of its own
   * (one blocking reader per joined agent, one pub/sub subscriber) come
   * from `client.duplicate()` and are closed by the mesh.
   * @defaultValue undefined (a client is created from `url`)
   */
  readonly client?: Redis | Cluster;
  /**
   * Prepended to every key and channel name (see the key layout in
   * docs/adapters/mesh-redis.md). Nodes of one mesh must use the same
   * prefix; different prefixes are separate meshes on one server. It follows
   * the memory-key character rules (letters, digits, `_ - . :`, no spaces or
   * braces).
   * @defaultValue 'skreaver:'
   */
  readonly prefix?: string;
  /**
   * Wraps the prefix in a Redis Cluster hash tag (`{skreaver:}agent:a:mailbox`)
   * so every key of the mesh hashes to one slot, which the Lua scripts that
   * touch a mailbox and the dead-letter queue together need on a cluster.
   * A Cluster client without it is refused.
   * @defaultValue true for a Cluster client, false otherwise
   */
  readonly hashTag?: boolean;
  /**
   * Most mailbox entries one `XREADGROUP` or `XAUTOCLAIM` fetches. A
   * consumer never holds more unsettled entries than its join `concurrency`,
   * so this only matters for consumers with a larger concurrency.
   * @defaultValue 100
   */
  readonly readBatchSize?: number;
  /**
   * Most messages one enqueue script call carries: sends to one mailbox made
   * in the same tick travel together (each still checked against the depth
   * limit, in order), up to 1 MiB of frames per call.
   * @defaultValue 100
   */
  readonly sendBatchSize?: number;
  /**
   * Longest time one blocking `XREADGROUP` waits for new entries, in
   * milliseconds. An idle consumer asks Redis again after it; a nacked
   * entry whose visibility timeout ends while a read is blocked (possible
   * with a join `concurrency` above 1) waits at most this long extra.
   * @defaultValue 1000
   */
  readonly blockMs?: number;
  /**
   * How often a consumer looks for entries another consumer of its mailbox
   * took and never settled (a crashed node), in milliseconds; such an entry
   * is redelivered between `visibilityTimeoutMs` and
   * `visibilityTimeoutMs + reclaimIntervalMs` after its delivery. Entries this node nacked are
   * reclaimed on time regardless.
   * @defaultValue visibilityTimeoutMs / 2
   */
  readonly reclaimIntervalMs?: number;
  /**
   * Time to establish a TCP connection (ioredis `connectTimeout`).
   * @defaultValue 5000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time a command may wait for its reply (ioredis `commandTimeout`) before
   * it rejects with `mesh_unavailable`. Mailbox readers have none: they
   * wait for Redis (a silent connection is noticed by TCP keep-alive).
   * @defaultValue 10000
   */
  readonly commandTimeoutMs?: number;
  /**
   * Failed reconnect attempts a command waits through before it rejects
   * with `mesh_unavailable` (ioredis `maxRetriesPerRequest`). Mailbox
   * readers ignore it: they wait for the connection and resume.
   * @defaultValue 1
   */
  readonly maxRetriesPerRequest?: number;
  /**
   * Longest wait between reconnect attempts; the wait starts at 50 ms and
   * doubles up to this. Clients keep reconnecting until `close()`.
   * @defaultValue 2000
   */
  readonly maxReconnectDelayMs?: number;
  /**
   * Time `close()` waits for QUIT before it drops a connection.
   * @defaultValue 5000
   */
  readonly closeTimeoutMs?: number;
  /**
   * Further ioredis options for the client the transport creates (TLS,
   * `username`/`password`, `connectionName`, ...), applied last.
   * @defaultValue `{}`
   */
  readonly redisOptions?: RedisOptions;
}

/** Options of `redisMeshTransport`: the connection, plus what decoding and logging need. */
export interface RedisMeshTransportOptions extends RedisConnectionOptions {
  /**
   * Limits received frames are decoded against; give the mesh's own.
   * @defaultValue `DEFAULT_MESSAGE_LIMITS`
   */
  readonly limits?: MessageLimits;
  /**
   * Where reconnects and failed background commands are logged.
   * @defaultValue `noopLogger`
   */
  readonly logger?: Logger;
  /**
   * The clock dead-letter expiry is checked against; give the mesh's own.
   * Redelivery timing is Redis's own (idle time), so it always runs on
   * real time.
   * @defaultValue `systemClock`
   */
  readonly clock?: MeshClock;
}

/**
 * Options of `redisMesh`: every mesh option (visibility timeout, maximum
 * deliveries, presence TTL and heartbeat, dead-letter TTL and cap,
 * backpressure, limits...) plus the Redis connection.
 */
export interface RedisMeshOptions extends MeshOptions, RedisConnectionOptions {}
