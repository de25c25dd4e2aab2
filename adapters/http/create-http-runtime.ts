import {
  type CompiledJsonSchema,
  type Coordinator,
  CoordinatorError,
  compileJsonSchema,
  createCoordinator,
  inMemoryMemory,
  type JsonSchema,
  noopLogger,
  noopTracer,
  ValidationError,
} from 'skreaver';
import { buildBuckets, type RuntimeState } from './_admission.js';
import { agentHandlers } from './_agent-handlers.js';
import { createAgentRegistry, type ResolvedAgentType } from './_agent-registry.js';
import { buildApp } from './_build-app.js';
import { buildRegistry } from './_build-registry.js';
import { protector } from './_protect.js';
import { resolveSettings } from './_resolve-options.js';
import { ROUTES, type RouteDefinition } from './_routes.js';
import { buildSchemas } from './_schemas.js';
import { streamHandler } from './_stream-handler.js';
import { systemHandlers } from './_system-handlers.js';
import { coreRecorder } from './metrics.js';
import { buildOpenApiDocument } from './openapi.js';
import type { HttpRuntimeOptions } from './options.js';
import { checkReadiness } from './readiness.js';
import type { HttpRuntime } from './runtime.js';

const ANY_OBJECT: JsonSchema = { type: 'object' };
const COORDINATOR_KEYS = [
  'maxRounds',
  'stepTimeoutMs',
  'toolTimeoutMs',
  'maxConcurrentToolCalls',
  'maxCallsPerRound',
] as const;
const A_STRING: JsonSchema = { type: 'string' };

function compileTypeSchema(name: string, which: string, schema: JsonSchema): CompiledJsonSchema {
  const compiled = compileJsonSchema(schema);
  if (compiled.problems.length > 0) {
    const first = compiled.problems[0];
    throw new ValidationError(
      'invalid_options',
      `createHttpRuntime: agentTypes.${name}.${which} is not a usable JSON Schema: ${first?.path} ${first?.message}.`,
      { data: { type: name, schema: which, problems: compiled.problems } },
    );
  }
  return compiled;
}

/**
 * Creates the HTTP runtime: a Hono app with the agent routes, health and
 * readiness, metrics, token exchange and OpenAPI, behind request ids,
 * authentication, RBAC, rate limits, in-flight and queue limits, deadlines,
 * body limits, CORS, compression and security headers. Nothing listens yet:
 * serve `runtime.fetch` (Node: `serve(runtime)` from `skreaver/http/node`).
 *
 * @throws `ValidationError` `invalid_options` listing every bad option.
 * @example
 * ```ts
 * const keys = createApiKeyManager();
 * const runtime = createHttpRuntime({
 *   agentTypes: { echo: { create: () => echoAgent() } },
 *   auth: { apiKeys: keys },
 * });
 * const { key } = await keys.issue({ id: 'ops', roles: ['admin'] }, { name: 'ops' });
 * const res = await runtime.fetch(new Request('http://local/agents', {
 *   method: 'POST',
 *   headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
 *   body: JSON.stringify({ type: 'echo', id: 'e1' }),
 * })); // 201, Location: /agents/e1
 * ```
 */
export function createHttpRuntime(options: HttpRuntimeOptions): HttpRuntime {
  const settings = resolveSettings(options);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? noopLogger;
  const metrics = options.metrics ?? {};
  const tracer =
    options.tracer === undefined || options.tracer === noopTracer ? undefined : options.tracer;
  const ownsMemory = options.memory === undefined;
  const memory = options.memory ?? inMemoryMemory();
  const { registry, owned: ownsRegistry } = buildRegistry(
    options,
    settings,
    metrics,
    tracer,
    logger,
  );

  // Only the documented keys: a config file cannot slip a registry or a tracer in.
  const coordinatorSettings: Record<string, unknown> = {};
  for (const key of COORDINATOR_KEYS) {
    const value = options.coordinator?.[key];
    if (value !== undefined) coordinatorSettings[key] = value;
  }
  const coordinators: Coordinator<unknown, unknown>[] = [];
  const types = new Map<string, ResolvedAgentType>();
  for (const [name, definition] of settings.agentTypes) {
    const config = compileTypeSchema(name, 'configSchema', definition.configSchema ?? ANY_OBJECT);
    const input = compileTypeSchema(name, 'inputSchema', definition.inputSchema ?? A_STRING);
    const maxRounds = definition.maxRounds ?? options.coordinator?.maxRounds;
    const coordinator = createCoordinator<unknown, unknown>({
      ...coordinatorSettings,
      ...(maxRounds === undefined ? {} : { maxRounds }),
      // A step never outlives the request that asked for it by more than its own deadline.
      stepTimeoutMs: Math.min(
        options.coordinator?.stepTimeoutMs ?? 60_000,
        settings.limits.requestTimeoutMs,
      ),
      registry,
      memory,
      namespaceMemory: true,
      // The lane in front lets one step per agent through; this bound is never reached.
      maxQueuedSteps: 1,
      metrics: coreRecorder(metrics),
      logger,
      ...(tracer === undefined ? {} : { tracer }),
    });
    coordinators.push(coordinator);
    types.set(name, { name, definition, config, input, coordinator });
  }

  const lifetime = new AbortController();
  const agents = createAgentRegistry({
    types,
    maxAgents: settings.limits.maxAgents,
    maxQueueDepth: settings.limits.maxQueueDepth,
    now,
    metrics,
    tracer,
    lifetime: lifetime.signal,
  });
  const state: RuntimeState = { draining: false, inFlight: 0, perIp: new Map(), idle: new Set() };
  const buckets = buildBuckets(settings, now);
  const protect = protector(settings.auth, metrics, buckets.perPrincipal, now);

  const schemas = buildSchemas({
    maxBatchItems: settings.limits.maxBatchItems,
    maxBatchParallel: settings.limits.maxBatchParallel,
    agentTypes: [...types.keys()].sort(),
  });
  const compiled: Record<string, CompiledJsonSchema> = {};
  for (const name of ['CreateAgentRequest', 'ObserveRequest', 'BatchRequest', 'TokenRequest']) {
    compiled[name] = compileJsonSchema(schemas[name] as JsonSchema);
  }
  const auth = settings.auth;
  const routes: RouteDefinition[] = ROUTES.filter((route) => {
    if (route.operationId === 'issueToken')
      return auth?.issuer !== undefined && auth.apiKeys !== undefined;
    if (route.tag === 'docs') return settings.openapi !== undefined;
    return true;
  });
  const schemes: ('bearerAuth' | 'apiKeyAuth')[] = [];
  if (auth?.tokens !== undefined || auth?.apiKeys !== undefined) schemes.push('bearerAuth');
  if (auth?.apiKeys !== undefined) schemes.push('apiKeyAuth');
  const document = buildOpenApiDocument({
    title: settings.openapi?.title ?? 'Skreaver HTTP Runtime API',
    version: settings.version,
    servers: settings.openapi?.servers ?? [],
    routes,
    schemas,
    permissions: auth?.permissions ?? {},
    schemes,
    publicMetrics: auth?.publicMetrics ?? true,
  });

  const ready = () =>
    checkReadiness({
      memory,
      mesh: options.mesh,
      guard: options.guard,
      custom: options.readiness ?? {},
      draining: () => state.draining,
      timeoutMs: settings.limits.readyTimeoutMs,
    });
  const handlers = {
    ...systemHandlers({
      settings,
      state,
      registry: agents,
      metrics,
      schemas: compiled,
      ready,
      document,
      startedAt: now(),
      now,
    }),
    ...agentHandlers({ settings, state, now, registry: agents, schemas: compiled }),
    observeAgentStream: streamHandler({
      registry: agents,
      schema: compiled.ObserveRequest,
      maxBodyBytes: settings.limits.maxBodyBytes,
      keepAliveMs: settings.limits.sseKeepAliveMs,
      logger,
    }),
  };
  const app = buildApp({
    settings,
    state,
    buckets,
    metrics,
    tracer,
    logger,
    trustProxy: options.trustProxy === true,
    now,
    routes,
    handlers,
    protect,
    extraRoutes: options.routes,
    lifetime: lifetime.signal,
  });

  const drain = (timeoutMs = 10_000): Promise<boolean> => {
    state.draining = true;
    if (state.inFlight === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        state.idle.delete(wake);
        resolve(result);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      state.idle.add(wake);
    });
  };
  let closing: Promise<void> | undefined;
  const closeAll = async (resources: boolean): Promise<void> => {
    state.draining = true;
    // Steps still running are aborted, so closing does not wait out their deadlines.
    lifetime.abort(
      new CoordinatorError('coordinator_closed', 'The HTTP runtime is closing.', {
        data: { reason: 'runtime_closed' },
      }),
    );
    await Promise.all(coordinators.map((coordinator) => coordinator.close()));
    if (ownsRegistry) await registry.close();
    if (ownsMemory || resources) await memory.close?.();
    if (resources) await options.mesh?.close?.();
  };

  return {
    app,
    fetch: (request, env) => app.fetch(request, env as Record<string, unknown> | undefined),
    agents,
    document,
    memory,
    registry,
    protect: (permission) => protect(permission),
    ready,
    get inFlight() {
      return state.inFlight;
    },
    get draining() {
      return state.draining;
    },
    drain: (drainOptions) => drain(drainOptions?.timeoutMs),
    close(closeOptions) {
      closing ??= closeAll(closeOptions?.resources === true);
      return closing;
    },
  };
}
