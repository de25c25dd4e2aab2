import type { Context } from 'hono';
import type { Principal, Span } from 'skreaver';
import type { RequestScope } from './_request-scope.js';

/** What the runtime's middleware stores on each request's context. */
export interface HttpVariables {
  /** The request's id (from a valid `X-Request-Id`, or a new UUID). */
  requestId: string;
  /** The authenticated caller; undefined on public routes and with `auth: false`. */
  principal: Principal | undefined;
  /** The client address used for per-IP limits, when known. */
  clientIp: string | undefined;
  /**
   * The request's deadline and cleanup; its signal aborts steps when time is up or the client leaves.
   * @internal
   */
  scope: RequestScope;
  /** The matched route pattern (`/agents/{id}`), for metrics and spans. */
  route: string;
  /** Headers every response of this request carries (security headers, CORS). */
  responseHeaders: Readonly<Record<string, string>>;
  /** Set by the runtime's own responses: they already carry the standard headers. */
  stamped: boolean;
  /** The body of the runtime's own responses, for compression and the response-size metric. */
  bodyText: string | undefined;
  /** The request's span, when there is a tracer: the parent of the steps it runs. */
  span: Span | undefined;
}

/** The Hono environment of the runtime's app. */
export interface HttpEnv {
  /** Per-request values the runtime's middleware sets (`c.get(...)`). */
  Variables: HttpVariables;
  /** Platform bindings (unused by the runtime). */
  Bindings: Record<string, unknown>;
}

/** A Hono context of the runtime's app. */
export type HttpContext = Context<HttpEnv>;
