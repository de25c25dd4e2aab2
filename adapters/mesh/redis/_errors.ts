import { isSkreaverError, MeshError } from 'skreaver';
import { describeRedisFailure, unavailableMessage } from '../../_shared/redis-failure.js';

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
  const failure = describeRedisFailure(error, operation, connectionError);
  const data: RedisMeshFailureData = {
    ...failure.data,
    reason: failure.unavailable ? 'unreachable' : 'redis_error',
  };
  const message = failure.unavailable
    ? unavailableMessage(failure, `the mesh ${operation}`)
    : `Redis refused the mesh ${operation}: ${failure.detail}`;
  return new MeshError<RedisMeshFailureData>('mesh_unavailable', message, { data, cause: error });
}

/** The error transport calls reject with after `close()`. */
export function transportClosed(): MeshError {
  return new MeshError(
    'mesh_closed',
    'This Redis mesh transport is closed; create a new one to keep working.',
  );
}
