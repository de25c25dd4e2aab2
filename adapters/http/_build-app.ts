import { type Handler, Hono, type MiddlewareHandler } from 'hono';
import type { Logger } from 'skreaver';
import type { Buckets, RuntimeState } from './_admission.js';
import type { HttpContext, HttpEnv } from './_context.js';
import { corsPolicy } from './_cors.js';
import { front } from './_front.js';
import type { ResolvedSettings } from './_resolve-options.js';
import { honoPath, type RouteDefinition } from './_routes.js';
import type { HttpMetrics, HttpTracer } from './metrics.js';
import { HttpProblem, jsonResponse, problemResponse, toProblem } from './problem.js';
import type { HttpRouteApi } from './route-api.js';

/** What the app is assembled from. */
export interface AppDeps {
  readonly settings: ResolvedSettings;
  readonly state: RuntimeState;
  readonly buckets: Buckets;
  readonly metrics: HttpMetrics;
  readonly tracer: HttpTracer | undefined;
  readonly logger: Logger;
  readonly trustProxy: boolean;
  readonly now: () => number;
  readonly routes: readonly RouteDefinition[];
  readonly handlers: Readonly<Record<string, Handler<HttpEnv>>>;
  readonly protect: (permission?: string | null, route?: string) => MiddlewareHandler<HttpEnv>;
  readonly extraRoutes: ((api: HttpRouteApi) => void) | undefined;
  readonly lifetime: AbortSignal;
}

function methodsByPath(routes: readonly RouteDefinition[]) {
  const table: { source: string; pattern: RegExp; methods: Set<string> }[] = [];
  for (const route of routes) {
    const source = `^${route.path.replace(/\{\w+\}/g, '[^/]+')}/?$`;
    let entry = table.find((e) => e.source === source);
    if (entry === undefined) {
      entry = { source, pattern: new RegExp(source), methods: new Set() };
      table.push(entry);
    }
    entry.methods.add(route.method);
    if (route.method === 'GET') entry.methods.add('HEAD');
  }
  return (path: string): string[] | undefined => {
    const entry = table.find((e) => e.pattern.test(path));
    return entry === undefined ? undefined : [...entry.methods].sort();
  };
}

/** The problem an error thrown by a handler is answered with. */
function problemFor(error: unknown, c: HttpContext): HttpProblem {
  const scope = c.get('scope');
  if (scope?.timedOut === true) return scope.timeoutProblem();
  const problem = toProblem(error);
  const retryAfterMs = (error as { data?: { retryAfterMs?: unknown } } | null)?.data?.retryAfterMs;
  if (problem.code === 'agent_busy' && typeof retryAfterMs === 'number') {
    return new HttpProblem(problem.code, problem.message, {
      cause: error,
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) },
      details: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) },
    });
  }
  return problem;
}

/**
 * Assembles the Hono app: the front middleware (request id, security
 * headers, CORS, admission, deadline, compression, span, metric), then
 * one route per definition behind `protect` where it needs credentials, the
 * caller's extra routes, and the 404/405 and error handlers.
 */
export function buildApp(deps: AppDeps): Hono<HttpEnv> {
  const { settings, metrics, logger } = deps;
  const app = new Hono<HttpEnv>();
  app.use(
    front({
      settings,
      state: deps.state,
      metrics,
      buckets: deps.buckets,
      tracer: deps.tracer,
      cors:
        settings.cors === undefined
          ? undefined
          : corsPolicy(settings.cors.origin, settings.cors.maxAgeSec),
      compressionThreshold: settings.compressionThreshold,
      trustProxy: deps.trustProxy,
      lifetime: deps.lifetime,
    }),
  );

  const auth = settings.auth;
  for (const route of deps.routes) {
    const handler = deps.handlers[route.operationId];
    if (handler === undefined) continue;
    const secured =
      route.access === 'protected' || (route.access === 'metrics' && auth?.publicMetrics === false);
    const path = [honoPath(route.path)];
    if (secured) {
      // protect() labels the route too, so refusals are counted under it.
      const permission = auth?.permissions[route.operationId] ?? null;
      const guard = deps.protect(permission, route.path);
      // One handler that calls the guard, rather than the guard as one more
      // middleware: a level less of Hono's compose on every request.
      app.on(route.method, path, (c, next) => guard(c, () => handler(c, next) as Promise<void>));
    } else {
      app.on(route.method, path, (c, next) => {
        c.set('route', route.path);
        return handler(c, next);
      });
    }
  }

  deps.extraRoutes?.({
    app,
    protect: (permission) => deps.protect(permission),
    json: (c, status, value, headers) => jsonResponse(c, status, value, headers),
    error: (c, problem) => problemResponse(c, problem),
  });

  const allowed = methodsByPath(deps.routes);
  app.notFound((c) => {
    const methods = allowed(c.req.path);
    if (methods !== undefined) {
      return problemResponse(
        c,
        new HttpProblem(
          'method_not_allowed',
          `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(', ')}.`,
          {
            headers: { Allow: methods.join(', ') },
          },
        ),
      );
    }
    return problemResponse(
      c,
      new HttpProblem(
        'route_not_found',
        `No route ${c.req.method} ${c.req.path}; see /openapi.json.`,
      ),
    );
  });
  app.onError((error, c) => {
    const problem = problemFor(error, c);
    if (problem.code === 'agent_busy') metrics.limitExceeded?.('queue');
    if (problem.code === 'internal_error') {
      logger.error('An HTTP request failed unexpectedly.', {
        requestId: c.get('requestId'),
        route: c.get('route'),
        error,
      });
    }
    return problemResponse(c, problem);
  });
  return app;
}
