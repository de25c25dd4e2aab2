import { ERROR_CODES, type ErrorCode, type ErrorFamily } from 'skreaver';

/**
 * The original's `agent_errors_total` kinds. Every skreaver error code maps
 * to one of them, so the label keeps the original's ten values.
 */
export type ErrorKind =
  | 'parse'
  | 'timeout'
  | 'auth'
  | 'tool'
  | 'memory'
  | 'network'
  | 'config'
  | 'resource'
  | 'internal'
  | 'unknown';

const FAMILY_KIND: Readonly<Record<ErrorFamily, ErrorKind>> = {
  validation: 'parse',
  tool: 'tool',
  memory: 'memory',
  transaction: 'memory',
  agent: 'internal',
  coordinator: 'internal',
  security: 'auth',
  auth: 'auth',
  mesh: 'network',
  mcp: 'network',
  http: 'network',
};

// Codes whose family default would mislead an operator reading the kind.
const CODE_KIND: Readonly<Partial<Record<ErrorCode, ErrorKind>>> = {
  invalid_options: 'config',
  empty_collection: 'internal',
  queue_not_drained: 'internal',
  tool_timeout: 'timeout',
  tool_invalid_input: 'parse',
  tool_denied: 'auth',
  tool_overloaded: 'resource',
  memory_limit_exceeded: 'resource',
  step_timeout: 'timeout',
  max_rounds_exceeded: 'resource',
  max_calls_exceeded: 'resource',
  agent_busy: 'resource',
  agent_not_found: 'config',
  agent_duplicate: 'config',
  policy_invalid: 'config',
  size_limit_exceeded: 'resource',
  resource_exhausted: 'resource',
  mesh_timeout: 'timeout',
  backpressure: 'resource',
  quorum_not_reached: 'resource',
  message_invalid: 'parse',
  message_too_large: 'parse',
  dead_letter_not_found: 'unknown',
  route_not_found: 'config',
  method_not_allowed: 'config',
  unsupported_media_type: 'parse',
  rate_limited: 'resource',
  request_timeout: 'timeout',
  client_timeout: 'timeout',
  headers_too_large: 'parse',
  shutting_down: 'resource',
  internal_error: 'internal',
};

/** Builds the code -> kind table once per recorder (no module state). */
export function errorKinds(): ReadonlyMap<string, ErrorKind> {
  const kinds = new Map<string, ErrorKind>();
  for (const family of Object.keys(ERROR_CODES) as ErrorFamily[]) {
    for (const code of ERROR_CODES[family]) {
      kinds.set(code, CODE_KIND[code] ?? FAMILY_KIND[family]);
    }
  }
  return kinds;
}
