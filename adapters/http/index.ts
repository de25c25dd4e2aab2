/**
 * `skreaver/http`: the HTTP runtime on Hono (an optional peer dependency).
 * Runtime-neutral: Hono and Web APIs only, so `runtime.fetch` runs on Node
 * (through `skreaver/http/node`), Deno, Bun and edge workers.
 *
 * @packageDocumentation
 */
export type { HttpContext, HttpEnv, HttpVariables } from './_context.js';
export { HTTP_LIMIT_DEFAULTS, HTTP_RATE_LIMIT_DEFAULTS } from './_resolve-options.js';
export { HTTP_ROUTE_PERMISSIONS, type HttpOperationId } from './_routes.js';
export type {
  AgentCreateContext,
  AgentInfo,
  AgentState,
  AgentStepOptions,
  CreateAgentRequest,
  HttpAgentRegistry,
  HttpAgentType,
  QueueMetrics,
  StepEventReport,
  StepReport,
  ToolCallReport,
} from './agent-types.js';
export { createHttpRuntime } from './create-http-runtime.js';
export {
  HTTP_ENV_VARIABLES,
  type HttpEnvKind,
  type HttpEnvOptions,
  type HttpEnvVariable,
  type HttpOptionsLayer,
  httpOptionsFromEnv,
  mergeHttpOptions,
  parseEnvValue,
} from './env.js';
export {
  HTTP_ERROR_STATUS,
  HTTP_ONLY_ERROR_CODES,
  type HttpErrorBody,
  type HttpErrorCode,
  type HttpOnlyErrorCode,
  httpStatusOf,
} from './error-status.js';
export type {
  HttpAuthResult,
  HttpLimitKind,
  HttpMetrics,
  HttpRequestMetric,
  HttpTracer,
} from './metrics.js';
export type { OpenApiDocument } from './openapi.js';
export type {
  ApiKeyVerifier,
  GuardLike,
  HttpAuthOptions,
  HttpCorsOptions,
  HttpLimitsOptions,
  HttpOpenApiOptions,
  HttpRateLimitOptions,
  HttpRuntimeOptions,
  MeshProbe,
  ReadinessCheck,
  TokenIssuer,
} from './options.js';
export { HttpProblem, type HttpProblemOptions } from './problem.js';
export type { ComponentHealth, ReadinessReport } from './readiness.js';
export type { HttpRouteApi } from './route-api.js';
export type { CloseOptions, DrainOptions, HttpRuntime } from './runtime.js';
export { DEFAULT_SECURITY_HEADERS } from './security-headers.js';
