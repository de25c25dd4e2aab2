import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isSkreaverError, McpError, type Tool } from 'skreaver';
import { Bridge } from './_bridge.js';
import { bridgeSettings } from './_bridge-settings.js';
import type { ConnectMcpOptions, McpBridgeHealth, McpCallOptions } from './bridge-options.js';

/** A connection to an external MCP server whose tools are skreaver tools. */
export interface McpBridge {
  /** The bridge's `name`. */
  readonly name: string;
  /** The bridged tools, named `prefix__tool` (a fresh array each read). */
  readonly tools: readonly Tool[];
  /** Where the connection is, what failed last, how many tools; never throws. */
  health(): McpBridgeHealth;
  /**
   * Calls a tool by its name on the server, bypassing the registry (no
   * policy, no RBAC): for tests and diagnostics.
   * @throws `McpError` `mcp_unavailable`, `mcp_timeout` or `mcp_protocol`;
   *   `ToolError` `tool_invalid_input` or `tool_failed` when the server answered
   *   with a JSON-RPC error.
   */
  call(
    tool: string,
    args?: Record<string, unknown>,
    options?: McpCallOptions,
  ): Promise<CallToolResult>;
  /**
   * Lists the server's tools again and updates the registry (done by itself
   * on `notifications/tools/list_changed` and after every reconnect). On
   * failure the current tools stay.
   * @throws `McpError` when the list cannot be fetched.
   */
  refresh(): Promise<void>;
  /**
   * Drops the connection (if any) and connects again now.
   * @throws `McpError` when that attempt fails (the bridge is then `failed`).
   */
  reconnect(): Promise<void>;
  /** Stops the server (stdio), unregisters its tools and stops every timer. Idempotent. */
  close(): Promise<void>;
}

/**
 * Connects to an external MCP server, started as a child process over stdio
 * (`command`, `args`, `env`) or reached over Streamable HTTP (`url`,
 * `headers`), and bridges its tools as skreaver tools named
 * `prefix__tool`, registered in `registry` so they pass through the same
 * validation, policy, RBAC and timeouts as local tools.
 *
 * Resilience: the first connection must succeed within `connectTimeoutMs`
 * (else the promise rejects and the child is stopped); a call times out
 * after `callTimeoutMs` without an answer or progress; a lost server is
 * reconnected with exponential backoff and jitter (`reconnect`), and its
 * tools refreshed; a health ping notices a hung server; the server's
 * `list_changed` refreshes the tools. Failure is loud: while the server is
 * gone the tools stay registered and their calls fail with `tool_failed`
 * whose `cause` is an `McpError` `mcp_unavailable`, and `health()` says so.
 *
 * @throws `ValidationError` `invalid_options` for bad options; `McpError`
 *   `mcp_timeout` (no answer to initialize in time), `mcp_protocol` (the
 *   server wrote things that are not JSON-RPC) or `mcp_unavailable` (it
 *   could not be started or reached, or exited).
 * @example
 * ```ts
 * const registry = createToolRegistry({ policies: [guard.hook] });
 * const files = await connectMcp({
 *   name: 'files', registry,
 *   command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/srv/data'],
 * });
 * await registry.dispatch({ name: 'files__read_file', input: { path: '/srv/data/a.txt' } });
 * console.log(files.health().state); // 'connected'
 * await files.close();
 * ```
 */
export async function connectMcp(options: ConnectMcpOptions): Promise<McpBridge> {
  const settings = bridgeSettings(options);
  const bridge = new Bridge(settings);
  try {
    await bridge.start();
  } catch (error) {
    await bridge.close();
    if (isSkreaverError(error)) throw error;
    throw new McpError(
      'mcp_unavailable',
      `Could not connect to MCP server '${settings.server}': ${String(error)}`,
      {
        cause: error,
        data: { server: settings.server },
      },
    );
  }
  return {
    name: settings.server,
    get tools() {
      return [...bridge.entries.values()].map((entry) => entry.tool);
    },
    health: () => bridge.health(),
    call: (tool, args = {}, callOptions = {}) => bridge.call(tool, args, callOptions),
    refresh: () => bridge.refresh(),
    reconnect: () => bridge.reconnect(),
    close: () => bridge.close(),
  };
}
