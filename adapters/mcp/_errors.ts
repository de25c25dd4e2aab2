import { ErrorCode, McpError as SdkMcpError } from '@modelcontextprotocol/sdk/types.js';
import { isSkreaverError, McpError, type SkreaverError, ToolError } from 'skreaver';

/** `data` of the `McpError`s a bridge throws. */
export interface McpBridgeErrorData {
  /** The bridge's name. */
  readonly server: string;
  /** The upstream tool, for call failures. */
  readonly tool?: string;
  /** Finer reason. */
  readonly reason?: string;
  /** The timeout that expired, in ms. */
  readonly timeoutMs?: number;
  /** The last lines the child wrote to stderr, when it was piped. */
  readonly stderr?: string;
  /** The JSON-RPC error code the server answered. */
  readonly rpcCode?: number;
}

/** Where a failure happened, for messages. */
export interface FailureContext {
  readonly server: string;
  readonly tool?: string;
  readonly timeoutMs?: number;
  readonly stderr?: () => string | undefined;
}

function dataOf(context: FailureContext, extra: Partial<McpBridgeErrorData>): McpBridgeErrorData {
  const data: { -readonly [K in keyof McpBridgeErrorData]: McpBridgeErrorData[K] } = {
    server: context.server,
    ...extra,
  };
  if (context.tool !== undefined) data.tool = context.tool;
  const stderr = context.stderr?.();
  if (stderr !== undefined && stderr !== '') data.stderr = stderr;
  return data;
}

function what(context: FailureContext): string {
  return context.tool === undefined
    ? `MCP server '${context.server}'`
    : `tool '${context.tool}' of MCP server '${context.server}'`;
}

/** The server is gone or not connected. */
export function unavailable(
  context: FailureContext,
  detail: string,
  reason: string,
  cause?: unknown,
): McpError<McpBridgeErrorData> {
  return new McpError<McpBridgeErrorData>(
    'mcp_unavailable',
    `The ${what(context)} is unavailable: ${detail}`,
    cause === undefined
      ? { data: dataOf(context, { reason }) }
      : { data: dataOf(context, { reason }), cause },
  );
}

/** Whether an error says the transport broke (as opposed to the server answering). */
export function isTransportFailure(error: unknown): boolean {
  if (error instanceof SdkMcpError) return error.code === ErrorCode.ConnectionClosed;
  if (isSkreaverError(error)) return false;
  return !(error instanceof Error && error.name === 'ZodError');
}

/**
 * Turns whatever the SDK threw into a skreaver error: a closed connection
 * or a transport failure is `mcp_unavailable`, a timeout `mcp_timeout`, a
 * reply that is not valid MCP `mcp_protocol`; a JSON-RPC error the server
 * answered is the tool's failure (`tool_invalid_input` for invalid params,
 * else `tool_failed`), which the registry passes on unchanged.
 */
export function fromSdkError(error: unknown, context: FailureContext): SkreaverError {
  if (isSkreaverError(error)) return error;
  if (error instanceof SdkMcpError) {
    const rpcCode = error.code;
    if (rpcCode === ErrorCode.ConnectionClosed) {
      return unavailable(context, 'the connection closed.', 'connection_closed', error);
    }
    if (rpcCode === ErrorCode.RequestTimeout) {
      const timeoutMs = context.timeoutMs;
      return new McpError<McpBridgeErrorData>(
        'mcp_timeout',
        `The ${what(context)} did not answer in time${timeoutMs === undefined ? '' : ` (${timeoutMs} ms without an answer or progress)`}.`,
        {
          data: dataOf(context, timeoutMs === undefined ? { rpcCode } : { rpcCode, timeoutMs }),
          cause: error,
        },
      );
    }
    const data = { ...dataOf(context, { rpcCode }), tool: context.tool ?? '' };
    if (rpcCode === ErrorCode.InvalidParams) {
      return new ToolError(
        'tool_invalid_input',
        `The ${what(context)} refused the input: ${error.message}`,
        {
          data: { ...data, issues: [{ path: '', message: error.message }] },
          cause: error,
        },
      );
    }
    return new ToolError('tool_failed', `The ${what(context)} failed: ${error.message}`, {
      data,
      cause: error,
    });
  }
  if (error instanceof Error && error.name === 'ZodError') {
    return new McpError<McpBridgeErrorData>(
      'mcp_protocol',
      `The ${what(context)} sent a reply that is not valid MCP.`,
      { data: dataOf(context, { reason: 'invalid_result' }), cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return unavailable(context, message, 'transport_failed', error);
}
