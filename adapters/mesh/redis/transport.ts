import { type Cluster, Redis, type RedisOptions } from 'ioredis';
import {
  type AgentId,
  encodeMessage,
  type MeshTransport,
  newMessageId,
  type TransportChannel,
} from 'skreaver';
import { connectRedis } from '../../_shared/redis-connect.js';
import { Channels } from './_channels.js';
import { MailboxConsumer } from './_consumer.js';
import { redisDeadLetterStore } from './_dead-letters.js';
import { EnqueueBatcher } from './_enqueue.js';
import { toMeshError, transportClosed } from './_errors.js';
import { readChannelFrame, readReplyFrame } from './_frames.js';
import { redisPresence } from './_presence.js';
import { type Client, isCluster, resolveSettings, type Settings } from './_settings.js';
import { CONSUMER_GROUP, type RedisMeshKeys, redisMeshKeys } from './keys.js';
import type { RedisMeshTransportOptions } from './options.js';

/** The transport {@link redisMeshTransport} returns. */
export interface RedisMeshTransport extends MeshTransport {
  /** The key and channel names it uses. */
  readonly keys: RedisMeshKeys;
  /** The ioredis client for commands: yours when you passed `client`. */
  readonly client: Redis | Cluster;
}

/**
 * The Redis Streams transport alone, for `createMesh` (`redisMesh` is the
 * usual entry point). Connects before it resolves.
 *
 * @throws `ValidationError` `invalid_options` for bad options; `MeshError` `mesh_unavailable` when Redis cannot be reached.
 * @example
 * ```ts
 * const transport = await redisMeshTransport({ url: 'redis://127.0.0.1:6379/0' });
 * const mesh = createMesh({ transport, visibilityTimeoutMs: 10_000 });
 * ```
 */
export async function redisMeshTransport(
  options: RedisMeshTransportOptions = {},
): Promise<RedisMeshTransport> {
  const settings = resolveSettings(options);
  const owned = settings.client === undefined;
  const client: Client = settings.client ?? new Redis(settings.url, settings.redisOptions);
  const lastError = await connectRedis(client, owned, (error, last) =>
    toMeshError(error, 'connect', last),
  );
  return buildTransport(settings, client, owned, lastError);
}

function buildTransport(
  settings: Settings,
  client: Client,
  owned: boolean,
  lastError: () => Error | undefined,
): RedisMeshTransport {
  const keys = redisMeshKeys(settings.prefix, settings.hashTag);
  // One consumer name per transport: a node restarted is a new consumer,
  // and takes over what the old one left pending.
  const consumerName = `node-${newMessageId()}`;
  const consumers = new Map<AgentId, MailboxConsumer>();
  const duplicates = new Set<Client>();
  let subscriber: Promise<Client> | undefined;
  let closed = false;

  function assertOpen(): void {
    if (closed) throw transportClosed();
  }

  function fail(error: unknown, operation: string): unknown {
    return closed ? transportClosed() : toMeshError(error, operation, lastError());
  }

  /** A connection of the transport's own, with `overrides` on the client's options. */
  function duplicate(overrides: Record<string, unknown>): Client {
    // Casts: ioredis types its option bags with exactOptionalPropertyTypes gaps.
    const dup = isCluster(client)
      ? client.duplicate([], {
          redisOptions: { ...client.options.redisOptions, ...overrides },
          lazyConnect: true,
        } as Parameters<Cluster['duplicate']>[1])
      : client.duplicate({ ...overrides, lazyConnect: true } as RedisOptions);
    duplicates.add(dup);
    dup.on('error', () => {});
    dup.once('end', () => duplicates.delete(dup));
    return dup;
  }

  const pageSize = settings.readBatchSize;
  const sends = new EnqueueBatcher(client, settings.sendBatchSize, (error) =>
    fail(error, 'enqueue'),
  );
  const deadLetters = redisDeadLetterStore({
    client,
    keys,
    pageSize,
    now: () => settings.clock.now(),
    assertOpen,
    fail,
  });
  const presence = redisPresence({ client, keys, pageSize, assertOpen, fail });
  const channels = new Channels({
    subscriber() {
      subscriber ??= (async () => {
        // RESP2 (a connection in subscriber mode): pushes decode faster than with RESP3.
        const sub = duplicate({
          protocol: 2,
          replyMapping: 'legacy',
          enableAutoPipelining: false,
        });
        try {
          await sub.connect();
        } catch (error) {
          // The next subscribe tries a new connection.
          sub.disconnect();
          subscriber = undefined;
          throw error;
        }
        return sub;
      })();
      return subscriber;
    },
    logger: settings.logger,
    fail,
  });
  const { limits } = settings;
  const readReply = (frame: string) => readReplyFrame(frame, limits);

  const host = {
    client,
    group: CONSUMER_GROUP,
    consumerName,
    deadLetters,
    limits: settings.limits,
    logger: settings.logger,
    readBatchSize: settings.readBatchSize,
    blockMs: settings.blockMs,
    reclaimIntervalMs: settings.reclaimIntervalMs,
    maxReconnectDelayMs: settings.maxReconnectDelayMs,
    closeTimeoutMs: settings.closeTimeoutMs,
    readTimeoutMs: settings.blockMs + settings.commandTimeoutMs,
    openReader: () =>
      duplicate({
        // A reader waits for Redis to come back instead of failing its read.
        maxRetriesPerRequest: null,
        // No command timeout: its timer per command (four a request/reply
        // round trip) costs more than it brings here, and a timed-out read
        // was retried on the same connection anyway. The consumer's watchdog
        // remakes a connection whose read goes unanswered past blockMs plus
        // commandTimeoutMs; ack waits have their own limit (AckQueue.settled).
        commandTimeout: undefined,
        enableOfflineQueue: true,
        enableAutoPipelining: false,
        // Stream reads decode faster with RESP2; the reader needs nothing of RESP3.
        protocol: 2,
        replyMapping: 'legacy',
      }),
    fail,
  };

  function channelName(channel: TransportChannel): string {
    return channel.kind === 'topic' ? keys.topic(channel.topic) : keys.broadcast;
  }

  async function quit(connection: Client): Promise<void> {
    if (connection.status !== 'ready') {
      connection.disconnect();
      return;
    }
    // Resolve only once the socket is gone, so no handle outlives close().
    const ended = new Promise((resolve) => connection.once('end', resolve));
    const timer = setTimeout(() => connection.disconnect(), settings.closeTimeoutMs);
    try {
      await connection.quit();
    } catch {
      connection.disconnect();
    }
    await ended;
    clearTimeout(timer);
  }

  return {
    name: 'redis',
    keys,
    client,

    enqueue(message, maxDepth) {
      try {
        assertOpen();
        return sends.enqueue(keys.mailbox(message.to), encodeMessage(message), maxDepth);
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async depth(agent) {
      assertOpen();
      try {
        // Acks this node sent on a reader connection land before the count.
        await consumers.get(agent)?.acks.settled(settings.commandTimeoutMs);
        return await client.xlen(keys.mailbox(agent));
      } catch (error) {
        throw fail(error, 'depth');
      }
    },

    async consume(agent, consumeOptions) {
      assertOpen();
      // Presence makes this the only node for the agent; a consumer still
      // here belongs to a membership that lost its presence, and is replaced.
      await consumers.get(agent)?.close();
      const consumer = new MailboxConsumer(
        host,
        agent,
        keys.mailbox(agent),
        keys.failures(agent),
        consumeOptions,
      );
      await consumer.start();
      consumers.set(agent, consumer);
      return {
        async close() {
          if (consumers.get(agent) === consumer) consumers.delete(agent);
          await consumer.close();
        },
      };
    },

    async publish(channel, message) {
      assertOpen();
      try {
        await client.publish(channelName(channel), encodeMessage(message));
      } catch (error) {
        throw fail(error, 'publish');
      }
    },

    async subscribe(channel, listener) {
      assertOpen();
      return channels.subscribe(
        channelName(channel),
        (frame) => readChannelFrame(frame, channel, limits),
        listener,
      );
    },

    sendReply(node, reply, via) {
      try {
        assertOpen();
        const channel = keys.replies(node);
        const frame = encodeMessage(reply);
        // Through the answering agent's outbox, the reply leaves in the same
        // write as its ack and next read; otherwise on the command connection.
        const consumer = via === undefined ? undefined : consumers.get(via);
        if (consumer !== undefined) consumer.acks.reply(channel, frame);
        else {
          client.publish(channel, frame).then(undefined, (error: unknown) => {
            // At most once: the request ends with its own mesh_timeout.
            settings.logger.debug('A mesh reply was lost.', { node, error });
          });
        }
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    },

    async listenReplies(node, listener) {
      assertOpen();
      return channels.subscribe(keys.replies(node), readReply, listener);
    },

    presence,
    deadLetters,

    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...consumers.values()].map((consumer) => consumer.close()));
      consumers.clear();
      channels.clear();
      const connections = [...duplicates];
      if (owned) connections.push(client);
      await Promise.all(connections.map(quit));
    },
  };
}
