import type { Hono, MiddlewareHandler } from 'hono';
import type { HttpContext, HttpEnv } from './_context.js';
import type { HttpProblem } from './problem.js';

/**
 * What the `routes` option (and `runtime.protect`) gives code that adds its
 * own routes, such as the MCP endpoint: the app, with the runtime's
 * middleware (request ids, limits, CORS, security headers, error format)
 * already in front of every route, and a way to require credentials.
 *
 * @example
 * ```ts
 * createHttpRuntime({
 *   agentTypes, auth,
 *   routes: ({ app, protect, json }) => {
 *     app.post('/mcp', protect('tool:execute'), (c) => json(c, 200, { ok: true }));
 *   },
 * });
 * ```
 */
export interface HttpRouteApi {
  /** The runtime's Hono app. */
  readonly app: Hono<HttpEnv>;
  /**
   * Middleware that authenticates the caller (401 otherwise), applies the
   * per-principal rate limit, and requires `permission` (403 otherwise);
   * `null` or omitted requires only a valid identity. The principal is then
   * `c.get('principal')`.
   */
  protect(permission?: string | null): MiddlewareHandler<HttpEnv>;
  /** A JSON response with an exact `Content-Length`. */
  json(c: HttpContext, status: number, value: unknown, headers?: Record<string, string>): Response;
  /** An error response in the runtime's format; throwing the problem works too. */
  error(c: HttpContext, problem: HttpProblem): Response;
}
