import type { MiddlewareHandler } from 'hono';
import { createDeadlineQueue, utf8ByteLength } from 'skreaver';
import { type AdmissionDeps, admit, clientAddress, enter, isProbe } from './_admission.js';
import { compressResponse } from './_compress.js';
import type { HttpContext, HttpEnv } from './_context.js';
import { applyCors, type CorsPolicy } from './_cors.js';
import { requestHeader } from './_headers.js';
import { requestIds } from './_request-id.js';
import { RequestScope } from './_request-scope.js';
import type { HttpMetrics, HttpTracer } from './metrics.js';
import { problemResponse, respond } from './problem.js';

const REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

/** What {@link front} needs. */
export interface FrontDeps extends AdmissionDeps {
  readonly metrics: HttpMetrics;
  readonly tracer: HttpTracer | undefined;
  readonly cors: CorsPolicy | undefined;
  readonly compressionThreshold: number | undefined;
  readonly trustProxy: boolean;
  /** Aborted when the runtime closes; every request's work follows it. */
  readonly lifetime: AbortSignal;
}

type RequestSpan = ReturnType<NonNullable<HttpTracer['startHttpSpan']>>;

/** The request's span: a server span continuing the caller's trace when the tracer can make one. */
function startSpan(
  tracer: HttpTracer | undefined,
  c: HttpContext,
  requestId: string,
  trustProxy: boolean,
): RequestSpan | undefined {
  if (tracer === undefined) return undefined;
  const attributes = { 'http.request_id': requestId };
  if (tracer.startHttpSpan !== undefined) {
    const address = clientAddress(c, trustProxy);
    return tracer.startHttpSpan({
      method: c.req.method,
      url: c.req.url,
      headers: c.req.raw.headers,
      attributes,
      ...(address === undefined ? {} : { clientAddress: address }),
    });
  }
  return tracer.startSpan('http.request', { 'http.method': c.req.method, ...attributes });
}

function endSpan(span: RequestSpan, route: string, status: number): void {
  if (span.setRoute !== undefined) span.setRoute(route);
  else span.setAttribute('http.route', route);
  if (span.setResponseStatus !== undefined) span.setResponseStatus(status);
  else {
    span.setAttribute('http.status_code', status);
    if (status >= 500) span.recordError(new Error(`HTTP ${status}`));
  }
  span.end();
}

/** Adds the standard headers to a response the runtime did not build (a stream, an extra route). */
function stamp(c: HttpContext): void {
  const headers = c.res.headers;
  if (!headers.has('x-request-id')) headers.set('X-Request-Id', c.get('requestId'));
  for (const [name, value] of Object.entries(c.get('responseHeaders'))) {
    if (!headers.has(name)) headers.set(name, value);
  }
}

/**
 * The one middleware in front of every route, in this order: request id
 * (kept from a sane `X-Request-Id`, else a new UUID) and security headers;
 * CORS (preflights answered here); admission (draining, in-flight and rate
 * limits; `/health` and `/ready` skip it); the request's deadline (504, or
 * 408 while the body is still arriving); then, on the way out, compression,
 * one span and one metric. One async function instead of five keeps the
 * per-request cost down.
 */
export function front(deps: FrontDeps): MiddlewareHandler<HttpEnv> {
  const { settings, metrics, tracer, cors, compressionThreshold, trustProxy } = deps;
  const base = Object.freeze({ ...settings.securityHeaders });
  const timing = metrics.httpRequest !== undefined;
  const timeoutMs = settings.limits.requestTimeoutMs;
  const nextRequestId = requestIds();
  // Each request usually starts and ends before the next is read: keep the
  // one timer armed between them rather than setting and clearing it each time.
  const deadlines = createDeadlineQueue(timeoutMs, { keepIdleTimer: true });
  return async function skreaverFront(c, next) {
    const started = timing ? performance.now() : 0;
    const given = requestHeader(c, 'x-request-id');
    const requestId = given !== null && REQUEST_ID.test(given) ? given : nextRequestId();
    c.set('requestId', requestId);
    c.set('route', 'unmatched');
    c.set('responseHeaders', base);
    const span = startSpan(tracer, c, requestId, trustProxy);
    if (span !== undefined) c.set('span', span);
    const scope = new RequestScope(deadlines, deps.lifetime);
    c.set('scope', scope);
    try {
      if (cors !== undefined && applyCors(c, cors) === 'preflight') {
        c.res = respond(c, 204, null);
        return;
      }
      if (isProbe(c)) {
        await next();
      } else {
        const ip = clientAddress(c, trustProxy);
        c.set('clientIp', ip);
        const refused = admit(deps, ip);
        if (refused !== undefined) {
          c.res = problemResponse(c, refused);
          return;
        }
        try {
          // Settles when the handler does or the deadline passes, whichever
          // comes first: one promise, rather than a race of two.
          await new Promise<void>((resolve, reject) => {
            scope.start(resolve, enter(deps, ip));
            next().then(resolve, reject);
          });
          if (scope.timedOut && !scope.held) {
            metrics.limitExceeded?.('timeout');
            c.res = undefined as unknown as Response;
            c.res = problemResponse(c, scope.timeoutProblem());
          }
        } finally {
          if (!scope.held) scope.finish();
        }
      }
      if (compressionThreshold !== undefined) compressResponse(c, compressionThreshold);
      if (c.get('stamped') !== true) stamp(c);
      // While draining, let keep-alive connections close after this answer.
      if (deps.state.draining) c.res.headers.set('Connection', 'close');
    } finally {
      const status = c.finalized ? c.res.status : 500;
      if (span !== undefined) endSpan(span, c.get('route'), status);
      if (timing) {
        const metric: {
          route: string;
          method: string;
          status: number;
          durationMs: number;
          requestBytes?: number;
          responseBytes?: number;
        } = {
          route: c.get('route'),
          method: c.req.method,
          status,
          durationMs: performance.now() - started,
        };
        const length = requestHeader(c, 'content-length');
        if (length !== null && /^\d+$/.test(length)) metric.requestBytes = Number(length);
        const text = c.get('bodyText');
        if (text !== undefined && c.get('stamped') === true)
          metric.responseBytes = utf8ByteLength(text);
        metrics.httpRequest?.(metric);
      }
    }
  };
}
