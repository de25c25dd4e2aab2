/**
 * `skreaver/http/node`: serves a `skreaver/http` runtime on Node with
 * @hono/node-server (an optional peer dependency), with connection limits,
 * slow-client defences and graceful shutdown.
 *
 * @packageDocumentation
 */
export { SERVE_ENV_VARIABLES, serveOptionsFromEnv } from './env.js';
export type { ServeOptions } from './options.js';
export { type HttpServer, serve } from './serve.js';
