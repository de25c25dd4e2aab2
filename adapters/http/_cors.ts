import type { HttpContext } from './_context.js';
import { requestHeader } from './_headers.js';

const METHODS = 'GET, HEAD, POST, DELETE, OPTIONS';
const ALLOW_HEADERS = 'Authorization, X-API-Key, Content-Type, X-Request-Id';
const EXPOSE_HEADERS = 'X-Request-Id, Retry-After, Location, WWW-Authenticate';

/** CORS for browsers; see {@link applyCors}. */
export interface CorsPolicy {
  readonly origin: '*' | ReadonlySet<string>;
  readonly maxAgeSec: number;
}

/** The policy for `origin` (`'*'` or a list) and `maxAgeSec`. */
export function corsPolicy(origin: '*' | readonly string[], maxAgeSec: number): CorsPolicy {
  return { origin: origin === '*' ? '*' : new Set(origin), maxAgeSec };
}

/**
 * Adds CORS headers to the request's standard response headers when the
 * request has an `Origin` (servers and CLIs send none and pass untouched),
 * and tells whether it is a preflight (`OPTIONS` with
 * `Access-Control-Request-Method`), which is answered 204 at once. Headers
 * go in before the handler runs, so no response has to be copied afterwards.
 */
export function applyCors(c: HttpContext, policy: CorsPolicy): 'preflight' | undefined {
  const requestOrigin = requestHeader(c, 'origin');
  if (requestOrigin === null) return undefined;
  const { origin } = policy;
  const allow = origin === '*' ? '*' : origin.has(requestOrigin) ? requestOrigin : undefined;
  const headers: Record<string, string> = { ...c.get('responseHeaders') };
  if (origin !== '*') headers.Vary = 'Origin';
  const preflight =
    c.req.method === 'OPTIONS' && requestHeader(c, 'access-control-request-method') !== null;
  if (allow !== undefined) {
    headers['Access-Control-Allow-Origin'] = allow;
    if (preflight) {
      headers['Access-Control-Allow-Methods'] = METHODS;
      headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
      headers['Access-Control-Max-Age'] = String(policy.maxAgeSec);
    } else {
      headers['Access-Control-Expose-Headers'] = EXPOSE_HEADERS;
    }
  }
  c.set('responseHeaders', headers);
  return preflight ? 'preflight' : undefined;
}
