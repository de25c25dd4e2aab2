import { describe, expect, expectTypeOf, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, type ErrorFamily } from '../../src/errors/index.js';

/*
 * Pin test: error codes are public API. Adding, renaming, moving or removing a
 * code changes the snapshot below, so the change shows up in review (and
 * needs a changeset). Never edit a released code's meaning.
 */
describe('ERROR_CODES', () => {
  it('lists every code, grouped by family', () => {
    expect(ERROR_CODES).toMatchInlineSnapshot(`
      {
        "agent": [
          "agent_failed",
        ],
        "auth": [
          "auth_required",
          "auth_invalid",
          "auth_expired",
          "auth_revoked",
          "token_not_yet_valid",
          "token_claim_invalid",
          "api_key_limit",
          "vault_key_missing",
          "vault_decrypt_failed",
        ],
        "coordinator": [
          "max_rounds_exceeded",
          "max_calls_exceeded",
          "agent_busy",
          "step_timeout",
          "step_aborted",
          "coordinator_closed",
          "agent_not_found",
          "agent_duplicate",
        ],
        "http": [
          "route_not_found",
          "method_not_allowed",
          "unsupported_media_type",
          "rate_limited",
          "request_timeout",
          "client_timeout",
          "headers_too_large",
          "shutting_down",
          "internal_error",
        ],
        "mcp": [
          "mcp_unavailable",
          "mcp_timeout",
          "mcp_protocol",
        ],
        "memory": [
          "memory_io",
          "memory_unavailable",
          "memory_closed",
          "memory_unsupported",
          "snapshot_invalid",
          "memory_limit_exceeded",
        ],
        "mesh": [
          "message_invalid",
          "message_too_large",
          "backpressure",
          "mesh_timeout",
          "mesh_unavailable",
          "mesh_closed",
          "quorum_not_reached",
          "delivery_failed",
          "dead_letter_not_found",
        ],
        "security": [
          "policy_invalid",
          "path_denied",
          "url_denied",
          "secret_detected",
          "size_limit_exceeded",
          "resource_exhausted",
          "lockdown_active",
          "permission_denied",
        ],
        "tool": [
          "tool_not_found",
          "tool_duplicate",
          "tool_invalid_input",
          "tool_failed",
          "tool_timeout",
          "tool_aborted",
          "tool_denied",
          "tool_overloaded",
          "tool_invalid_output",
          "registry_closed",
        ],
        "transaction": [
          "transaction_failed",
          "transaction_aborted",
          "transaction_conflict",
        ],
        "validation": [
          "invalid_identifier",
          "invalid_input",
          "empty_collection",
          "queue_not_drained",
          "invalid_options",
        ],
      }
    `);
  });

  it('has no code in two families and only snake_case codes', () => {
    const all = Object.values(ERROR_CODES).flat();
    expect(new Set(all).size).toBe(all.length);
    for (const code of all) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('types ErrorCode as exactly the listed codes and ErrorFamily as the families', () => {
    expectTypeOf<ErrorFamily>().toEqualTypeOf<
      | 'validation'
      | 'tool'
      | 'memory'
      | 'transaction'
      | 'agent'
      | 'coordinator'
      | 'security'
      | 'auth'
      | 'mesh'
      | 'mcp'
      | 'http'
    >();
    expectTypeOf<(typeof ERROR_CODES)[ErrorFamily][number]>().toEqualTypeOf<ErrorCode>();
    expect(Object.keys(ERROR_CODES)).toEqual([
      'validation',
      'tool',
      'memory',
      'transaction',
      'agent',
      'coordinator',
      'security',
      'auth',
      'mesh',
      'mcp',
      'http',
    ]);
  });
});
