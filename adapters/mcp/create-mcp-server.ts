import type { Server as SdkServer } from '@modelcontextprotocol/sdk/server/index.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  CallToolRequestSchema,
  ListToolsRequestSchema,
  type Tool as SdkTool,
} from '@modelcontextprotocol/sdk/types.js';
import {
  type Logger,
  McpError,
  noopLogger,
  type Principal,
  type Tool,
  type ToolRegistry,
} from 'skreaver';
import { type CallDeps, callTool } from './_call-tool.js';
import { integerOption, invalidOption, stringOption } from './_options.js';
import { unref } from './_timers.js';
import { definitionOf, type McpToolDefinition } from './_tool-mapping.js';
import { MCP_SERVER_DEFAULTS, type McpServerOptions, type McpSessionOptions } from './options.js';

/** One connected client. */
export interface McpSession {
  /** The SDK server speaking to this client (one per connection, as the SDK requires). */
  readonly server: SdkServer;
  /** Settles when the connection closes, from either side. */
  readonly closed: Promise<void>;
  /** Closes the connection; calls in flight are aborted. */
  close(): Promise<void>;
}

/**
 * Serves a tool registry over MCP: `tools/list` publishes every registered
 * tool, `tools/call` runs through `registry.dispatch`. Connect it to
 * transports with `connect`, `serveStdio` or `createMcpHttpHandler`.
 */
export interface SkreaverMcpServer {
  /** The registry served. */
  readonly registry: ToolRegistry;
  /** Clients connected right now. */
  readonly sessions: number;
  /**
   * Serves one client over an SDK transport (an `InMemoryTransport`, a
   * WebSocket transport, ...); resolves once the transport started.
   * @throws `McpError` `mcp_unavailable` after `close()`.
   */
  connect(transport: Transport, options?: McpSessionOptions): Promise<McpSession>;
  /** What `tools/list` answers now (a change found here is announced to clients too). */
  listTools(): McpToolDefinition[];
  /**
   * Compares the registry's tools with what clients were given and, when
   * they differ, sends `notifications/tools/list_changed` to every client.
   * Returns whether they differed.
   */
  notifyToolsChanged(): boolean;
  /** Closes every connection and stops polling; the registry stays open (it is yours). Idempotent. */
  close(): Promise<void>;
}

/** What the HTTP handler needs beyond the public interface. */
export interface McpServerInternals {
  open(transport: Transport, options: InternalSessionOptions): Promise<InternalSession>;
}

/** Options of an internal session. */
export interface InternalSessionOptions {
  readonly principal?: Principal;
}

/** A session with what the HTTP handler needs to know. */
export interface InternalSession extends McpSession {
  /** Calls running now. */
  readonly running: number;
}

const INTERNALS = Symbol('skreaver.mcp.server');

/** The internals of a server made by `createMcpServer`. */
export function internalsOf(server: SkreaverMcpServer): McpServerInternals {
  const internals = (server as { [INTERNALS]?: McpServerInternals })[INTERNALS];
  if (internals === undefined) {
    throw invalidOption('server', server, 'a server made by createMcpServer');
  }
  return internals;
}

function sameTools(a: readonly Tool[], b: readonly Tool[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

type Timer = ReturnType<typeof setInterval>;

/**
 * Creates an MCP server for a tool registry. Every registered tool is
 * published with its own description and JSON Schema (an input schema that
 * is not `type: 'object'` is published wrapped as `{ input: <schema> }`,
 * since MCP arguments are always an object, and unwrapped on call).
 * `tools/call` goes through `registry.dispatch`, so input validation,
 * policy hooks, RBAC, timeouts, concurrency limits and metrics apply as for
 * any caller. A failed call answers an MCP tool error (`isError: true`)
 * whose text is `[code] message` and whose `_meta['skreaver/error']` holds
 * the code, message, data and skreaver cause. A client's cancellation
 * aborts the tool's signal; a client that asks for progress gets the
 * reports of `reportProgress`. Changes to the registry reach clients as
 * `notifications/tools/list_changed` (see `pollToolsMs`).
 *
 * @throws `ValidationError` `invalid_options` for a bad option.
 * @example
 * ```ts
 * const registry = registerStandardTools(createToolRegistry());
 * const mcp = createMcpServer(registry, { name: 'my-tools', version: '1.0.0' });
 * await serveStdio(mcp); // or: createMcpHttpHandler(mcp) for Streamable HTTP
 * ```
 */
export function createMcpServer(
  registry: ToolRegistry,
  options: McpServerOptions = {},
): SkreaverMcpServer {
  if (
    typeof registry !== 'object' ||
    registry === null ||
    typeof registry.dispatch !== 'function'
  ) {
    throw invalidOption('registry', registry, 'a ToolRegistry');
  }
  const info = {
    name: stringOption('name', options.name, MCP_SERVER_DEFAULTS.name),
    version: stringOption('version', options.version, MCP_SERVER_DEFAULTS.version),
  };
  const instructions = options.instructions;
  if (instructions !== undefined && typeof instructions !== 'string') {
    throw invalidOption('instructions', instructions, 'a string');
  }
  const pollMs = integerOption(
    'pollToolsMs',
    options.pollToolsMs,
    MCP_SERVER_DEFAULTS.pollToolsMs,
    0,
  );
  const timeout = options.toolTimeoutMs;
  if (
    timeout !== undefined &&
    typeof timeout !== 'function' &&
    (typeof timeout !== 'number' || Number.isNaN(timeout))
  ) {
    throw invalidOption('toolTimeoutMs', timeout, 'a number of milliseconds or a function');
  }
  const logger: Logger = options.logger ?? noopLogger;
  if (typeof logger?.warn !== 'function' || typeof logger.debug !== 'function') {
    throw invalidOption('logger', logger, 'a Logger');
  }

  const definitions = new WeakMap<Tool, McpToolDefinition>();
  const sessions = new Set<SdkServer>();
  let published: Tool[] = registry.list();
  let publishedDefs: McpToolDefinition[] = published.map((tool) => definitionOf(tool, definitions));
  let poll: Timer | undefined;
  let closed = false;

  /** Takes the registry's current list; true when it differs from what was published. */
  const sync = (): boolean => {
    const now = registry.list();
    if (sameTools(now, published)) return false;
    published = now;
    publishedDefs = now.map((tool) => definitionOf(tool, definitions));
    return true;
  };

  const broadcast = (): void => {
    for (const server of sessions) {
      server.sendToolListChanged().catch((error: unknown) => {
        logger.debug('MCP list_changed not delivered', { error: String(error) });
      });
    }
  };

  const check = (): boolean => {
    const changed = sync();
    if (changed) broadcast();
    return changed;
  };

  const startPolling = (): void => {
    if (poll !== undefined || pollMs === 0 || closed) return;
    poll = setInterval(check, pollMs);
    unref(poll);
  };
  const stopPolling = (): void => {
    if (poll === undefined) return;
    clearInterval(poll);
    poll = undefined;
  };

  const calls: CallDeps = { registry, logger, timeout };

  const open = async (
    transport: Transport,
    sessionOptions: InternalSessionOptions,
  ): Promise<InternalSession> => {
    if (closed)
      throw new McpError('mcp_unavailable', 'The MCP server is closed; create a new one.');
    const server = new Server(info, {
      capabilities: { tools: { listChanged: true } },
      ...(instructions === undefined ? {} : { instructions }),
      debouncedNotificationMethods: ['notifications/tools/list_changed'],
    });
    const sessionPrincipal = sessionOptions.principal;
    let running = 0;

    server.setRequestHandler(ListToolsRequestSchema, () => {
      if (sync()) broadcast();
      return { tools: publishedDefs as unknown as SdkTool[] };
    });

    server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
      running++;
      try {
        return await callTool(calls, request.params, extra, sessionPrincipal);
      } finally {
        running--;
      }
    });

    let resolveClosed: () => void = () => {};
    const whenClosed = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    server.onerror = (error: Error) => {
      logger.warn('MCP transport or protocol error', { error: error.message });
    };
    server.onclose = () => {
      sessions.delete(server);
      if (sessions.size === 0) stopPolling();
      resolveClosed();
    };
    sessions.add(server);
    startPolling();
    try {
      await server.connect(transport);
    } catch (error) {
      sessions.delete(server);
      if (sessions.size === 0) stopPolling();
      throw new McpError('mcp_unavailable', `The MCP transport did not start: ${String(error)}`, {
        cause: error,
      });
    }
    return {
      server,
      closed: whenClosed,
      get running() {
        return running;
      },
      async close() {
        await server.close();
        await whenClosed;
      },
    };
  };

  const mcp: SkreaverMcpServer & { [INTERNALS]: McpServerInternals } = {
    registry,
    get sessions() {
      return sessions.size;
    },
    async connect(transport, sessionOptions = {}) {
      const session = await open(
        transport,
        sessionOptions.principal === undefined ? {} : { principal: sessionOptions.principal },
      );
      return { server: session.server, closed: session.closed, close: () => session.close() };
    },
    listTools() {
      check();
      return [...publishedDefs];
    },
    notifyToolsChanged: check,
    async close() {
      closed = true;
      stopPolling();
      await Promise.allSettled([...sessions].map((server) => server.close()));
    },
    [INTERNALS]: { open },
  };
  return mcp;
}
