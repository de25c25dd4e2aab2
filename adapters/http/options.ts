import type {
  CoordinatorOptions,
  Logger,
  Memory,
  Principal,
  Rbac,
  TokenVerifier,
  Tool,
  ToolPolicyHook,
  ToolRegistry,
} from 'skreaver';
import type { AgentCreateContext, HttpAgentType } from './agent-types.js';
import type { HttpMetrics, HttpTracer } from './metrics.js';
import type { HttpRouteApi } from './route-api.js';

/** What `POST /auth/token` needs to mint a token: `skreaver/auth/jwt`'s `JwtAuth` fits. */
export interface TokenIssuer {
  /** Issues an access token for `principal` (its id and roles, nothing more). */
  issue(
    principal: Principal,
  ): Promise<{ readonly accessToken: string; readonly expiresIn: number }>;
}

/** What the runtime needs of API keys: `createApiKeyManager()` fits. */
export interface ApiKeyVerifier {
  /** Resolves the key's principal, or rejects with an `AuthError`. */
  verify(key: unknown): Promise<Principal>;
}

/** Authentication and authorisation. Give `tokens`, `apiKeys` or both. */
export interface HttpAuthOptions {
  /** Verifies `Authorization: Bearer <jwt>` (a `JwtAuth` from `skreaver/auth/jwt`). @defaultValue none: JWTs are refused */
  readonly tokens?: TokenVerifier;
  /** Verifies `X-API-Key: <key>` and `Authorization: Bearer <key>` (a `createApiKeyManager()`). @defaultValue none: API keys are refused */
  readonly apiKeys?: ApiKeyVerifier;
  /**
   * Mints tokens for `POST /auth/token`, which exchanges a valid API key for
   * a token carrying that key's principal and roles. The route exists only
   * when both `apiKeys` and `issuer` are set.
   * @defaultValue none: no `/auth/token` route
   */
  readonly issuer?: TokenIssuer;
  /**
   * Decides route permissions (`hasPermission`) and, when the runtime builds
   * the tool registry, tool access (`toolPolicyHook`).
   * @defaultValue `createRbac({ defaultDeny: false })`: the built-in roles; holders of `tool:execute` may run any tool no rule names
   */
  readonly rbac?: Rbac;
  /**
   * The permission each operation needs, by operation id (see
   * `HTTP_ROUTE_PERMISSIONS` for the defaults); `null` makes it need only
   * a valid identity.
   * @defaultValue `HTTP_ROUTE_PERMISSIONS`
   */
  readonly permissions?: Readonly<Record<string, string | null>>;
  /**
   * Whether `GET /metrics` is served without credentials. When false it
   * needs the `metrics:view` permission.
   * @defaultValue true
   */
  readonly publicMetrics?: boolean;
  /**
   * How long a verified token or API key is remembered, in ms, so repeated
   * requests skip the signature check and key lookup. Revoking a credential
   * (or a key expiring) therefore takes up to this long to bite; a cached
   * token never outlives its `exp`. 0 verifies every request.
   * @defaultValue 5000
   */
  readonly cacheMs?: number;
  /** Credentials remembered at most (oldest dropped first). @defaultValue 10000 */
  readonly cacheMaxEntries?: number;
}

/** Limits on requests and agents. Each is applied; see docs/http.md. */
export interface HttpLimitsOptions {
  /** Largest request body, in bytes; larger ones get 413 `size_limit_exceeded`. @defaultValue 1048576 (1 MiB) */
  readonly maxBodyBytes?: number;
  /**
   * Time a request may take, body included, in ms. A request past it gets
   * 504 `request_timeout` and its step is aborted; one still sending its body
   * gets 408 `client_timeout`. Streams end with an `error` event.
   * @defaultValue 30000
   */
  readonly requestTimeoutMs?: number;
  /** Requests handled at once; more get 503 `resource_exhausted` with `Retry-After`. @defaultValue 512 */
  readonly maxInFlight?: number;
  /** Requests one client address may have in flight; more get 429 `rate_limited`. 0 turns it off. @defaultValue 100 */
  readonly maxInFlightPerIp?: number;
  /** Steps that may wait behind an agent's running step; more get 429 `agent_busy` with `Retry-After`. @defaultValue 100 */
  readonly maxQueueDepth?: number;
  /** Agent instances the runtime holds; more get 503 `resource_exhausted`. @defaultValue 1000 */
  readonly maxAgents?: number;
  /** Inputs one batch may hold. @defaultValue 100 */
  readonly maxBatchItems?: number;
  /** Upper bound of a batch's `parallelLimit`; also its default is min(5, this). @defaultValue 10 */
  readonly maxBatchParallel?: number;
  /** Interval of SSE keep-alive comments while a stream is silent, in ms. @defaultValue 15000 */
  readonly sseKeepAliveMs?: number;
  /** Time each readiness check may take, in ms; a slower one counts as down. @defaultValue 2000 */
  readonly readyTimeoutMs?: number;
}

/** Token-bucket rate limits. A rate of 0 turns that limit off. */
export interface HttpRateLimitOptions {
  /** Requests per minute per client address (checked before authentication). @defaultValue 600 */
  readonly perIpPerMinute?: number;
  /** Requests per minute per authenticated principal. @defaultValue 1200 */
  readonly perPrincipalPerMinute?: number;
  /** Requests per minute for the whole runtime. @defaultValue 0 (off) */
  readonly globalPerMinute?: number;
  /** Bucket size as a multiple of the per-minute rate (1 = a minute's worth may come at once). @defaultValue 1 */
  readonly burstFactor?: number;
  /** Buckets kept per limit; past it the oldest are forgotten. @defaultValue 10000 */
  readonly maxTrackedKeys?: number;
}

/** Cross-origin resource sharing. */
export interface HttpCorsOptions {
  /** Allowed origins: `'*'` or a list of exact origins. @defaultValue '*' */
  readonly origin?: '*' | readonly string[];
  /** Seconds browsers may cache a preflight. @defaultValue 600 */
  readonly maxAgeSec?: number;
}

/** The generated OpenAPI document and the docs page. */
export interface HttpOpenApiOptions {
  /** The document's `info.title`. @defaultValue 'Skreaver HTTP Runtime API' */
  readonly title?: string;
  /** Base URLs for the document's `servers`. @defaultValue none (relative to where it is served) */
  readonly servers?: readonly string[];
  /**
   * Where `GET /docs` loads Swagger UI from.
   * @defaultValue `https://unpkg.com/swagger-ui-dist@5.17.14`
   */
  readonly swaggerUiUrl?: string;
}

/** A readiness probe: resolves true (or `{ ok: true }`) when the component works. */
export type ReadinessCheck = () =>
  | boolean
  | { readonly ok: boolean; readonly reason?: string }
  | Promise<boolean | { readonly ok: boolean; readonly reason?: string }>;

/** What readiness needs of a mesh: `Mesh` fits. */
export interface MeshProbe {
  /** Any cheap round trip; a rejection means the mesh is down. */
  listAgents(): Promise<unknown>;
  /** Closed by `runtime.close({ resources: true })`. */
  close?(): Promise<void>;
}

/** What the runtime needs of a security guard: `createSecurityGuard()` fits. */
export interface GuardLike {
  /** Added to the tool policies of the registry the runtime builds. */
  readonly hook: ToolPolicyHook;
  /** Readiness reports `lockdown_active` while a full lockdown is on. */
  readonly lockdown: { readonly isActive: boolean; readonly state?: { readonly scope?: string } };
}

/** Options of `createHttpRuntime`. */
export interface HttpRuntimeOptions {
  /** Agent types that `POST /agents` can instantiate, by name (a valid agent id prefix). */
  readonly agentTypes: Readonly<Record<string, HttpAgentType>>;
  /**
   * Authentication, or `false` to serve every route without credentials
   * (development only: RBAC is then skipped too). Required, so that turning
   * auth off is a visible decision.
   */
  readonly auth: HttpAuthOptions | false;
  /** Request and agent limits. @defaultValue see `HttpLimitsOptions` */
  readonly limits?: HttpLimitsOptions;
  /** Rate limits, or false for none. @defaultValue see `HttpRateLimitOptions` */
  readonly rateLimit?: HttpRateLimitOptions | false;
  /** CORS, or false for no CORS headers. @defaultValue `{ origin: '*' }` */
  readonly cors?: HttpCorsOptions | false;
  /** Compress responses of at least `thresholdBytes` (gzip/deflate), or false. @defaultValue `{ thresholdBytes: 1024 }` */
  readonly compression?: { readonly thresholdBytes?: number } | false;
  /**
   * Security headers added to every response; a key set here replaces the
   * default value, `false` turns them all off.
   * @defaultValue see `DEFAULT_SECURITY_HEADERS`
   */
  readonly securityHeaders?: Readonly<Record<string, string>> | false;
  /** The OpenAPI document (`/openapi.json`) and Swagger UI (`/docs`), or false for neither. @defaultValue `{}` */
  readonly openapi?: HttpOpenApiOptions | false;
  /** The tool registry agents call through; yours to close. @defaultValue a registry the runtime builds from `tools`, the agent types' tools, `guard` and RBAC */
  readonly registry?: ToolRegistry;
  /** Tools for the registry the runtime builds (ignored with `registry`). @defaultValue none */
  readonly tools?: readonly Tool[];
  /** Extra policy hooks for the registry the runtime builds (ignored with `registry`). @defaultValue none */
  readonly toolPolicies?: readonly ToolPolicyHook[];
  /** A security guard: its hook guards tools; its lockdown shows in `/ready`. @defaultValue none */
  readonly guard?: GuardLike;
  /** The memory agents get (namespaced per agent). Closed only by `close({ resources: true })`. @defaultValue a fresh `inMemoryMemory()` owned by the runtime */
  readonly memory?: Memory;
  /** A mesh whose health `/ready` checks. Closed only by `close({ resources: true })`. @defaultValue none */
  readonly mesh?: MeshProbe;
  /** More readiness checks by component name. @defaultValue none */
  readonly readiness?: Readonly<Record<string, ReadinessCheck>>;
  /** Coordinator settings shared by every agent type. @defaultValue the coordinator's defaults, `stepTimeoutMs` 60000 */
  readonly coordinator?: Pick<
    CoordinatorOptions,
    'maxRounds' | 'stepTimeoutMs' | 'toolTimeoutMs' | 'maxConcurrentToolCalls' | 'maxCallsPerRound'
  >;
  /** Adds routes behind the same middleware, auth and error format (for `/mcp`). @defaultValue none */
  readonly routes?: (api: HttpRouteApi) => void;
  /** Metrics sink; see `HttpMetrics`. @defaultValue no-op */
  readonly metrics?: HttpMetrics;
  /**
   * Tracer: one span per request (a server span continuing the caller's
   * `traceparent` when the tracer has `startHttpSpan`, as
   * `skreaver/tracing/otel`'s does), the parent of the steps it runs; also
   * given to the coordinators and the registry the runtime builds.
   * @defaultValue no-op
   */
  readonly tracer?: HttpTracer;
  /** Logger for failures the client does not see (500 causes, listener errors). @defaultValue no-op */
  readonly logger?: Logger;
  /**
   * Take the client address from the first `X-Forwarded-For` entry. Only
   * behind a proxy that sets it, or clients can pick their own address.
   * @defaultValue false
   */
  readonly trustProxy?: boolean;
  /** Reports the service version in `/health` and the OpenAPI document. @defaultValue '0.0.0' */
  readonly version?: string;
  /** The clock, epoch ms (rate limits, timestamps). @defaultValue Date.now */
  readonly now?: () => number;
}

export type { AgentCreateContext, HttpAgentType };
