import type { MiddlewareHandler } from 'hono';
import { rateLimited } from './_admission.js';
import { authenticate, requirePermission } from './_auth.js';
import type { HttpEnv } from './_context.js';
import { CredentialCache } from './_credential-cache.js';
import type { ResolvedAuth } from './_resolve-options.js';
import type { TokenBuckets } from './_token-buckets.js';
import type { HttpMetrics } from './metrics.js';

/**
 * Makes `protect(permission)`: authenticate (401), apply the per-principal
 * rate limit (429), require the permission (403). With `auth: false` it lets
 * everything through.
 */
export function protector(
  auth: ResolvedAuth | undefined,
  metrics: HttpMetrics,
  perPrincipal: TokenBuckets | undefined,
  now: () => number,
): (permission?: string | null, route?: string) => MiddlewareHandler<HttpEnv> {
  const cache =
    auth === undefined || auth.cacheMs === 0
      ? undefined
      : new CredentialCache(auth.cacheMs, auth.cacheMaxEntries, now);
  return (permission = null, route = undefined) =>
    async function skreaverAuth(c, next) {
      if (route !== undefined) c.set('route', route);
      if (auth === undefined) return next();
      const found = authenticate(c, auth, metrics, cache);
      const principal = found instanceof Promise ? await found : found;
      c.set('principal', principal);
      const wait = perPrincipal?.take(principal.id) ?? 0;
      if (wait > 0) {
        metrics.limitExceeded?.('rate_principal');
        metrics.rateLimitExceeded?.('user');
        throw rateLimited('per principal', wait);
      }
      requirePermission(auth, principal, permission);
      return next();
    };
}
