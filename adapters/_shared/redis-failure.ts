import { isUnavailable } from './redis-availability.js';

/** A failure from ioredis, described once for every Redis adapter. */
export interface RedisFailure {
  /** Whether Redis is unreachable or briefly unable to serve (retry later), rather than refusing. */
  readonly unavailable: boolean;
  /** The failure's own message. */
  readonly detail: string;
  /** What the adapters put in their error's `data`. */
  readonly data: { readonly operation: string; readonly connectionError?: string };
}

/** Describes `error` from `operation`; `connectionError` is the client's last connection error. */
export function describeRedisFailure(
  error: unknown,
  operation: string,
  connectionError?: Error,
): RedisFailure {
  return {
    unavailable: isUnavailable(error),
    detail: error instanceof Error ? error.message : String(error),
    data:
      connectionError === undefined
        ? { operation }
        : { operation, connectionError: connectionError.message },
  };
}

/** The message of an unavailable failure: what failed, why, and that a write may have happened. */
export function unavailableMessage(failure: RedisFailure, subject: string): string {
  const { detail, data } = failure;
  const why = data.connectionError === undefined ? detail : `${detail}; ${data.connectionError}`;
  return `Redis is unavailable (${why}); ${subject} did not complete (a write may or may not have been applied). Retry once Redis is reachable.`;
}
