import type { Logger, Principal } from 'skreaver';

/** Defaults of {@link McpServerOptions}. */
export const MCP_SERVER_DEFAULTS = Object.freeze({
  name: 'skreaver',
  version: '0.0.0',
  pollToolsMs: 1000,
});

/** Options of `createMcpServer`. */
export interface McpServerOptions {
  /**
   * The server name clients see in `initialize` (`serverInfo.name`).
   * @defaultValue 'skreaver'
   */
  readonly name?: string;
  /**
   * The server version clients see in `initialize` (`serverInfo.version`).
   * @defaultValue '0.0.0'
   */
  readonly version?: string;
  /**
   * Instructions for the model, sent in the `initialize` result.
   * @defaultValue none
   */
  readonly instructions?: string;
  /**
   * The per-call timeout given to `registry.dispatch` (its `timeoutMs`), as
   * a number of milliseconds or per tool name (return `undefined` for the
   * registry's own timeout). The CLI passes each tool's timeout from the
   * security policy here.
   * @defaultValue the registry's timeout
   */
  readonly toolTimeoutMs?: number | ((tool: string) => number | undefined);
  /**
   * How often, in milliseconds, the registry's tool list is compared with
   * what clients were given, while at least one client is connected; a
   * difference sends `notifications/tools/list_changed` to every client.
   * The registry has no change events, so this is how a tool registered
   * later (or a bridged server's new tools) reaches clients. 0 turns polling
   * off; `notifyToolsChanged()` and every `tools/list` still compare.
   * @defaultValue 1000
   */
  readonly pollToolsMs?: number;
  /**
   * Where the server reports transport and protocol errors (warn level).
   * Also the logger tools receive in calls whose client asked for progress:
   * the progress channel rides on the dispatch context's logger, which
   * replaces the registry's logger for that call.
   * @defaultValue a no-op logger
   */
  readonly logger?: Logger;
}

/** Options of `SkreaverMcpServer.connect` and `serveStdio`. */
export interface McpSessionOptions {
  /**
   * The caller every call of this connection runs as (policy hooks and RBAC
   * see it). Over HTTP each request's own principal wins.
   * @defaultValue none: anonymous
   */
  readonly principal?: Principal;
}
