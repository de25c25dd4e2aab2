import type { Principal } from 'skreaver';

/** Defaults of {@link McpHttpHandlerOptions}. */
export const MCP_HTTP_DEFAULTS = Object.freeze({
  maxBodyBytes: 4 * 1024 * 1024,
  maxSessions: 1000,
  sessionIdleMs: 30 * 60 * 1000,
});

/**
 * Resolves the caller of an HTTP request: a `Principal`, or `undefined`
 * when the request carries no acceptable credentials (it then gets 401).
 * Throwing refuses the request too (an `AuthError`'s code is reported).
 */
export type McpAuthenticate = (
  request: Request,
) => Principal | undefined | Promise<Principal | undefined>;

/** Options of `createMcpHttpHandler`. */
export interface McpHttpHandlerOptions {
  /**
   * Authenticates each request. Without it every request is anonymous (the
   * registry's policy hooks see no principal). Not consulted when `handle`
   * is given a principal by the caller (the HTTP runtime's `protect`).
   * @defaultValue none: anonymous
   */
  readonly authenticate?: McpAuthenticate;
  /**
   * Checks `Host` (and `Origin`, when a browser sends one) against
   * `allowedHosts` and `allowedOrigins`, refusing others with 403, so a web
   * page cannot reach a local server through DNS rebinding. Turn it off
   * only behind a proxy that checks these itself.
   * @defaultValue true
   */
  readonly dnsRebindingProtection?: boolean;
  /**
   * Host names (optionally `name:port`) the endpoint answers to. Put your
   * public name here when serving beyond loopback.
   * @defaultValue ['localhost', '127.0.0.1', '[::1]'] (any port)
   */
  readonly allowedHosts?: readonly string[];
  /**
   * Exact origins (`https://app.example.com`) browsers may call from, besides
   * the http(s) origins of `allowedHosts`.
   * @defaultValue []
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Largest POST body, in bytes; larger ones get 413 before anything is parsed.
   * @defaultValue 4194304 (4 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * Sessions (initialised clients) held at once; an `initialize` past it
   * gets 503 with `Retry-After`.
   * @defaultValue 1000
   */
  readonly maxSessions?: number;
  /**
   * A session with no request, no open stream and no running call for this
   * long, in milliseconds, is closed (its client gets 404 and initialises
   * again, as the specification says).
   * @defaultValue 1800000 (30 minutes)
   */
  readonly sessionIdleMs?: number;
  /**
   * Answer POSTs with plain JSON instead of an SSE stream. Progress
   * notifications need the stream, so they are not delivered in this mode.
   * @defaultValue false
   */
  readonly jsonResponse?: boolean;
}

/** What the caller already knows about a request. */
export interface McpHttpRequestContext {
  /**
   * The authenticated caller (from the HTTP runtime's `c.get('principal')`);
   * when this property is present, `authenticate` is not called.
   */
  readonly principal?: Principal | undefined;
}
