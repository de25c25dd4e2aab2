import { isSkreaverError, MemoryError } from 'skreaver';
import { isUnavailable } from '../../_shared/redis-availability.js';

/** The `data` of the `memory_unavailable` and `memory_io` errors this adapter throws. */
export interface RedisFailureData {
  /** The memory operation that failed (`load`, `store`, `transaction`, ...). */
  readonly operation: string;
  /** The last connection error the client reported, when there is one (`connect ECONNREFUSED ...`). */
  readonly connectionError?: string;
}

/**
 * Turns a failure from ioredis into the core's codes, keeping it as `cause`:
 * unreachable or temporarily unavailable -> `memory_unavailable` (retry
 * later), anything else (a wrong key type, out of memory, a refused
 * command) -> `memory_io`. Skreaver errors pass through unchanged.
 */
export function toMemoryError(error: unknown, operation: string, connectionError?: Error): unknown {
  if (isSkreaverError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const data: RedisFailureData =
    connectionError === undefined
      ? { operation }
      : { operation, connectionError: connectionError.message };
  if (isUnavailable(error)) {
    const why = connectionError === undefined ? detail : `${detail}; ${connectionError.message}`;
    return new MemoryError<RedisFailureData>(
      'memory_unavailable',
      `Redis is unavailable (${why}); ${operation} did not complete (a write may or may not have been applied). Retry once Redis is reachable.`,
      { data, cause: error },
    );
  }
  return new MemoryError<RedisFailureData>(
    'memory_io',
    `Redis failed during ${operation}: ${detail}`,
    { data, cause: error },
  );
}

/** The error operations reject with after `close()`. */
export function closedError(): MemoryError {
  return new MemoryError(
    'memory_closed',
    'This Redis memory is closed; create a new one to keep working.',
  );
}
