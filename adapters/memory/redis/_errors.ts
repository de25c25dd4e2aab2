import { isSkreaverError, MemoryError } from 'skreaver';
import { describeRedisFailure, unavailableMessage } from '../../_shared/redis-failure.js';

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
  const failure = describeRedisFailure(error, operation, connectionError);
  const data: RedisFailureData = failure.data;
  if (failure.unavailable) {
    return new MemoryError<RedisFailureData>(
      'memory_unavailable',
      unavailableMessage(failure, operation),
      { data, cause: error },
    );
  }
  return new MemoryError<RedisFailureData>(
    'memory_io',
    `Redis failed during ${operation}: ${failure.detail}`,
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
