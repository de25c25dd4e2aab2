import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { McpError } from 'skreaver';
import { integerOption } from './_options.js';
import type { McpSession, SkreaverMcpServer } from './create-mcp-server.js';
import type { McpSessionOptions } from './options.js';

/** The readable side `serveStdio` listens to (a Node `Readable`, such as `process.stdin`). */
export interface StdioInput {
  /** Listens for input chunks. */
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  /** Listens for read errors. */
  on(event: 'error', listener: (error: Error) => void): unknown;
  /** Listens for the end of input. */
  on(event: 'end' | 'close', listener: () => void): unknown;
  /** Stops listening for the end of input. */
  off(event: 'end' | 'close', listener: () => void): unknown;
  /** How many listeners an event has. */
  listenerCount(event: string): number;
  /** Stops reading (when the session ends). */
  pause(): unknown;
}

/** The writable side `serveStdio` answers on (a Node `Writable`, such as `process.stdout`). */
export interface StdioOutput {
  /** Writes a chunk; false asks the writer to wait for `drain`. */
  write(chunk: string): boolean;
  /** Listens once for `drain`. */
  once(event: 'drain', listener: () => void): unknown;
  /** Listens for write errors. */
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Defaults of {@link ServeStdioOptions}. */
export const SERVE_STDIO_DEFAULTS = Object.freeze({ maxMessageBytes: 4 * 1024 * 1024 });

/** Options of {@link serveStdio}. */
export interface ServeStdioOptions extends McpSessionOptions {
  /** Where messages come from. @defaultValue `process.stdin` */
  readonly stdin?: StdioInput;
  /** Where answers go; nothing else may write to it. @defaultValue `process.stdout` */
  readonly stdout?: StdioOutput;
  /**
   * Largest message accepted, in bytes. A line that grows past it cannot be
   * framed any more, so the SDK's transport closes the connection (and
   * `closed` settles); keep it above the largest argument you accept.
   * @defaultValue 4194304 (4 MiB)
   */
  readonly maxMessageBytes?: number;
}

function processStream<K extends 'stdin' | 'stdout'>(name: K): unknown {
  return (globalThis as { process?: Record<K, unknown> }).process?.[name];
}

/** A JSON-RPC error without an id: the answer to a line that was not a request at all. */
function rejectLine(error: Error): JSONRPCMessage | undefined {
  if (error instanceof SyntaxError) {
    return { jsonrpc: '2.0', error: { code: -32700, message: `Parse error: ${error.message}` } };
  }
  if (error.name === 'ZodError') {
    return {
      jsonrpc: '2.0',
      error: { code: -32600, message: 'Invalid Request: not a JSON-RPC 2.0 message' },
    };
  }
  return undefined;
}

/**
 * Serves `server` to one client over stdio: JSON-RPC lines on stdin,
 * answers on stdout (so nothing else may write to stdout; log to stderr).
 * A line that is not JSON gets a `-32700` parse error, a JSON value that is
 * not JSON-RPC a `-32600`, and the connection goes on. When stdin ends the
 * session closes and calls in flight are aborted. Needs Node (or a runtime
 * with Node streams): the SDK's stdio transport is loaded on first use.
 *
 * @throws `ValidationError` `invalid_options` for a bad option;
 *   `McpError` `mcp_unavailable` when there is no stdin/stdout or the SDK's
 *   stdio transport cannot be loaded.
 * @example
 * ```ts
 * const session = await serveStdio(createMcpServer(registry));
 * await session.closed; // the client went away
 * await registry.close();
 * ```
 */
export async function serveStdio(
  server: SkreaverMcpServer,
  options: ServeStdioOptions = {},
): Promise<McpSession> {
  const maxMessageBytes = integerOption(
    'maxMessageBytes',
    options.maxMessageBytes,
    SERVE_STDIO_DEFAULTS.maxMessageBytes,
    1024,
  );
  const stdin = (options.stdin ?? processStream('stdin')) as StdioInput | undefined;
  const stdout = (options.stdout ?? processStream('stdout')) as StdioOutput | undefined;
  if (stdin === undefined || stdout === undefined) {
    throw new McpError(
      'mcp_unavailable',
      'serveStdio needs stdin and stdout (pass them as options).',
      {
        data: { reason: 'no_stdio' },
      },
    );
  }
  let Transport: typeof import('@modelcontextprotocol/sdk/server/stdio.js').StdioServerTransport;
  try {
    ({ StdioServerTransport: Transport } = await import(
      '@modelcontextprotocol/sdk/server/stdio.js'
    ));
  } catch (error) {
    throw new McpError(
      'mcp_unavailable',
      `The SDK's stdio transport could not be loaded (it needs Node): ${String(error)}`,
      { cause: error, data: { reason: 'unsupported_runtime' } },
    );
  }
  const transport = new Transport(stdin as never, stdout as never, {
    maxBufferSize: maxMessageBytes,
  });
  // Set before connecting: the SDK keeps a transport's own handler and calls it first.
  transport.onerror = (error: Error) => {
    const answer = rejectLine(error);
    if (answer !== undefined) transport.send(answer).catch(() => {});
  };
  const session = await server.connect(
    transport,
    options.principal === undefined ? {} : { principal: options.principal },
  );
  const end = (): void => {
    void session.close();
  };
  stdin.on('end', end);
  stdin.on('close', end);
  stdout.on('error', end);
  void session.closed.then(() => {
    stdin.off('end', end);
    stdin.off('close', end);
  });
  return session;
}
