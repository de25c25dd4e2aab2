import type { RedisOptions } from 'ioredis';
import type { ValidationError } from 'skreaver';
import {
  invalidOption,
  isCluster,
  type RedisClient,
  resolveRedisTarget,
} from '../../_shared/redis-options.js';
import type { RedisMemoryOptions } from './options.js';

/** A client the memory talks to: a standalone connection or a cluster. */
export type Client = RedisClient;

/** The options after validation, with every default filled in. */
export interface Settings {
  readonly url: string;
  readonly client: Client | undefined;
  readonly prefix: string;
  readonly hashTag: boolean;
  readonly maxValueBytes: number;
  readonly maxSnapshotBytes: number;
  readonly batchSize: number;
  readonly scanCount: number;
  readonly transactionPoolSize: number;
  readonly maxRestoreAttempts: number;
  readonly healthTimeoutMs: number;
  /** What `new Redis(url, ...)` gets when the memory creates the client. */
  readonly redisOptions: RedisOptions & { readonly replyMapping: 'legacy' };
}

export const DEFAULT_URL = 'redis://127.0.0.1:6379/0';
export const DEFAULT_PREFIX = 'skreaver:memory:';

/** Options that shape a client the memory creates, and so make no sense with `client`. */
const CLIENT_SHAPING = [
  'url',
  'connectTimeoutMs',
  'commandTimeoutMs',
  'maxRetriesPerRequest',
  'enableOfflineQueue',
  'maxReconnectDelayMs',
  'redisOptions',
] as const;

function invalid(message: string, data: Record<string, unknown>): ValidationError {
  return invalidOption('redisMemory', message, data);
}

function count(
  options: RedisMemoryOptions,
  name: keyof RedisMemoryOptions,
  fallback: number,
  min: number,
  allowInfinity = false,
): number {
  const value = options[name];
  if (value === undefined) return fallback;
  const ok =
    typeof value === 'number' &&
    value >= min &&
    (Number.isInteger(value) || (allowInfinity && value === Infinity));
  if (!ok) {
    throw invalid(
      `${name} must be an integer >= ${min}${allowInfinity ? ' (or Infinity)' : ''}, got ${String(value)}.`,
      { option: name, value },
    );
  }
  return value;
}

/**
 * Validates the options and fills in the defaults.
 *
 * @throws `ValidationError` `invalid_options`.
 */
export function resolveSettings(options: RedisMemoryOptions): Settings {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options must be an object.', {});
  }
  const { client, url, prefix, hashTag } = resolveRedisTarget(options, {
    owner: 'redisMemory',
    clientShaping: CLIENT_SHAPING,
    clusterReason: 'keys of one memory must share a slot for MGET, MULTI and WATCH',
    defaultUrl: DEFAULT_URL,
    defaultPrefix: DEFAULT_PREFIX,
  });
  const enableOfflineQueue = options.enableOfflineQueue ?? true;
  if (typeof enableOfflineQueue !== 'boolean') {
    throw invalid('enableOfflineQueue must be a boolean.', { option: 'enableOfflineQueue' });
  }
  const maxReconnectDelayMs = count(options, 'maxReconnectDelayMs', 2000, 1);
  if (
    options.redisOptions !== undefined &&
    (typeof options.redisOptions !== 'object' || options.redisOptions === null)
  ) {
    throw invalid('redisOptions must be an object of ioredis options.', { option: 'redisOptions' });
  }
  const redisOptions = {
    connectTimeout: count(options, 'connectTimeoutMs', 5000, 1),
    commandTimeout: count(options, 'commandTimeoutMs', 10_000, 1),
    maxRetriesPerRequest: count(options, 'maxRetriesPerRequest', 1, 0),
    enableOfflineQueue,
    retryStrategy: (times: number) =>
      Math.min(50 * 2 ** Math.min(times - 1, 20), maxReconnectDelayMs),
    ...(options.redisOptions ?? {}),
    // The factory connects explicitly, to report an unreachable server.
    lazyConnect: true,
    // Replies in the shapes this adapter reads (arrays, strings, integers).
    replyMapping: 'legacy' as const,
  };
  return {
    url,
    client,
    prefix,
    hashTag,
    maxValueBytes: count(options, 'maxValueBytes', 16 * 1024 * 1024, 1, true),
    maxSnapshotBytes: count(options, 'maxSnapshotBytes', 64 * 1024 * 1024, 1, true),
    batchSize: count(options, 'batchSize', 1000, 1),
    scanCount: count(options, 'scanCount', 1000, 1),
    transactionPoolSize: count(options, 'transactionPoolSize', 4, 0),
    maxRestoreAttempts: count(options, 'maxRestoreAttempts', 5, 1),
    healthTimeoutMs: count(options, 'healthTimeoutMs', 5000, 1),
    redisOptions,
  };
}

export { isCluster };
