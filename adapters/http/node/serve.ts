import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { noopLogger, ValidationError } from 'skreaver';
import type { HttpRuntime } from 'skreaver/http';
import { answerClientError } from './_client-errors.js';
import { ConnectionTracker } from './_connections.js';
import type { ServeOptions } from './options.js';

/** A listening server. */
export interface HttpServer {
  /** The Node server (for `server.address()`, TLS termination in front, ...). */
  readonly server: Server;
  /** The port it listens on (the real one when `port: 0`). */
  readonly port: number;
  /** The address it listens on. */
  readonly host: string;
  /** `http://host:port`. */
  readonly url: string;
  /**
   * Shuts down gracefully: stops accepting connections, answers new requests
   * on open connections with 503 `shutting_down`, lets requests in flight
   * finish (up to `shutdownTimeoutMs`, then cuts their connections), then
   * closes the runtime with its memory and mesh. Idempotent.
   */
  shutdown(): Promise<void>;
}

function check(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(
      'invalid_options',
      `serve: option '${name}' must be an integer from ${min} to ${max}, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

/**
 * Serves a runtime on Node with `@hono/node-server`, and shuts it down
 * gracefully on SIGTERM or SIGINT (exit code 0).
 *
 * @throws `ValidationError` `invalid_options` for a bad option; the listen
 *   error (`EADDRINUSE`, ...) when the port cannot be bound.
 * @example
 * ```ts
 * const runtime = createHttpRuntime({ agentTypes, auth: { tokens: jwt, apiKeys: keys } });
 * const server = await serve(runtime, { port: 8080, host: '0.0.0.0' });
 * console.log(`listening on ${server.url}`);
 * ```
 */
export async function serve(runtime: HttpRuntime, options: ServeOptions = {}): Promise<HttpServer> {
  const port = check('port', options.port, 3000, 0, 65_535);
  const host = options.host ?? '127.0.0.1';
  const shutdownTimeoutMs = check(
    'shutdownTimeoutMs',
    options.shutdownTimeoutMs,
    10_000,
    0,
    2_147_483_647,
  );
  const logger = options.logger ?? noopLogger;
  const headersTimeout = check(
    'headersTimeoutMs',
    options.headersTimeoutMs,
    10_000,
    1,
    2_147_483_647,
  );
  const server = createAdaptorServer({
    fetch: (request, env) => runtime.fetch(request, env),
    serverOptions: {
      maxHeaderSize: check('maxHeaderBytes', options.maxHeaderBytes, 16_384, 1024, 1_048_576),
      headersTimeout,
      // Node checks these timeouts on an interval (30 s by default), which
      // would let a slow client hold a connection far past headersTimeout.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 2))),
      requestTimeout: check(
        'requestTimeoutMs',
        options.requestTimeoutMs,
        120_000,
        1,
        2_147_483_647,
      ),
      keepAliveTimeout: check(
        'keepAliveTimeoutMs',
        options.keepAliveTimeoutMs,
        5000,
        1,
        2_147_483_647,
      ),
    },
  }) as Server;
  const connections = new ConnectionTracker(server);
  server.maxConnections = check('maxConnections', options.maxConnections, 10_000, 1, 10_000_000);
  server.on('clientError', answerClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('The HTTP server failed.', { error }));
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  logger.info('Listening.', { url: `http://${urlHost}:${address.port}` });

  const signals = options.signals === false ? [] : (options.signals ?? ['SIGTERM', 'SIGINT']);
  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      for (const signal of signals) process.off(signal, onSignal);
      const started = Date.now();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Idle connections end now, busy ones once their answer is out.
      connections.closeIdle();
      const drained = await runtime.drain({ timeoutMs: shutdownTimeoutMs });
      // An answer already on its way when draining began went out without
      // `Connection: close`; its connection is idle now.
      connections.closeIdle();
      if (!drained) logger.warn('Shutdown deadline passed with requests in flight; closing them.');
      // The last answers may still be on their way out; whatever is left at
      // the deadline (or at once, when the deadline already passed) is cut.
      const cut = setTimeout(
        () => connections.destroyAll(),
        drained ? Math.max(200, shutdownTimeoutMs - (Date.now() - started)) : 0,
      );
      await closed;
      clearTimeout(cut);
      await runtime.close({ resources: true });
      logger.info('Shut down.');
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info('Shutting down.', { signal });
    void shutdown().then(
      () => {
        if (options.exitOnSignal !== false) process.exit(0);
      },
      (error: unknown) => {
        logger.error('Shutdown failed.', { error });
        if (options.exitOnSignal !== false) process.exit(1);
      },
    );
  };
  for (const signal of signals) process.once(signal, onSignal);

  return {
    server,
    port: address.port,
    host: address.address,
    url: `http://${urlHost}:${address.port}`,
    shutdown,
  };
}
