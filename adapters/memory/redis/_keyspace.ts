import type { Cluster, Redis } from 'ioredis';
import { compareMemoryKeys, safeParseMemoryKey } from 'skreaver';
import { type Client, isCluster } from './_settings.js';

/** Characters special in a SCAN MATCH glob, escaped with a backslash. */
const GLOB_SPECIAL = /[*?[\]\\]/g;

/**
 * Where one memory's keys live: every memory key `k` is the Redis key
 * `${base}${k}`, where `base` is the prefix, or `{prefix}` with a hash tag.
 */
export interface Keyspace {
  /** The Redis key of memory key `key`. */
  redisKey(key: string): string;
  /** The Redis keys of `keys`, in order. */
  redisKeys(keys: readonly string[]): string[];
  /**
   * The string keys of this memory starting with `prefix` (memory keys,
   * deduplicated, in code point order). Redis keys under the base whose
   * rest is not a valid memory key are someone else's and left out.
   */
  scan(client: Client, prefix: string): Promise<string[]>;
}

/** Builds the keyspace of a memory. */
export function keyspace(prefix: string, hashTag: boolean, scanCount: number): Keyspace {
  const base = hashTag ? `{${prefix}}` : prefix;
  const redisKey = (key: string) => base + key;

  /** The memory key inside a Redis key, when it is one of ours. */
  function own(redisKeyName: string): string | undefined {
    if (!redisKeyName.startsWith(base)) return undefined;
    const rest = redisKeyName.slice(base.length);
    const parsed = safeParseMemoryKey(rest);
    return parsed.ok && parsed.value === rest ? rest : undefined;
  }

  async function scanNode(node: Redis, pattern: string, found: Set<string>): Promise<void> {
    let cursor = '0';
    do {
      // TYPE string: lists, hashes and streams that share the prefix (a
      // mesh, say) are never listed, snapshotted or deleted by a restore.
      const [next, names] = await node.scan(
        cursor,
        'MATCH',
        pattern,
        'COUNT',
        scanCount,
        'TYPE',
        'string',
      );
      for (const name of names) {
        const key = own(name);
        if (key !== undefined) found.add(key);
      }
      cursor = next;
    } while (cursor !== '0');
  }

  return {
    redisKey,
    redisKeys: (keys) => keys.map(redisKey),
    async scan(client, prefix) {
      const pattern = `${(base + prefix).replace(GLOB_SPECIAL, '\\$&')}*`;
      const found = new Set<string>();
      if (isCluster(client)) {
        // SCAN is per node. With the hash tag all keys sit on one master,
        // but scanning every master stays right during a resharding.
        for (const node of await masters(client)) await scanNode(node, pattern, found);
      } else {
        await scanNode(client, pattern, found);
      }
      return [...found].sort(compareMemoryKeys);
    },
  };
}

async function masters(client: Cluster): Promise<Redis[]> {
  let nodes = client.nodes('master');
  if (nodes.length === 0) {
    // The cluster has not loaded its slot map yet; any command makes it.
    await client.ping();
    nodes = client.nodes('master');
  }
  return nodes;
}

/** Splits `items` into chunks of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
