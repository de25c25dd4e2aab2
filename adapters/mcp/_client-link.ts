import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  type Tool as SdkTool,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { McpError, type SkreaverError } from 'skreaver';
import { type FailureContext, fromSdkError, unavailable } from './_errors.js';
import type { McpHttpTarget, McpStdioTarget } from './bridge-options.js';

/** Characters of the child's stderr kept for error messages. */
const STDERR_TAIL = 4096;

/** What opening a link needs. */
export interface LinkSettings {
  readonly server: string;
  readonly target: McpStdioTarget | McpHttpTarget;
  readonly connectTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly maxTools: number;
  readonly clientInfo: { readonly name: string; readonly version: string };
}

/** What a link tells its bridge. */
export interface LinkHooks {
  /** The connection closed without `close()` being called. */
  lost(link: Link): void;
  /** The server sent something that is not JSON-RPC. */
  protocolError(error: Error): void;
  /** The server sent `notifications/tools/list_changed`. */
  toolsChanged(link: Link): void;
}

/** One connection to the server: a client, its transport and (stdio) its child. */
export interface Link {
  readonly client: Client;
  readonly pid: number | undefined;
  readonly serverInfo: { readonly name: string; readonly version: string } | undefined;
  /** The child's last stderr output, when piped. */
  stderr(): string | undefined;
  /** Lists every tool (all pages, up to `maxTools`). */
  listTools(timeoutMs: number): Promise<SdkTool[]>;
  /** Closes the client and its transport (the child is stopped). Idempotent. */
  close(): Promise<void>;
}

type StderrStream = { on(event: 'data', listener: (chunk: unknown) => void): unknown } | null;

async function stdioTransport(
  target: McpStdioTarget,
  settings: LinkSettings,
  keepStderr: (text: string) => void,
): Promise<{ transport: Transport; pid: () => number | undefined }> {
  let Stdio: typeof import('@modelcontextprotocol/sdk/client/stdio.js').StdioClientTransport;
  try {
    ({ StdioClientTransport: Stdio } = await import('@modelcontextprotocol/sdk/client/stdio.js'));
  } catch (error) {
    throw unavailable(
      { server: settings.server },
      `the SDK's stdio transport could not be loaded (it needs Node): ${String(error)}`,
      'unsupported_runtime',
      error,
    );
  }
  const stderr = target.stderr ?? 'pipe';
  const transport = new Stdio({
    command: target.command,
    args: [...(target.args ?? [])],
    ...(target.env === undefined ? {} : { env: { ...target.env } }),
    ...(target.cwd === undefined ? {} : { cwd: target.cwd }),
    stderr,
    maxBufferSize: settings.maxMessageBytes,
  } as ConstructorParameters<typeof Stdio>[0]);
  if (stderr === 'pipe') {
    (transport.stderr as StderrStream)?.on('data', (chunk) => keepStderr(String(chunk)));
  }
  return { transport, pid: () => transport.pid ?? undefined };
}

async function httpTransport(target: McpHttpTarget): Promise<Transport> {
  const { StreamableHTTPClientTransport } = await import(
    '@modelcontextprotocol/sdk/client/streamableHttp.js'
  );
  const url = target.url instanceof URL ? target.url : new URL(target.url);
  return new StreamableHTTPClientTransport(url, {
    ...(target.headers === undefined ? {} : { requestInit: { headers: { ...target.headers } } }),
    ...(target.fetch === undefined ? {} : { fetch: target.fetch }),
    // The bridge reconnects itself; the transport's own stream retries would hide an outage.
    reconnectionOptions: {
      maxReconnectionDelay: 1000,
      initialReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
      maxRetries: 0,
    },
  });
}

/**
 * Starts (stdio) or reaches (HTTP) the server, initialises within
 * `connectTimeoutMs`, and returns the link. On failure everything it
 * started is stopped and a skreaver error is thrown: `mcp_timeout` when
 * the server did not answer in time, `mcp_protocol` when it wrote things
 * that are not JSON-RPC instead, `mcp_unavailable` when it could not be
 * started or reached, or went away.
 */
export async function openLink(settings: LinkSettings, hooks: LinkHooks): Promise<Link> {
  let tail = '';
  const keepStderr = (text: string): void => {
    tail = (tail + text).slice(-STDERR_TAIL);
  };
  const target = settings.target;
  let pid: () => number | undefined = () => undefined;
  let transport: Transport;
  if ('command' in target && typeof target.command === 'string') {
    const made = await stdioTransport(target, settings, keepStderr);
    transport = made.transport;
    pid = made.pid;
  } else {
    transport = await httpTransport(target as McpHttpTarget);
  }
  const client = new Client(
    { name: settings.clientInfo.name, version: settings.clientInfo.version },
    { capabilities: {} },
  );
  let closing = false;
  let garbage = 0;
  let link: Link | undefined;
  const context: FailureContext = {
    server: settings.server,
    timeoutMs: settings.connectTimeoutMs,
    stderr: () => tail || undefined,
  };
  client.onerror = (error: Error) => {
    if (error instanceof SyntaxError || error.name === 'ZodError') {
      garbage++;
      hooks.protocolError(error);
    }
  };
  client.onclose = () => {
    if (!closing && link !== undefined) hooks.lost(link);
  };
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    if (link !== undefined && !closing) hooks.toolsChanged(link);
  });
  const close = async (): Promise<void> => {
    if (closing) return;
    closing = true;
    await client.close().catch(() => {});
  };

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new McpError(
            'mcp_timeout',
            `MCP server '${settings.server}' did not complete initialize within ${settings.connectTimeoutMs} ms.`,
            {
              data: {
                server: settings.server,
                timeoutMs: settings.connectTimeoutMs,
                reason: 'connect',
              },
            },
          ),
        ),
      settings.connectTimeoutMs,
    );
  });
  try {
    await Promise.race([
      client.connect(transport, { timeout: settings.connectTimeoutMs }),
      deadline,
    ]);
  } catch (error) {
    await close();
    if (garbage > 0) {
      throw new McpError(
        'mcp_protocol',
        `MCP server '${settings.server}' wrote ${garbage} message(s) that are not JSON-RPC instead of answering initialize (is it logging to stdout?).`,
        { data: { server: settings.server, reason: 'not_json_rpc', stderr: tail }, cause: error },
      );
    }
    const mapped: SkreaverError = fromSdkError(error, context);
    const errno = (error as { code?: unknown } | null)?.code;
    if ('command' in target && mapped.code === 'mcp_unavailable' && typeof errno === 'string') {
      // A spawn failure (ENOENT, EACCES) says more than "unavailable".
      throw unavailable(
        context,
        `'${target.command}' could not be started (${errno}).`,
        'spawn_failed',
        error,
      );
    }
    throw mapped;
  } finally {
    clearTimeout(timer);
  }

  const version = client.getServerVersion();
  link = {
    client,
    get pid() {
      return pid();
    },
    serverInfo:
      version === undefined
        ? undefined
        : { name: String(version.name), version: String(version.version) },
    stderr: () => tail || undefined,
    async listTools(timeoutMs) {
      const tools: SdkTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor === undefined ? undefined : { cursor }, {
          timeout: timeoutMs,
        });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor !== undefined && tools.length < settings.maxTools);
      return tools.slice(0, settings.maxTools);
    },
    close,
  };
  return link;
}
