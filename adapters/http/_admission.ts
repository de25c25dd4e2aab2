import type { HttpContext } from './_context.js';
import { requestHeader } from './_headers.js';
import type { ResolvedSettings } from './_resolve-options.js';
import { TokenBuckets } from './_token-buckets.js';
import type { HttpLimitKind, HttpMetrics } from './metrics.js';
import { HttpProblem } from './problem.js';

/** Mutable runtime state shared by the middleware. */
export interface RuntimeState {
  draining: boolean;
  inFlight: number;
  readonly perIp: Map<string, number>;
  /** Called whenever the last request in flight ends (drain waits on it). */
  readonly idle: Set<() => void>;
}

/** The token buckets of the rate limits that are on. */
export interface Buckets {
  readonly global: TokenBuckets | undefined;
  readonly perIp: TokenBuckets | undefined;
  readonly perPrincipal: TokenBuckets | undefined;
}

/** Builds the token buckets the settings ask for. */
export function buildBuckets(settings: ResolvedSettings, now: () => number): Buckets {
  const r = settings.rateLimit;
  const make = (perMinute: number): TokenBuckets | undefined =>
    r === undefined || perMinute === 0
      ? undefined
      : new TokenBuckets(perMinute, Math.max(1, perMinute * r.burstFactor), r.maxTrackedKeys, now);
  return {
    global: make(r?.globalPerMinute ?? 0),
    perIp: make(r?.perIpPerMinute ?? 0),
    perPrincipal: make(r?.perPrincipalPerMinute ?? 0),
  };
}

/** A 429 `rate_limited` answer with `Retry-After`. */
export function rateLimited(scope: string, waitMs: number): HttpProblem {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new HttpProblem('rate_limited', `Too many requests (${scope}); retry in ${seconds} s.`, {
    headers: { 'Retry-After': String(seconds) },
    details: { limit: scope, retryAfterSeconds: seconds },
  });
}

/** The client address: `X-Forwarded-For` when trusted, else what the server adapter saw. */
export function clientAddress(c: HttpContext, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    const forwarded = requestHeader(c, 'x-forwarded-for');
    const first = forwarded?.split(',')[0]?.trim();
    if (first !== undefined && first !== '') return first;
  }
  const bindings = c.env as
    | { clientIp?: unknown; incoming?: { socket?: { remoteAddress?: unknown } } }
    | undefined;
  const ip = bindings?.clientIp ?? bindings?.incoming?.socket?.remoteAddress;
  return typeof ip === 'string' ? ip : undefined;
}

/** What {@link admit} needs. */
export interface AdmissionDeps {
  readonly settings: ResolvedSettings;
  readonly state: RuntimeState;
  readonly metrics: HttpMetrics;
  readonly buckets: Buckets;
}

/**
 * Decides whether a request may start: refused while draining (503
 * `shutting_down`), over `maxInFlight` (503 `resource_exhausted`), over a
 * client's `maxInFlightPerIp` or the global or per-IP rate (429
 * `rate_limited`). Returns the refusal, or undefined to admit.
 */
export function admit(deps: AdmissionDeps, ip: string | undefined): HttpProblem | undefined {
  const { settings, state, metrics, buckets } = deps;
  const refuse = (kind: HttpLimitKind, problem: HttpProblem): HttpProblem => {
    metrics.limitExceeded?.(kind);
    if (kind === 'rate_global') metrics.rateLimitExceeded?.('global');
    else if (kind === 'rate_ip') metrics.rateLimitExceeded?.('ip');
    return problem;
  };
  if (state.draining) {
    return new HttpProblem(
      'shutting_down',
      'The server is shutting down; retry on another instance.',
      {
        headers: { Connection: 'close', 'Retry-After': '1' },
      },
    );
  }
  const { maxInFlight, maxInFlightPerIp } = settings.limits;
  if (state.inFlight >= maxInFlight) {
    return refuse(
      'in_flight',
      new HttpProblem(
        'resource_exhausted',
        `The server is handling ${maxInFlight} requests (limits.maxInFlight); retry shortly.`,
        { headers: { 'Retry-After': '1' }, details: { reason: 'max_in_flight', maxInFlight } },
      ),
    );
  }
  if (ip !== undefined && maxInFlightPerIp > 0 && (state.perIp.get(ip) ?? 0) >= maxInFlightPerIp) {
    return refuse('in_flight_ip', rateLimited('requests in flight from this address', 1000));
  }
  const globalWait = buckets.global?.take('*') ?? 0;
  if (globalWait > 0) return refuse('rate_global', rateLimited('global', globalWait));
  const ipWait = ip === undefined ? 0 : (buckets.perIp?.take(ip) ?? 0);
  if (ipWait > 0) return refuse('rate_ip', rateLimited('per address', ipWait));
  return undefined;
}

/** Counts an admitted request in; the returned function counts it out (once). */
export function enter(deps: AdmissionDeps, ip: string | undefined): () => void {
  const { state, metrics } = deps;
  state.inFlight++;
  if (ip !== undefined) state.perIp.set(ip, (state.perIp.get(ip) ?? 0) + 1);
  metrics.httpInFlight?.(1);
  return () => {
    state.inFlight--;
    if (ip !== undefined) {
      const left = (state.perIp.get(ip) ?? 1) - 1;
      if (left <= 0) state.perIp.delete(ip);
      else state.perIp.set(ip, left);
    }
    metrics.httpInFlight?.(-1);
    if (state.inFlight === 0) for (const wake of state.idle) wake();
  };
}

/** Whether the path is a probe that skips admission (so probes work under load). */
export function isProbe(c: HttpContext): boolean {
  const path = c.req.path;
  return path === '/health' || path === '/ready';
}
