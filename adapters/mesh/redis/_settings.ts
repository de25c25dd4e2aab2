import type { RedisOptions } from 'ioredis';
import {
  type Logger,
  type MeshClock,
  type MessageLimits,
  noopLogger,
  systemClock,
  type ValidationError,
} from 'skreaver';
import {
  invalidOption,
  isCluster,
  type RedisClient,
  resolveRedisTarget,
} from '../../_shared/redis-options.js';
import type { RedisMeshTransportOptions } from './options.js';

/** A client the transport talks to: a standalone connection or a cluster. */
export type Client = RedisClient;

/** The options after validation, with every default filled in. */
export interface Settings {
  readonly url: string;
  readonly client: Client | undefined;
  readonly prefix: string;
  readonly hashTag: boolean;
  readonly readBatchSize: number;
  readonly sendBatchSize: number;
  readonly blockMs: number;
  /** Undefined: half the visibility timeout of each consumer. */
  readonly reclaimIntervalMs: number | undefined;
  readonly commandTimeoutMs: number;
  readonly maxReconnectDelayMs: number;
  readonly closeTimeoutMs: number;
  readonly limits: MessageLimits | undefined;
  readonly logger: Logger;
  readonly clock: MeshClock;
  /** What `new Redis(url, ...)` gets when the transport creates the client. */
  readonly redisOptions: RedisOptions & { readonly replyMapping: 'legacy' };
}

export const DEFAULT_URL = 'redis://127.0.0.1:6379/0';
export const DEFAULT_PREFIX = 'skreaver:';

/** Options that shape a client the transport creates, and so make no sense with `client`. */
const CLIENT_SHAPING = [
  'url',
  'connectTimeoutMs',
  'commandTimeoutMs',
  'maxRetriesPerRequest',
  'maxReconnectDelayMs',
  'redisOptions',
] as const;

function invalid(message: string, data: Record<string, unknown>): ValidationError {
  return invalidOption('redisMesh', message, data);
}

function count(
  options: RedisMeshTransportOptions,
  name: keyof RedisMeshTransportOptions,
  fallback: number,
  min: number,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${name} must be an integer >= ${min}, got ${String(value)}.`, {
      option: name,
      value,
    });
  }
  return value;
}

/**
 * Validates the options and fills in the defaults.
 *
 * @throws `ValidationError` `invalid_options`.
 */
export function resolveSettings(options: RedisMeshTransportOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options must be an object.', {});
  }
  const { client, url, prefix, hashTag } = resolveRedisTarget(options, {
    owner: 'redisMesh',
    clientShaping: CLIENT_SHAPING,
    clusterReason:
      'a mailbox and the dead-letter queue must share a slot for the scripts that move entries between them',
    defaultUrl: DEFAULT_URL,
    defaultPrefix: DEFAULT_PREFIX,
  });
  if (
    options.redisOptions !== undefined &&
    (typeof options.redisOptions !== 'object' || options.redisOptions === null)
  ) {
    throw invalid('redisOptions must be an object of ioredis options.', { option: 'redisOptions' });
  }
  const maxReconnectDelayMs = count(options, 'maxReconnectDelayMs', 2000, 1);
  const commandTimeoutMs = count(options, 'commandTimeoutMs', 10_000, 1);
  const redisOptions = {
    connectTimeout: count(options, 'connectTimeoutMs', 5000, 1),
    commandTimeout: commandTimeoutMs,
    maxRetriesPerRequest: count(options, 'maxRetriesPerRequest', 1, 0),
    retryStrategy: (times: number) =>
      Math.min(50 * 2 ** Math.min(times - 1, 20), maxReconnectDelayMs),
    // RESP2 replies decode faster in ioredis, and the adapter needs nothing of RESP3.
    protocol: 2 as const,
    ...(options.redisOptions ?? {}),
    // The factory connects explicitly, to report an unreachable server.
    lazyConnect: true,
    // Replies in the shapes this adapter reads (stream reads as arrays).
    replyMapping: 'legacy' as const,
  };
  const reclaimIntervalMs =
    options.reclaimIntervalMs === undefined ? undefined : count(options, 'reclaimIntervalMs', 0, 1);
  return {
    url,
    client,
    prefix,
    hashTag,
    readBatchSize: count(options, 'readBatchSize', 100, 1),
    sendBatchSize: count(options, 'sendBatchSize', 100, 1),
    blockMs: count(options, 'blockMs', 1000, 1),
    reclaimIntervalMs,
    commandTimeoutMs,
    maxReconnectDelayMs,
    closeTimeoutMs: count(options, 'closeTimeoutMs', 5000, 1),
    limits: options.limits,
    logger: options.logger ?? noopLogger,
    clock: options.clock ?? systemClock,
    redisOptions,
  };
}

export { isCluster };
