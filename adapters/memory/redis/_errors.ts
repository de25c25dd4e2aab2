import { isSkreaverError, MemoryError } from 'skreaver';

/** Socket error codes that mean "the server cannot be reached right now". */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** ioredis messages for a connection that is gone or not there yet. */
const UNREACHABLE_MESSAGES = [
  'Connection is closed',
  "Stream isn't writeable",
  'Command timed out',
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  "Cluster isn't ready",
];

/**
 * Redis replies that mean the server is up but cannot serve for now:
 * loading its data, busy with a script, failing over, or a cluster slot
 * moving. Retrying later is the right reaction to each.
 */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b/;

/** The parts of an ioredis error this module reads. */
interface NativeError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

/**
 * Whether `error` says the server is unreachable or temporarily unable to
 * serve, so the same operation may succeed later.
 */
export function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as NativeError;
  if (name === 'MaxRetriesPerRequestError' || name === 'ClusterAllFailedError') return true;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  if (typeof message !== 'string') return false;
  return (
    UNREACHABLE_MESSAGES.some((text) => message.includes(text)) || TRANSIENT_REPLY.test(message)
  );
}

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
