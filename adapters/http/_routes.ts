import type { HttpErrorCode } from './error-status.js';

/** The operations the runtime serves, by OpenAPI operation id. */
export type HttpOperationId =
  | 'getHealth'
  | 'getReady'
  | 'getMetrics'
  | 'issueToken'
  | 'listAgents'
  | 'createAgent'
  | 'getAgent'
  | 'getAgentStatus'
  | 'observeAgent'
  | 'observeAgentStream'
  | 'batchObserve'
  | 'deleteAgent'
  | 'getAgentQueueMetrics'
  | 'getQueueMetrics'
  | 'getOpenApi'
  | 'getDocs';

/**
 * The permission each protected operation needs by default (the built-in
 * roles: `viewer` may look, `agent` may also run steps, `admin` may also
 * create and delete agents). Public operations are not listed; `getMetrics`
 * needs its permission only with `auth.publicMetrics: false`.
 */
export const HTTP_ROUTE_PERMISSIONS: Readonly<Record<string, string | null>> = Object.freeze({
  listAgents: 'metrics:view',
  getAgent: 'metrics:view',
  getAgentStatus: 'metrics:view',
  getAgentQueueMetrics: 'metrics:view',
  getQueueMetrics: 'metrics:view',
  createAgent: 'agent:manage',
  deleteAgent: 'agent:manage',
  observeAgent: 'tool:execute',
  observeAgentStream: 'tool:execute',
  batchObserve: 'tool:execute',
  getMetrics: 'metrics:view',
});

/** One response of a route, for the OpenAPI document. */
export interface RouteResponse {
  readonly description: string;
  /** A schema name from `buildSchemas`. */
  readonly schema?: string;
  readonly contentType?: string;
  /** Response headers, by name, with their description. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One route: the single source of the router, the auth rules and the OpenAPI document. */
export interface RouteDefinition {
  readonly operationId: HttpOperationId;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** OpenAPI form (`/agents/{id}`). */
  readonly path: string;
  readonly tag: 'health' | 'auth' | 'agents' | 'docs';
  readonly summary: string;
  readonly description?: string;
  /** `public`: no credentials; `protected`: credentials and a permission; `metrics`: by `publicMetrics`. */
  readonly access: 'public' | 'protected' | 'metrics';
  /** The request body's schema name, when the route takes JSON. */
  readonly body?: string;
  /** Whether the body may be absent. */
  readonly bodyOptional?: boolean;
  readonly responses: Readonly<Record<number, RouteResponse>>;
  /** Error codes the route itself raises (auth, limits and generic ones are added for all). */
  readonly errors: readonly HttpErrorCode[];
}

const agentErrors: readonly HttpErrorCode[] = ['agent_not_found', 'invalid_identifier'];
const stepErrors: readonly HttpErrorCode[] = [
  ...agentErrors,
  'invalid_input',
  'agent_busy',
  'agent_failed',
  'step_timeout',
  'max_rounds_exceeded',
];
const retryAfter = { 'Retry-After': 'Seconds to wait before retrying.' };

/** Every route of the runtime, in the order they are documented. */
export const ROUTES: readonly RouteDefinition[] = [
  {
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    tag: 'health',
    summary: 'Liveness: the process answers',
    access: 'public',
    responses: { 200: { description: 'Alive', schema: 'Health' } },
    errors: [],
  },
  {
    operationId: 'getReady',
    method: 'GET',
    path: '/ready',
    tag: 'health',
    summary: 'Readiness: memory, mesh, security policy and custom checks',
    description:
      'Runs every readiness check. 503 names the failing component in the message and lists all components under `error.details.components`.',
    access: 'public',
    responses: { 200: { description: 'Ready', schema: 'Readiness' } },
    errors: ['memory_unavailable', 'mesh_unavailable', 'lockdown_active', 'shutting_down'],
  },
  {
    operationId: 'getMetrics',
    method: 'GET',
    path: '/metrics',
    tag: 'health',
    summary: 'Metrics in the Prometheus text format',
    access: 'metrics',
    responses: { 200: { description: 'Exposition text', contentType: 'text/plain' } },
    errors: [],
  },
  {
    operationId: 'issueToken',
    method: 'POST',
    path: '/auth/token',
    tag: 'auth',
    summary: 'Exchange an API key for a JWT',
    description:
      "Send the API key as `X-API-Key` (or `Authorization: Bearer <key>`). The token carries that key's principal and roles; a body asking for anything else is refused.",
    access: 'public',
    body: 'TokenRequest',
    bodyOptional: true,
    responses: { 200: { description: 'A token', schema: 'TokenResponse' } },
    errors: ['auth_required', 'auth_invalid', 'auth_expired', 'auth_revoked', 'invalid_input'],
  },
  {
    operationId: 'listAgents',
    method: 'GET',
    path: '/agents',
    tag: 'agents',
    summary: 'List agent instances',
    access: 'protected',
    responses: { 200: { description: 'The instances', schema: 'AgentList' } },
    errors: [],
  },
  {
    operationId: 'createAgent',
    method: 'POST',
    path: '/agents',
    tag: 'agents',
    summary: 'Create an agent instance',
    access: 'protected',
    body: 'CreateAgentRequest',
    responses: {
      201: {
        description: 'Created',
        schema: 'CreateAgentResponse',
        headers: { Location: 'The new instance, `/agents/{id}`.' },
      },
    },
    errors: [
      'invalid_input',
      'invalid_identifier',
      'agent_duplicate',
      'agent_failed',
      'resource_exhausted',
    ],
  },
  {
    operationId: 'getAgent',
    method: 'GET',
    path: '/agents/{id}',
    tag: 'agents',
    summary: 'Inspect one agent instance',
    access: 'protected',
    responses: { 200: { description: 'The instance', schema: 'AgentInfo' } },
    errors: agentErrors,
  },
  {
    operationId: 'deleteAgent',
    method: 'DELETE',
    path: '/agents/{id}',
    tag: 'agents',
    summary: 'Delete an agent instance once its queued steps finish',
    access: 'protected',
    responses: { 204: { description: 'Deleted' } },
    errors: [...agentErrors, 'agent_failed'],
  },
  {
    operationId: 'getAgentStatus',
    method: 'GET',
    path: '/agents/{id}/status',
    tag: 'agents',
    summary: "An instance's status and counters",
    access: 'protected',
    responses: { 200: { description: 'The status', schema: 'AgentStatus' } },
    errors: agentErrors,
  },
  {
    operationId: 'getAgentQueueMetrics',
    method: 'GET',
    path: '/agents/{id}/queue/metrics',
    tag: 'agents',
    summary: "An instance's queue: waiting and running steps, totals, timing, load",
    access: 'protected',
    responses: { 200: { description: 'The queue metrics', schema: 'QueueMetrics' } },
    errors: agentErrors,
  },
  {
    operationId: 'getQueueMetrics',
    method: 'GET',
    path: '/queue/metrics',
    tag: 'agents',
    summary: 'Queue metrics of every instance together (agentId: null)',
    access: 'protected',
    responses: { 200: { description: 'The queue metrics', schema: 'QueueMetrics' } },
    errors: [],
  },
  {
    operationId: 'observeAgent',
    method: 'POST',
    path: '/agents/{id}/observe',
    tag: 'agents',
    summary: 'Run one step and return its result and tool calls',
    description:
      "One agent's steps run one at a time, in arrival order; different agents run in parallel.",
    access: 'protected',
    body: 'ObserveRequest',
    responses: { 200: { description: 'The step', schema: 'StepReport' } },
    errors: stepErrors,
  },
  {
    operationId: 'observeAgentStream',
    method: 'POST',
    path: '/agents/{id}/observe/stream',
    tag: 'agents',
    summary: "Run one step and stream the coordinator's events (SSE)",
    description:
      'Events: `queued` (when waiting), `step.started`, `tool.called`, `tool.result`, `step.finished` or `step.failed`, then `result` (a StepReport) or `error` (an ErrorBody). Failures before the stream starts are ordinary error responses.',
    access: 'protected',
    body: 'ObserveRequest',
    responses: {
      200: {
        description: 'An event stream',
        schema: 'StepEvent',
        contentType: 'text/event-stream',
      },
    },
    errors: stepErrors,
  },
  {
    operationId: 'batchObserve',
    method: 'POST',
    path: '/agents/{id}/batch',
    tag: 'agents',
    summary: 'Run several steps; each item succeeds or fails on its own',
    access: 'protected',
    body: 'BatchRequest',
    responses: {
      200: { description: 'Per-item results, in input order', schema: 'BatchResponse' },
    },
    errors: [...agentErrors, 'invalid_input', 'empty_collection', 'agent_busy'],
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    tag: 'docs',
    summary: 'This OpenAPI 3.1 document',
    access: 'public',
    responses: { 200: { description: 'The document', contentType: 'application/json' } },
    errors: [],
  },
  {
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    tag: 'docs',
    summary: 'Swagger UI for this API',
    access: 'public',
    responses: { 200: { description: 'An HTML page', contentType: 'text/html' } },
    errors: [],
  },
];

/** Headers documented on 429 and 503 answers. */
export const RETRY_AFTER_HEADERS = retryAfter;

/** The Hono form of an OpenAPI path (`/agents/{id}` -> `/agents/:id`). */
export function honoPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}
