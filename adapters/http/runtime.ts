import type { Hono, MiddlewareHandler } from 'hono';
import type { Memory, ToolRegistry } from 'skreaver';
import type { HttpEnv } from './_context.js';
import type { HttpAgentRegistry } from './agent-types.js';
import type { OpenApiDocument } from './openapi.js';
import type { ReadinessReport } from './readiness.js';

/** Options of {@link HttpRuntime.drain}. */
export interface DrainOptions {
  /** How long to wait for requests in flight, in ms. @defaultValue 10000 */
  readonly timeoutMs?: number;
}

/** Options of {@link HttpRuntime.close}. */
export interface CloseOptions {
  /**
   * Also close the `memory` and `mesh` you passed in (the runtime always
   * closes what it made itself). `serve()` from `skreaver/http/node` sets it.
   * @defaultValue false
   */
  readonly resources?: boolean;
}

/**
 * An HTTP runtime: a Hono app serving agents, plus the agent registry behind
 * it. Serve `runtime.fetch` from any runtime (Node through
 * `skreaver/http/node`, Deno, Bun, workers), or mount `runtime.app`.
 */
export interface HttpRuntime {
  /**
   * The Hono app. Routes added to it later get the runtime's middleware
   * (request ids, limits, CORS, security headers, error format); use
   * {@link protect} to require credentials.
   */
  readonly app: Hono<HttpEnv>;
  /** The fetch handler: `(request, env?) => Response`. `env` carries adapter bindings (the client address). */
  readonly fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  /** The agent instances, for use without HTTP (the routes call the same methods). */
  readonly agents: HttpAgentRegistry;
  /** The OpenAPI 3.1 document served at `/openapi.json`. */
  readonly document: OpenApiDocument;
  /** The memory agents use (namespaced per agent). */
  readonly memory: Memory;
  /** The tool registry agents call through. */
  readonly registry: ToolRegistry;
  /** Middleware: authenticate, rate-limit per principal, require `permission` (null: identity only). */
  protect(permission?: string | null): MiddlewareHandler<HttpEnv>;
  /** Runs the readiness checks (what `/ready` reports). Never rejects. */
  ready(): Promise<ReadinessReport>;
  /** Requests in flight (those counted against `limits.maxInFlight`). */
  readonly inFlight: number;
  /** Whether {@link drain} or {@link close} began. */
  readonly draining: boolean;
  /**
   * Stops taking new work (new requests get 503 `shutting_down`, `/ready`
   * turns 503) and waits for requests in flight. Resolves true when none
   * are left, false when `timeoutMs` passed first.
   */
  drain(options?: DrainOptions): Promise<boolean>;
  /**
   * Drains (without waiting), then closes the coordinators (running steps
   * finish, agents' `cleanup` runs), the registry and memory the runtime
   * made, and, with `resources`, the memory and mesh you passed. Idempotent.
   */
  close(options?: CloseOptions): Promise<void>;
}
