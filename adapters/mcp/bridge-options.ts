import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Logger, SkreaverError, ToolRegistry } from 'skreaver';

/** Defaults of {@link McpBridgeOptions} and {@link McpReconnectOptions}. */
export const MCP_BRIDGE_DEFAULTS = Object.freeze({
  connectTimeoutMs: 10_000,
  callTimeoutMs: 60_000,
  maxCallTimeoutMs: 600_000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 5_000,
  maxTools: 1000,
  maxMessageBytes: 4 * 1024 * 1024,
  reconnect: Object.freeze({ maxAttempts: 5, initialDelayMs: 500, maxDelayMs: 30_000 }),
});

/** How a lost connection is re-established. */
export interface McpReconnectOptions {
  /**
   * Attempts per outage; after the last one fails the bridge is `failed`
   * until a call or the health ping starts a new round.
   * @defaultValue 5
   */
  readonly maxAttempts?: number;
  /** Wait before the first attempt, in ms; each later wait doubles, with jitter. @defaultValue 500 */
  readonly initialDelayMs?: number;
  /** Longest wait between attempts, in ms. @defaultValue 30000 */
  readonly maxDelayMs?: number;
}

/** Options every bridge takes, whatever the transport. */
export interface McpBridgeOptions {
  /**
   * The server's name in skreaver: the default `prefix`, and what errors and
   * logs call it. Letters, digits, `_` and `-`.
   */
  readonly name: string;
  /**
   * Where the server's tools are registered (and unregistered when it
   * stops listing them, and on `close()`).
   * @defaultValue none: read them from `bridge.tools` and register them yourself
   */
  readonly registry?: ToolRegistry;
  /**
   * Tool names are `${prefix}__${tool}`; `''` keeps the server's own names.
   * @defaultValue `name`
   */
  readonly prefix?: string;
  /**
   * Time to start the server (or reach it), initialise and list its tools,
   * in ms; the first connection fails with `mcp_timeout` past it, as does
   * each reconnect attempt.
   * @defaultValue 10000
   */
  readonly connectTimeoutMs?: number;
  /**
   * Time a call may go without an answer or a progress notification, in ms;
   * each progress notification starts it again. Past it the call fails with
   * `mcp_timeout` and the server is told to cancel. (The registry's own
   * `timeoutMs` still caps the whole call; raise it for long tools.)
   * @defaultValue 60000
   */
  readonly callTimeoutMs?: number;
  /**
   * Longest a call may take even while it keeps reporting progress, in ms.
   * @defaultValue 600000
   */
  readonly maxCallTimeoutMs?: number;
  /**
   * Reconnection after the server went away, or `false` to stay `failed`
   * (calls fail with `mcp_unavailable` until `reconnect()`).
   * @defaultValue `{ maxAttempts: 5, initialDelayMs: 500, maxDelayMs: 30000 }`
   */
  readonly reconnect?: McpReconnectOptions | false;
  /**
   * Interval of the health ping, in ms; a ping that fails or times out
   * drops the connection and starts reconnecting, and while `failed` each
   * interval tries again. 0 turns it off.
   * @defaultValue 30000
   */
  readonly pingIntervalMs?: number;
  /** Time a ping may take, in ms. @defaultValue 5000 */
  readonly pingTimeoutMs?: number;
  /**
   * Most tools taken from the server (pages of `tools/list` stop there);
   * guards against a server that pages forever.
   * @defaultValue 1000
   */
  readonly maxTools?: number;
  /**
   * Turns a successful `tools/call` result into the tool's output.
   * @defaultValue `structuredContent` when present; else the text of a
   * single text item; else `{ content }`
   */
  readonly mapResult?: (result: CallToolResult) => unknown;
  /** Where connection changes and skipped tools are reported. @defaultValue a no-op logger */
  readonly logger?: Logger;
  /** Source of reconnect jitter, in [0, 1). @defaultValue Math.random */
  readonly random?: () => number;
  /** How the bridge introduces itself in `initialize`. @defaultValue `{ name: 'skreaver', version: '0.0.0' }` */
  readonly clientInfo?: { readonly name: string; readonly version: string };
}

/** An MCP server started as a child process and spoken to over stdio (Node). */
export interface McpStdioTarget {
  /** The program to run (`npx`, `node`, `uvx`, ...); no shell is involved. */
  readonly command: string;
  /** Its arguments. @defaultValue [] */
  readonly args?: readonly string[];
  /**
   * Environment variables, added to the SDK's small safe default set
   * (`HOME`, `PATH`, `USER`, ...); the rest of this process's environment
   * is not passed on.
   * @defaultValue none beyond the safe set
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Working directory. @defaultValue this process's */
  readonly cwd?: string;
  /**
   * The child's stderr: `pipe` keeps its last few KiB for error messages
   * (`data.stderr`), `inherit` passes it to this process's stderr.
   * @defaultValue 'pipe'
   */
  readonly stderr?: 'pipe' | 'inherit' | 'ignore';
  /**
   * Largest message (line) accepted from the child, in bytes; a child that
   * writes a longer one is treated as broken and restarted.
   * @defaultValue 4194304 (4 MiB)
   */
  readonly maxMessageBytes?: number;
  /** Not with `command`. */
  readonly url?: never;
}

/** An MCP server reached over Streamable HTTP. */
export interface McpHttpTarget {
  /** The endpoint (`https://tools.example.com/mcp`). */
  readonly url: string | URL;
  /** Headers sent with every request (`Authorization`, ...). @defaultValue none */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch to use. @defaultValue `globalThis.fetch` */
  readonly fetch?: (url: string | URL, init?: RequestInit) => Promise<Response>;
  /** Not with `url`. */
  readonly command?: never;
}

/** Options of `connectMcp`: the common options and one target. */
export type ConnectMcpOptions = McpBridgeOptions & (McpStdioTarget | McpHttpTarget);

/** Where a bridge is. */
export type McpBridgeState = 'connecting' | 'connected' | 'reconnecting' | 'failed' | 'closed';

/** An upstream tool the bridge could not register. */
export interface McpSkippedTool {
  /** Its name on the server. */
  readonly upstream: string;
  /** The name it would have had. */
  readonly name: string;
  /** Why (a name taken by another tool, a schema skreaver rejects, ...). */
  readonly reason: string;
}

/** What `bridge.health()` reports. */
export interface McpBridgeHealth {
  /** The bridge's `name`. */
  readonly server: string;
  /** Where the connection is. */
  readonly state: McpBridgeState;
  /** `state === 'connected'`: calls go through. */
  readonly healthy: boolean;
  /** Tools bridged (kept while disconnected: their calls fail with `mcp_unavailable`). */
  readonly tools: number;
  /** Upstream tools left out, and why. */
  readonly skipped: readonly McpSkippedTool[];
  /** Reconnect attempts made in the current outage. */
  readonly reconnectAttempts: number;
  /** When the current connection was made (epoch ms). */
  readonly connectedAt?: number;
  /** Round trip of the last successful ping, in ms. */
  readonly lastPingMs?: number;
  /** The last failure: connect, call transport, ping or refresh. */
  readonly lastError?: SkreaverError;
  /** Messages from the server that were not JSON-RPC (garbage on stdout, say), since the bridge started. */
  readonly protocolErrors: number;
  /** The child's process id (stdio), while it runs. */
  readonly pid?: number;
  /** What the server said it is in `initialize`. */
  readonly serverInfo?: { readonly name: string; readonly version: string };
}

/** Options of `bridge.call`. */
export interface McpCallOptions {
  /** Aborts the call (the server is sent `notifications/cancelled`). */
  readonly signal?: AbortSignal;
  /** Receives the server's progress notifications. */
  readonly onProgress?: (progress: {
    readonly progress: number;
    readonly total?: number | undefined;
    readonly message?: string | undefined;
  }) => void;
}
