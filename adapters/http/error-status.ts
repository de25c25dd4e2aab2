import { ERROR_CODES, type ErrorCode } from 'skreaver';

/**
 * Codes only the HTTP layer produces: failures of the request itself rather
 * than of an agent, a tool or a credential. They are the core's `http` error
 * family (`ERROR_CODES.http`) and appear in error bodies next to the other codes.
 */
export const HTTP_ONLY_ERROR_CODES: typeof ERROR_CODES.http = ERROR_CODES.http;

/** One of {@link HTTP_ONLY_ERROR_CODES}. */
export type HttpOnlyErrorCode = (typeof ERROR_CODES.http)[number];

/** Every code an error body may carry: any `ErrorCode`, the `http` family included. */
export type HttpErrorCode = ErrorCode;

/**
 * The one table from error code to HTTP status. Every failure the runtime
 * answers goes through it, so a code always comes with the same status.
 */
export const HTTP_ERROR_STATUS: Readonly<Record<HttpErrorCode, number>> = Object.freeze({
  // validation
  invalid_identifier: 400,
  invalid_input: 400,
  empty_collection: 400,
  queue_not_drained: 500,
  invalid_options: 400,
  // tool
  tool_not_found: 404,
  tool_duplicate: 409,
  tool_invalid_input: 400,
  tool_failed: 502,
  tool_timeout: 504,
  tool_aborted: 503,
  tool_denied: 403,
  tool_overloaded: 503,
  tool_invalid_output: 502,
  registry_closed: 503,
  // memory
  memory_io: 500,
  memory_unavailable: 503,
  memory_closed: 503,
  memory_unsupported: 501,
  snapshot_invalid: 400,
  memory_limit_exceeded: 413,
  // transaction
  transaction_failed: 500,
  transaction_aborted: 409,
  transaction_conflict: 409,
  // agent
  agent_failed: 500,
  // coordinator
  max_rounds_exceeded: 500,
  max_calls_exceeded: 500,
  agent_busy: 429,
  step_timeout: 504,
  step_aborted: 503,
  coordinator_closed: 503,
  agent_not_found: 404,
  agent_duplicate: 409,
  // security
  policy_invalid: 500,
  path_denied: 403,
  url_denied: 403,
  secret_detected: 422,
  size_limit_exceeded: 413,
  resource_exhausted: 503,
  lockdown_active: 503,
  permission_denied: 403,
  // auth
  auth_required: 401,
  auth_invalid: 401,
  auth_expired: 401,
  auth_revoked: 401,
  token_not_yet_valid: 401,
  token_claim_invalid: 401,
  api_key_limit: 409,
  vault_key_missing: 500,
  vault_decrypt_failed: 500,
  // mesh
  message_invalid: 400,
  message_too_large: 413,
  backpressure: 503,
  mesh_timeout: 504,
  mesh_unavailable: 503,
  mesh_closed: 503,
  quorum_not_reached: 503,
  delivery_failed: 502,
  dead_letter_not_found: 404,
  // mcp
  mcp_unavailable: 503,
  mcp_timeout: 504,
  mcp_protocol: 502,
  // HTTP only
  route_not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  rate_limited: 429,
  request_timeout: 504,
  client_timeout: 408,
  headers_too_large: 431,
  shutting_down: 503,
  internal_error: 500,
});

/** The status for `code`, 500 for a code the table does not know. */
export function httpStatusOf(code: string): number {
  return (HTTP_ERROR_STATUS as Readonly<Record<string, number>>)[code] ?? 500;
}

/**
 * The body of every error response:
 * `{ "error": { "code", "message", "requestId", "details"? } }`.
 */
export interface HttpErrorBody {
  /** The failure. */
  readonly error: {
    /** Stable machine-readable code; the status follows from `HTTP_ERROR_STATUS`. */
    readonly code: HttpErrorCode;
    /** What went wrong and what to do, for humans. */
    readonly message: string;
    /** The request's id, also in the `X-Request-Id` response header. */
    readonly requestId: string;
    /** Structured details for some codes (schema issues, readiness components, limits). */
    readonly details?: unknown;
  };
}
