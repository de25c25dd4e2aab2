/**
 * `skreaver/mcp`: the Model Context Protocol on the official TypeScript SDK
 * (`@modelcontextprotocol/sdk`, an optional peer dependency). Serve a tool
 * registry to MCP clients (`createMcpServer`, then `serveStdio` or the
 * Streamable HTTP `createMcpHttpHandler`), and use external MCP servers as
 * skreaver tools (`connectMcp`). No module here imports a Node built-in:
 * the HTTP handler and the HTTP bridge run on any runtime with Web
 * standards, and the stdio parts load the SDK's Node-only stdio transports
 * on first use.
 *
 * @packageDocumentation
 */
export type { McpBridgeErrorData } from './_errors.js';
export {
  ERROR_META_KEY,
  type McpCallResult,
  type McpErrorPayload,
  type McpToolDefinition,
} from './_tool-mapping.js';
export {
  type ConnectMcpOptions,
  MCP_BRIDGE_DEFAULTS,
  type McpBridgeHealth,
  type McpBridgeOptions,
  type McpBridgeState,
  type McpCallOptions,
  type McpHttpTarget,
  type McpReconnectOptions,
  type McpSkippedTool,
  type McpStdioTarget,
} from './bridge-options.js';
export { connectMcp, type McpBridge } from './connect-mcp.js';
export {
  createMcpServer,
  type McpSession,
  type SkreaverMcpServer,
} from './create-mcp-server.js';
export { createMcpHttpHandler, type McpHttpHandler } from './http-handler.js';
export {
  MCP_HTTP_DEFAULTS,
  type McpAuthenticate,
  type McpHttpHandlerOptions,
  type McpHttpRequestContext,
} from './http-options.js';
export { MCP_SERVER_DEFAULTS, type McpServerOptions, type McpSessionOptions } from './options.js';
export {
  type McpProgress,
  type ReportProgressOptions,
  reportProgress,
} from './progress.js';
export {
  SERVE_STDIO_DEFAULTS,
  type ServeStdioOptions,
  type StdioInput,
  type StdioOutput,
  serveStdio,
} from './serve-stdio.js';
