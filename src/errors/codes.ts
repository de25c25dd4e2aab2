/**
 * Every stable error code skreaver produces, grouped by the error family that
 * carries it. Codes never change meaning once released; new cases get new
 * codes. The pin test in `test/errors/codes.test.ts` lists them all.
 */
export const ERROR_CODES = {
  validation: [
    /** An identifier (tool name, memory key, agent id) broke its rules. */
    'invalid_identifier',
    /** A value did not match the schema it was checked against. */
    'invalid_input',
    /** A collection that must hold at least one element was empty. */
    'empty_collection',
    /** `finish()` was called on a NonEmptyQueue that still held more than one element; nothing was removed. */
    'queue_not_drained',
    /** An options object passed to a factory was out of range. */
    'invalid_options',
  ],
  tool: [
    /** No tool is registered under the called name. */
    'tool_not_found',
    /** A tool with the same name is already registered. */
    'tool_duplicate',
    /** The call's input did not match the tool's schema or validator. */
    'tool_invalid_input',
    /** The tool threw, rejected, or returned a failure. */
    'tool_failed',
    /** The tool did not finish within its per-call timeout. */
    'tool_timeout',
    /** The caller aborted the call through its `AbortSignal`. */
    'tool_aborted',
    /** A policy hook refused the call. */
    'tool_denied',
    /** Too many calls are already waiting for this tool. */
    'tool_overloaded',
    /** The tool returned a value that is not JSON-serialisable. */
    'tool_invalid_output',
    /** The registry was closed and accepts no more calls. */
    'registry_closed',
  ],
  memory: [
    /** The backend failed to read or write. */
    'memory_io',
    /** The backend is unreachable or refuses service for now; retry later. */
    'memory_unavailable',
    /** The memory was closed and accepts no more operations. */
    'memory_closed',
    /** The operation needs a capability this backend does not declare. */
    'memory_unsupported',
    /** A snapshot was not valid JSON, had the wrong shape, or held invalid keys. */
    'snapshot_invalid',
    /** A value or batch exceeded a configured size limit. */
    'memory_limit_exceeded',
  ],
  transaction: [
    /** The transaction body threw; nothing it wrote was kept. */
    'transaction_failed',
    /** The transaction was aborted explicitly; nothing it wrote was kept. */
    'transaction_aborted',
    /** A concurrent writer changed keys the transaction relied on. */
    'transaction_conflict',
  ],
  agent: [
    /** An agent method (observe, callTools, handleResult, act, ...) threw. */
    'agent_failed',
  ],
  coordinator: [
    /** The agent still asked for tools after `maxRounds` rounds. */
    'max_rounds_exceeded',
    /** The agent asked for more tool calls in one round than `maxCallsPerRound`. */
    'max_calls_exceeded',
    /** Too many steps are already queued for this agent. */
    'agent_busy',
    /** The step did not finish within its deadline. */
    'step_timeout',
    /** The caller aborted the step through its `AbortSignal`. */
    'step_aborted',
    /** The coordinator was closed and runs no more steps. */
    'coordinator_closed',
    /** No agent is registered under the given id. */
    'agent_not_found',
    /** An agent with the same id is already registered. */
    'agent_duplicate',
  ],
  security: [
    /** A security policy (object or file) broke its rules; `data.problems` lists every one with its path. */
    'policy_invalid',
    /** A file path is outside the allowed roots or matches a deny pattern. */
    'path_denied',
    /** A URL is not allowed: scheme, domain, port, userinfo or a private/reserved address. */
    'url_denied',
    /** The input holds a secret (API key, token, private key, ...) and the policy rejects secrets. */
    'secret_detected',
    /** An input or output exceeded the policy's size cap. */
    'size_limit_exceeded',
    /** A resource limit (concurrency, memory pressure) refused the call; retry later. */
    'resource_exhausted',
    /** Emergency lockdown is active for this tool. */
    'lockdown_active',
    /** The caller's principal lacks the permission or tool access the call needs. */
    'permission_denied',
  ],
  auth: [
    /** The request carried no credentials where they are required. */
    'auth_required',
    /** The credentials were malformed, unknown, or did not verify. */
    'auth_invalid',
    /** The token or API key has expired. */
    'auth_expired',
    /** The token or API key was revoked. */
    'auth_revoked',
    /** The token is not valid yet (`nbf` in the future). */
    'token_not_yet_valid',
    /** A token claim (`iss`, `aud`, `typ`, `jti`) did not match what the verifier expects. */
    'token_claim_invalid',
    /** The principal already holds the maximum number of API keys. */
    'api_key_limit',
    /** The credential vault has no usable encryption key. */
    'vault_key_missing',
    /** A vault entry failed to decrypt: wrong key, tampered data, or a different entry name. */
    'vault_decrypt_failed',
  ],
  mesh: [
    /** A mesh message failed validation (missing fields, unknown version, malformed JSON). */
    'message_invalid',
    /** A message payload exceeded the transport's size cap. */
    'message_too_large',
    /** The target mailbox is at the critical backpressure level. */
    'backpressure',
    /** A request got no reply, or a pattern step did not finish, within its timeout. */
    'mesh_timeout',
    /** The transport is unreachable; the operation may be retried. */
    'mesh_unavailable',
    /** The mesh was closed and accepts no more operations. */
    'mesh_closed',
    /** A broadcast/gather did not reach its quorum. */
    'quorum_not_reached',
    /** A pipeline stage or supervised task failed after its retries. */
    'delivery_failed',
    /** A dead-letter queue entry was not found. */
    'dead_letter_not_found',
  ],
  mcp: [
    /** The MCP server is unreachable, gone, or not initialised; the call may be retried once it is back. */
    'mcp_unavailable',
    /** An MCP request (connect, initialize, tools/call) did not answer within its timeout. */
    'mcp_timeout',
    /** The peer broke the MCP protocol (malformed JSON-RPC, unexpected result shape). */
    'mcp_protocol',
  ],
  /**
   * Failures of an HTTP request itself rather than of an agent, a tool or a
   * credential; `skreaver/http` answers them with its `HttpProblem`.
   */
  http: [
    /** No route has this path. */
    'route_not_found',
    /** The path exists but not with this method; the `Allow` header lists those that do. */
    'method_not_allowed',
    /** The body is not `application/json` (or a `+json` type). */
    'unsupported_media_type',
    /** A per-IP, per-principal or global rate limit is used up; see `Retry-After`. */
    'rate_limited',
    /** The response was not ready within the request's time limit; its work was aborted. */
    'request_timeout',
    /** The client did not send the whole request (headers or body) in time. */
    'client_timeout',
    /** The request's header section is larger than the server accepts. */
    'headers_too_large',
    /** The server is shutting down and takes no new work. */
    'shutting_down',
    /** An unexpected failure; the message says nothing more, the server log has the cause. */
    'internal_error',
  ],
} as const;

/** Names of the error families. */
export type ErrorFamily = keyof typeof ERROR_CODES;

/** Codes carried by {@link ValidationError}. */
export type ValidationErrorCode = (typeof ERROR_CODES.validation)[number];
/** Codes carried by {@link ToolError}. */
export type ToolErrorCode = (typeof ERROR_CODES.tool)[number];
/** Codes carried by {@link MemoryError}. */
export type MemoryErrorCode = (typeof ERROR_CODES.memory)[number];
/** Codes carried by {@link TransactionError}. */
export type TransactionErrorCode = (typeof ERROR_CODES.transaction)[number];
/** Codes carried by {@link AgentError}. */
export type AgentErrorCode = (typeof ERROR_CODES.agent)[number];
/** Codes carried by {@link CoordinatorError}. */
export type CoordinatorErrorCode = (typeof ERROR_CODES.coordinator)[number];

/** Codes carried by {@link SecurityError}. */
export type SecurityErrorCode = (typeof ERROR_CODES.security)[number];
/** Codes carried by {@link AuthError}. */
export type AuthErrorCode = (typeof ERROR_CODES.auth)[number];
/** Codes carried by {@link MeshError}. */
export type MeshErrorCode = (typeof ERROR_CODES.mesh)[number];

/** Codes carried by {@link McpError}. */
export type McpErrorCode = (typeof ERROR_CODES.mcp)[number];

/** Every stable error code, as a union of string literals. */
export type ErrorCode = (typeof ERROR_CODES)[ErrorFamily][number];
