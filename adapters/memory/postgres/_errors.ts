import { isSkreaverError, MemoryError, type SkreaverError } from 'skreaver';

/** The `data` of the errors this adapter maps from PostgreSQL failures. */
export interface PostgresErrorData {
  /** What the memory was doing (`load`, `store`, `commit`, ...). */
  readonly operation: string;
  /** The SQLSTATE, or the Node error code (`ECONNREFUSED`), when there is one. */
  readonly nativeCode?: string;
}

// Node socket errors: the server is down, unreachable or dropped us.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

// node-postgres reports these without a code.
const UNAVAILABLE_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'is not queryable',
  'Client was closed',
];

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether the failure is a serialization failure or deadlock (retrying may succeed). */
export function isSerializationFailure(error: unknown): boolean {
  const code = codeOf(error);
  return code === '40001' || code === '40P01';
}

/**
 * Whether the failure means the server is unreachable or refused service for
 * now: connection errors (SQLSTATE class 08), shutdown or termination of our
 * backend (57P01-57P03, `pg_terminate_backend`), a cancelled statement
 * (57014), insufficient resources (class 53), socket errors and
 * node-postgres's connection timeouts.
 */
export function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code !== undefined) {
    if (NETWORK_CODES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) {
      return (
        code.startsWith('08') ||
        code.startsWith('53') ||
        code === '57P01' ||
        code === '57P02' ||
        code === '57P03' ||
        code === '57014'
      );
    }
  }
  const message = error instanceof Error ? error.message : '';
  return UNAVAILABLE_MESSAGES.some((text) => message.includes(text));
}

/**
 * Turns a failure from node-postgres into a `MemoryError` with the original
 * on `cause`: `memory_unavailable` (retryable) when the server is unreachable
 * or refused service, `memory_limit_exceeded` for class 54 (program limit
 * exceeded), `memory_io` for everything else. Skreaver errors pass through.
 * Serialization failures outside a transaction (a plain write that deadlocked
 * with a commit) are `memory_unavailable`: retrying succeeds.
 */
export function toMemoryError(error: unknown, operation: string): SkreaverError {
  if (isSkreaverError(error)) return error;
  const nativeCode = codeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  const data: PostgresErrorData =
    nativeCode === undefined ? { operation } : { operation, nativeCode };
  if (isUnavailable(error) || isSerializationFailure(error)) {
    return new MemoryError<PostgresErrorData>(
      'memory_unavailable',
      `PostgreSQL is unreachable or refused the ${operation} (${detail}). Retry later; a write cut off mid-way may or may not have been applied.`,
      { data, cause: error },
    );
  }
  if (nativeCode?.startsWith('54')) {
    return new MemoryError<PostgresErrorData>(
      'memory_limit_exceeded',
      `PostgreSQL refused the ${operation}: a server limit was exceeded (${detail}). Store less at once.`,
      { data, cause: error },
    );
  }
  return new MemoryError<PostgresErrorData>(
    'memory_io',
    `PostgreSQL failed the ${operation} (${detail}).`,
    { data, cause: error },
  );
}
