import type { Cluster, Redis } from 'ioredis';
import { ValidationError, validateMemoryKey } from 'skreaver';

/*
 * The connection and key-prefix options both Redis adapters (memory and
 * mesh) take, validated one way. Internal: not a public entry.
 */

/** A client an adapter works with: a single-server Redis or a Cluster. */
export type RedisClient = Redis | Cluster;

/** Whether `client` is an ioredis Cluster (checked by shape, so any copy of ioredis works). */
export function isCluster(client: RedisClient): client is Cluster {
  return (client as { isCluster?: unknown }).isCluster === true;
}

/** The options both adapters share, as users give them. */
export interface RedisTargetOptions {
  readonly client?: RedisClient | undefined;
  readonly url?: string | undefined;
  readonly prefix?: string | undefined;
  readonly hashTag?: boolean | undefined;
}

/** How one adapter words and shapes its option checks. */
export interface RedisTargetRules {
  /** The factory's name, prefixed to every message (`redisMemory`). */
  readonly owner: string;
  /** Options that shape a client the adapter creates, refused beside `client`. */
  readonly clientShaping: readonly string[];
  /** Why a Cluster client needs `hashTag`, for the message. */
  readonly clusterReason: string;
  readonly defaultUrl: string;
  readonly defaultPrefix: string;
}

/** The validated shared options. */
export interface RedisTarget {
  readonly client: RedisClient | undefined;
  readonly url: string;
  readonly prefix: string;
  readonly hashTag: boolean;
}

/** An `invalid_options` error in the adapter's words. */
export function invalidOption(
  owner: string,
  message: string,
  data: Record<string, unknown>,
): ValidationError {
  return new ValidationError('invalid_options', `${owner}: ${message}`, { data });
}

function validatePrefix(owner: string, prefix: unknown): string {
  if (prefix === '') return '';
  if (typeof prefix !== 'string') {
    throw invalidOption(owner, `prefix must be a string, got ${typeof prefix}.`, {
      option: 'prefix',
    });
  }
  let valid: string;
  try {
    valid = validateMemoryKey(prefix);
  } catch (error) {
    throw new ValidationError(
      'invalid_options',
      `${owner}: prefix '${prefix}' must follow the memory-key rules (letters, digits, _ - . : and at most 128 bytes): ${(error as Error).message}`,
      { data: { option: 'prefix', value: prefix }, cause: error },
    );
  }
  if (valid !== prefix) {
    throw invalidOption(owner, `prefix '${prefix}' has surrounding whitespace.`, {
      option: 'prefix',
      value: prefix,
    });
  }
  return prefix;
}

/**
 * Validates `client`, `url`, `prefix` and `hashTag` and fills in defaults.
 *
 * @throws `ValidationError` `invalid_options`.
 */
export function resolveRedisTarget(
  options: RedisTargetOptions,
  rules: RedisTargetRules,
): RedisTarget {
  const { owner } = rules;
  const given = options as Readonly<Record<string, unknown>>;
  const client = options.client;
  if (client !== undefined) {
    if (typeof client !== 'object' || client === null || typeof client.duplicate !== 'function') {
      throw invalidOption(owner, 'client must be an ioredis Redis or Cluster instance.', {
        option: 'client',
      });
    }
    const clash = rules.clientShaping.filter((name) => given[name] !== undefined);
    if (clash.length > 0) {
      throw invalidOption(
        owner,
        `${clash.join(', ')} shape the client ${owner} creates and cannot be combined with client; configure your client instead.`,
        { option: clash[0] },
      );
    }
  }
  const url = options.url ?? rules.defaultUrl;
  if (typeof url !== 'string' || !/^rediss?:\/\//.test(url)) {
    throw invalidOption(owner, `url must start with redis:// or rediss://, got ${String(url)}.`, {
      option: 'url',
    });
  }
  const prefix = validatePrefix(owner, options.prefix ?? rules.defaultPrefix);
  const cluster = client !== undefined && isCluster(client);
  const hashTag = options.hashTag ?? cluster;
  if (typeof hashTag !== 'boolean') {
    throw invalidOption(owner, 'hashTag must be a boolean.', { option: 'hashTag' });
  }
  if (cluster && !hashTag) {
    throw invalidOption(owner, `a Cluster client needs hashTag (${rules.clusterReason}).`, {
      option: 'hashTag',
    });
  }
  if (hashTag && prefix === '') {
    throw invalidOption(
      owner,
      'hashTag needs a non-empty prefix (an empty hash tag {} is ignored by Redis).',
      { option: 'prefix' },
    );
  }
  return { client, url, prefix, hashTag };
}
