import type { ChainableCommander } from 'ioredis';
import { chunks } from './_keyspace.js';

/**
 * The largest expiry sent to Redis, in milliseconds: beyond it a TTL means
 * "practically never" and is clamped, where Redis would refuse the number
 * (and JavaScript would print it in exponent notation).
 */
const MAX_EXPIRE_MS = Number.MAX_SAFE_INTEGER;

/** A relative TTL as Redis takes it: a whole number of milliseconds, at least 1. */
export function pxOf(ms: number): number {
  return Math.min(Math.max(1, Math.ceil(ms)), MAX_EXPIRE_MS);
}

/** An absolute expiry (epoch ms) as Redis takes it, rounded up so it never comes back earlier. */
export function pxatOf(epochMs: number): number {
  return Math.min(Math.ceil(epochMs), MAX_EXPIRE_MS);
}

/** One write to queue: a value (with an optional expiry) or a deletion (`value: null`). */
export interface RedisWrite {
  readonly key: string;
  readonly value: string | null;
  /** Expire this many ms after the write (`SET ... PX`). */
  readonly px?: number | undefined;
  /** Expire at this epoch ms (`SET ... PXAT`). */
  readonly pxat?: number | undefined;
}

/**
 * Queues `writes` on a pipeline or MULTI: deletions as DELs and plain values
 * as MSETs of `batchSize` keys each, values with an expiry as one SET each
 * (MSET takes no expiry). Keys are distinct, or repeated only among plain
 * values, where MSET keeps the last, so the order between groups is free.
 */
export function writeEntries(
  commands: ChainableCommander,
  writes: readonly RedisWrite[],
  batchSize: number,
): void {
  const deletions: string[] = [];
  const plain: string[] = [];
  for (const { key, value, px, pxat } of writes) {
    if (value === null) deletions.push(key);
    else if (px !== undefined) commands.set(key, value, 'PX', px);
    else if (pxat !== undefined) commands.set(key, value, 'PXAT', pxat);
    else plain.push(key, value);
  }
  for (const chunk of chunks(deletions, batchSize)) commands.del(...chunk);
  for (const chunk of chunks(plain, batchSize * 2)) commands.mset(...chunk);
}

/** Throws the first error in the results of an EXEC (nil: discarded, which only WATCH causes). */
export function checkExec(
  results: [error: Error | null, result: unknown][] | null,
): [error: Error | null, result: unknown][] {
  if (results === null) throw new Error('EXEC was discarded');
  for (const [error] of results) if (error) throw error;
  return results;
}
