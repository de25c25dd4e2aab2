/*
 * How skreaver's Redis adapters (memory and mesh) tell "Redis cannot serve
 * right now, retry later" from other failures. Internal: not a public entry.
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
