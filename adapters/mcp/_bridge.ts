import type { CallToolResult, Tool as SdkTool } from '@modelcontextprotocol/sdk/types.js';
import { isSkreaverError, type SkreaverError } from 'skreaver';
import { backoffDelay } from './_backoff.js';
import type { BridgeSettings } from './_bridge-settings.js';
import { bridgedTool } from './_bridged-tool.js';
import { type Link, type LinkHooks, openLink } from './_client-link.js';
import { type FailureContext, fromSdkError, unavailable } from './_errors.js';
import { type BridgedEntry, reconcileTools } from './_reconcile.js';
import { unref } from './_timers.js';
import type {
  McpBridgeHealth,
  McpBridgeState,
  McpCallOptions,
  McpSkippedTool,
} from './bridge-options.js';

/** The state machine behind a bridge: connection, reconnects, ping, tools. */
export class Bridge {
  state: McpBridgeState = 'connecting';
  link: Link | undefined;
  entries = new Map<string, BridgedEntry>();
  skipped: McpSkippedTool[] = [];
  attempts = 0;
  lastError: SkreaverError | undefined;
  lastPingMs: number | undefined;
  connectedAt: number | undefined;
  protocolErrors = 0;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  pingTimer: ReturnType<typeof setInterval> | undefined;
  pinging = false;
  connecting: Promise<void> | undefined;
  refreshing: Promise<void> | undefined;
  refreshAgain = false;
  closing: Promise<void> | undefined;
  readonly hooks: LinkHooks;

  constructor(readonly s: BridgeSettings) {
    this.hooks = {
      lost: (link) => this.lost(link),
      protocolError: (error) => {
        this.protocolErrors++;
        this.s.logger.warn('MCP server sent a message that is not JSON-RPC', {
          server: this.s.server,
          error: error.message,
        });
      },
      toolsChanged: (link) => {
        if (link === this.link) this.refresh().catch(() => {});
      },
    };
  }

  /** A method, so TypeScript does not narrow `state` across awaits. */
  closed(): boolean {
    return this.state === 'closed';
  }

  context(tool?: string): FailureContext {
    const link = this.link;
    const base = { server: this.s.server, stderr: () => link?.stderr() };
    return tool === undefined ? base : { ...base, tool, timeoutMs: this.s.callTimeoutMs };
  }

  async start(): Promise<void> {
    await this.connectOnce();
    if (this.s.pingIntervalMs > 0) {
      this.pingTimer = setInterval(() => this.tick(), this.s.pingIntervalMs);
      unref(this.pingTimer);
    }
  }

  /** Opens a link and adopts it; concurrent callers share one attempt. */
  connectOnce(): Promise<void> {
    this.connecting ??= (async () => {
      const link = await openLink(this.s, this.hooks);
      try {
        const tools = await link.listTools(this.s.connectTimeoutMs);
        if (this.state === 'closed')
          throw unavailable(this.context(), 'the bridge was closed.', 'closed');
        this.reconcile(tools);
      } catch (error) {
        await link.close();
        throw fromSdkError(error, this.context());
      }
      this.link = link;
      this.state = 'connected';
      this.connectedAt = Date.now();
      this.attempts = 0;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  lost(link: Link): void {
    if (link !== this.link || this.state === 'closed') return;
    // Made before the link is dropped, so the error carries the child's last stderr.
    this.lastError = unavailable(this.context(), 'the connection closed.', 'connection_closed');
    this.link = undefined;
    this.s.logger.warn('MCP server connection lost', { server: this.s.server });
    this.beginOutage();
  }

  /** Drops a link that failed a call or a ping. */
  drop(link: Link): void {
    if (link !== this.link) return;
    this.link = undefined;
    void link.close();
    this.beginOutage();
  }

  beginOutage(): void {
    if (this.state === 'closed') return;
    this.connectedAt = undefined;
    this.attempts = 0;
    if (this.s.reconnect.maxAttempts === 0) {
      this.state = 'failed';
      return;
    }
    this.state = 'reconnecting';
    this.schedule(1);
  }

  schedule(attempt: number): void {
    const delay = backoffDelay(attempt, this.s.reconnect, this.s.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.attempt(attempt);
    }, delay);
    unref(this.retryTimer);
  }

  async attempt(attempt: number): Promise<void> {
    if (this.state === 'closed' || this.link !== undefined) return;
    this.attempts = attempt;
    try {
      await this.connectOnce();
      this.s.logger.info('MCP server reconnected', { server: this.s.server, attempt });
    } catch (error) {
      if (this.closed()) return;
      this.lastError = isSkreaverError(error)
        ? error
        : unavailable(this.context(), String(error), 'reconnect_failed', error);
      if (attempt < this.s.reconnect.maxAttempts) {
        this.schedule(attempt + 1);
      } else {
        this.state = 'failed';
        this.s.logger.error('MCP server unreachable; calls fail until it is back', {
          server: this.s.server,
          attempts: attempt,
          error: this.lastError.message,
        });
      }
    }
  }

  /** From `failed`, starts a new round of attempts (a call or the ping noticed). */
  revive(): void {
    if (this.state !== 'failed' || this.s.reconnect.maxAttempts === 0) return;
    this.state = 'reconnecting';
    void this.attempt(1);
  }

  tick(): void {
    if (this.state === 'failed') {
      this.revive();
      return;
    }
    const link = this.link;
    if (this.state !== 'connected' || link === undefined || this.pinging) return;
    this.pinging = true;
    const started = performance.now();
    link.client
      .ping({ timeout: this.s.pingTimeoutMs })
      .then(
        () => {
          this.lastPingMs = performance.now() - started;
        },
        (error: unknown) => {
          if (link !== this.link) return;
          this.lastError = fromSdkError(error, {
            ...this.context(),
            timeoutMs: this.s.pingTimeoutMs,
          });
          this.s.logger.warn('MCP server failed the health ping; reconnecting', {
            server: this.s.server,
            error: this.lastError.message,
          });
          this.drop(link);
        },
      )
      .finally(() => {
        this.pinging = false;
      });
  }

  reconcile(list: readonly SdkTool[]): void {
    const { entries, skipped } = reconcileTools(this.entries, list, {
      prefix: this.s.prefix,
      registry: this.s.registry,
      make: (name, upstream) =>
        bridgedTool(name, upstream, {
          server: this.s.server,
          call: (tool, args, options) => this.call(tool, args, options),
          mapResult: this.s.mapResult,
        }),
    });
    for (const skip of skipped) {
      this.s.logger.warn('MCP tool not bridged', { server: this.s.server, ...skip });
    }
    if (this.entries.size > 0 && entries.size === 0) {
      this.s.logger.warn('MCP server now lists no tools', { server: this.s.server });
    }
    this.entries = entries;
    this.skipped = skipped;
  }

  async call(
    upstream: string,
    args: Record<string, unknown>,
    options: McpCallOptions,
  ): Promise<CallToolResult> {
    const context = this.context(upstream);
    if (this.state === 'closed') throw unavailable(context, 'the bridge is closed.', 'closed');
    const link = this.link;
    if (link === undefined || this.state !== 'connected') {
      const failed = this.state === 'failed';
      this.revive();
      throw unavailable(
        context,
        failed
          ? `reconnecting failed ${this.attempts} time(s); trying again in the background.`
          : 'it is reconnecting; retry shortly.',
        failed ? 'failed' : 'reconnecting',
        this.lastError,
      );
    }
    const signal = options.signal;
    try {
      const result = await link.client.callTool({ name: upstream, arguments: args }, undefined, {
        timeout: this.s.callTimeoutMs,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: this.s.maxCallTimeoutMs,
        // Always given, so the server gets a progress token and its progress resets the timeout.
        onprogress: (progress) => options.onProgress?.(progress),
        ...(signal === undefined ? {} : { signal }),
      });
      return result as CallToolResult;
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      const mapped = fromSdkError(error, context);
      if (mapped.code === 'mcp_unavailable' && link === this.link) {
        this.lastError = mapped;
        this.drop(link);
      }
      throw mapped;
    }
  }

  refresh(): Promise<void> {
    if (this.refreshing !== undefined) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        const link = this.link;
        if (link === undefined) {
          throw unavailable(this.context(), `it is ${this.state}.`, this.state);
        }
        try {
          const tools = await link.listTools(this.s.connectTimeoutMs);
          if (link === this.link) this.reconcile(tools);
        } catch (error) {
          const mapped = fromSdkError(error, this.context());
          this.lastError = mapped;
          this.s.logger.warn('MCP tool list refresh failed; keeping the current tools', {
            server: this.s.server,
            error: mapped.message,
          });
          throw mapped;
        }
      } while (this.refreshAgain);
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  async reconnect(): Promise<void> {
    if (this.state === 'closed')
      throw unavailable(this.context(), 'the bridge is closed.', 'closed');
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const link = this.link;
    this.link = undefined;
    await link?.close();
    this.state = 'reconnecting';
    try {
      await this.connectOnce();
    } catch (error) {
      if (!this.closed()) this.state = 'failed';
      this.lastError = isSkreaverError(error)
        ? error
        : unavailable(this.context(), String(error), 'reconnect_failed', error);
      throw this.lastError;
    }
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      this.state = 'closed';
      if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
      if (this.pingTimer !== undefined) clearInterval(this.pingTimer);
      this.retryTimer = undefined;
      this.pingTimer = undefined;
      const registry = this.s.registry;
      if (registry !== undefined) {
        for (const [name, entry] of this.entries) {
          if (registry.get(name) === entry.tool) registry.unregister(name);
        }
      }
      this.entries = new Map();
      const link = this.link;
      this.link = undefined;
      await Promise.allSettled([link?.close(), this.connecting]);
    })();
    return this.closing;
  }

  health(): McpBridgeHealth {
    const link = this.link;
    const health: { -readonly [K in keyof McpBridgeHealth]: McpBridgeHealth[K] } = {
      server: this.s.server,
      state: this.state,
      healthy: this.state === 'connected',
      tools: this.entries.size,
      skipped: [...this.skipped],
      reconnectAttempts: this.attempts,
      protocolErrors: this.protocolErrors,
    };
    if (this.connectedAt !== undefined) health.connectedAt = this.connectedAt;
    if (this.lastPingMs !== undefined) health.lastPingMs = this.lastPingMs;
    if (this.lastError !== undefined) health.lastError = this.lastError;
    const pid = link?.pid;
    if (pid !== undefined) health.pid = pid;
    if (link?.serverInfo !== undefined) health.serverInfo = link.serverInfo;
    return health;
  }
}
