import { isSkreaverError, MeshError } from 'skreaver';

/*
 * The same classification as skreaver/memory/redis, kept here because an
 * adapter never imports another adapter's internals.
 */

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
  'Command aborted due to connection close',
  'None of startup nodes is available',
  'Failed to refresh slots cache',
  "Cluster isn't ready",
];

/** Replies of a server that is up but cannot serve for now. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b/;

interface NativeError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
}

/** Whether `error` says Redis is unreachable or briefly unable to serve. */
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

/** Whether `error` is Redis saying the consumer group (or its stream) does not exist. */
export function isNoGroup(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('NOGROUP');
}

/** The `data` of the `mesh_unavailable` errors this transport throws. */
export interface RedisMeshFailureData {
  /** The transport operation that failed (`enqueue`, `consume`, `publish`, ...). */
  readonly operation: string;
  /**
   * `unreachable`: the connection is down or Redis is briefly unable to
   * serve (retry later). `redis_error`: Redis refused the command (a key of
   * the wrong type under the prefix, out of memory, a disabled command).
   */
  readonly reason: 'unreachable' | 'redis_error';
  /** The last connection error the client reported, when there is one. */
  readonly connectionError?: string;
}

/**
 * Turns a failure from ioredis into `mesh_unavailable`, keeping it as
 * `cause`; skreaver errors pass through unchanged.
 */
export function toMeshError(error: unknown, operation: string, connectionError?: Error): unknown {
  if (isSkreaverError(error)) return error;
  const detail = error instanceof Error ? error.message : String(error);
  const unreachable = isUnavailable(error);
  const base = { operation, reason: unreachable ? 'unreachable' : 'redis_error' } as const;
  const data: RedisMeshFailureData =
    connectionError === undefined ? base : { ...base, connectionError: connectionError.message };
  const message = unreachable
    ? `Redis is unavailable (${connectionError === undefined ? detail : `${detail}; ${connectionError.message}`}); the mesh ${operation} did not complete (a write may or may not have been applied). Retry once Redis is reachable.`
    : `Redis refused the mesh ${operation}: ${detail}`;
  return new MeshError<RedisMeshFailureData>('mesh_unavailable', message, { data, cause: error });
}

/** The error transport calls reject with after `close()`. */
export function transportClosed(): MeshError {
  return new MeshError(
    'mesh_closed',
    'This Redis mesh transport is closed; create a new one to keep working.',
  );
}
