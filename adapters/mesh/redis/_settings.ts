import type { Cluster, Redis, RedisOptions } from 'ioredis';
import {
  type Logger,
  type MeshClock,
  type MessageLimits,
  noopLogger,
  systemClock,
  ValidationError,
  validateMemoryKey,
} from 'skreaver';
import type { RedisMeshTransportOptions } from './options.js';

/** A client the transport talks to: a standalone connection or a cluster. */
export type Client = Redis | Cluster;

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
  return new ValidationError('invalid_options', `redisMesh: ${message}`, { data });
}

/** Whether `client` is an ioredis Cluster (checked by shape, so any copy of ioredis works). */
export function isCluster(client: Client): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
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

function validatePrefix(prefix: unknown): string {
  if (prefix === '') return '';
  if (typeof prefix !== 'string') {
    throw invalid(`prefix must be a string, got ${typeof prefix}.`, { option: 'prefix' });
  }
  let valid: string;
  try {
    valid = validateMemoryKey(prefix);
  } catch (error) {
    throw new ValidationError(
      'invalid_options',
      `redisMesh: prefix '${prefix}' must follow the memory-key rules (letters, digits, _ - . : and at most 128 bytes).`,
      { data: { option: 'prefix', value: prefix }, cause: error },
    );
  }
  if (valid !== prefix) {
    throw invalid(`prefix '${prefix}' has surrounding whitespace.`, {
      option: 'prefix',
      value: prefix,
    });
  }
  return prefix;
}

function checkClient(options: RedisMeshTransportOptions): Client | undefined {
  const client = options.client;
  if (client === undefined) return undefined;
  if (typeof client !== 'object' || client === null || typeof client.duplicate !== 'function') {
    throw invalid('client must be an ioredis Redis or Cluster instance.', { option: 'client' });
  }
  const clash = CLIENT_SHAPING.filter((name) => options[name] !== undefined);
  if (clash.length > 0) {
    throw invalid(
      `${clash.join(', ')} shape the client redisMesh creates and cannot be combined with client; configure your client instead.`,
      { option: clash[0] },
    );
  }
  return client;
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
  const client = checkClient(options);
  const url = options.url ?? DEFAULT_URL;
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw invalid(`url must start with redis:// or rediss://, got ${String(url)}.`, {
      option: 'url',
    });
  }
  const prefix = validatePrefix(options.prefix ?? DEFAULT_PREFIX);
  const cluster = client !== undefined && isCluster(client);
  const hashTag = options.hashTag ?? cluster;
  if (typeof hashTag !== 'boolean') {
    throw invalid('hashTag must be a boolean.', { option: 'hashTag' });
  }
  if (cluster && !hashTag) {
    throw invalid(
      'a Cluster client needs hashTag (a mailbox and the dead-letter queue must share a slot for the scripts that move entries between them).',
      { option: 'hashTag' },
    );
  }
  if (hashTag && prefix === '') {
    throw invalid('hashTag needs a non-empty prefix (an empty hash tag {} is ignored by Redis).', {
      option: 'prefix',
    });
  }
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
