import type { Logger } from 'skreaver';

/** Options of `serve`. */
export interface ServeOptions {
  /** The port; 0 picks a free one (see `HttpServer.port`). @defaultValue 3000 */
  readonly port?: number;
  /** The address to listen on; `0.0.0.0` or `::` for every interface. @defaultValue '127.0.0.1' */
  readonly host?: string;
  /**
   * On shutdown, how long requests in flight (streams included) may take to
   * finish before their connections are cut, in ms.
   * @defaultValue 10000
   */
  readonly shutdownTimeoutMs?: number;
  /**
   * Signals that start a graceful shutdown; `false` installs no handler
   * (call `shutdown()` yourself).
   * @defaultValue ['SIGTERM', 'SIGINT']
   */
  readonly signals?: readonly NodeJS.Signals[] | false;
  /**
   * After a shutdown a signal started, end the process with `process.exit`
   * (0, or 1 when closing failed) instead of waiting for the event loop.
   * @defaultValue true
   */
  readonly exitOnSignal?: boolean;
  /** Open TCP connections at most; more are dropped by Node. @defaultValue 10000 */
  readonly maxConnections?: number;
  /** Time a client has to send the request headers, in ms (slow-header defence). @defaultValue 10000 */
  readonly headersTimeoutMs?: number;
  /**
   * Node's backstop for receiving a whole request, in ms; the runtime's own
   * deadline (`limits.requestTimeoutMs`) normally answers first.
   * @defaultValue 120000
   */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, in ms. @defaultValue 5000 */
  readonly keepAliveTimeoutMs?: number;
  /** Largest request header section, in bytes; larger gets 431 `headers_too_large`. @defaultValue 16384 */
  readonly maxHeaderBytes?: number;
  /** Where listening, shutdown and client errors are logged. @defaultValue a no-op logger */
  readonly logger?: Logger;
}
