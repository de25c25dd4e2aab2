import { isSkreaverError, type Principal } from 'skreaver';
import { jsonRpcError } from './_http-io.js';
import type { OriginCheck } from './_origin-check.js';
import type { McpAuthenticate, McpHttpRequestContext } from './http-options.js';

/** A 403 for a request whose `Host` or `Origin` is not allowed (DNS rebinding), or undefined. */
export function refuseForeign(request: Request, check: OriginCheck): Response | undefined {
  let host = request.headers.get('host');
  if (host === null) {
    try {
      host = new URL(request.url).host;
    } catch {
      host = null;
    }
  }
  const refusal = check(host, request.headers.get('origin'));
  if (refusal === undefined) return undefined;
  return jsonRpcError(403, -32000, `Forbidden: ${refusal.replaceAll('_', ' ')}.`, {
    code: 'permission_denied',
    reason: refusal,
  });
}

const CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

/**
 * The request's principal: the one the caller passed, else what
 * `authenticate` says (undefined or a throw is a 401), else none.
 */
export async function resolvePrincipal(
  request: Request,
  context: McpHttpRequestContext | undefined,
  authenticate: McpAuthenticate | undefined,
): Promise<{ ok: true; principal: Principal | undefined } | { ok: false; response: Response }> {
  if (context !== undefined && 'principal' in context) {
    return { ok: true, principal: context.principal };
  }
  if (authenticate === undefined) return { ok: true, principal: undefined };
  let principal: Principal | undefined;
  try {
    principal = await authenticate(request);
  } catch (error) {
    const code = isSkreaverError(error) ? error.code : 'auth_invalid';
    const message = 'Unauthorized: the credentials were refused.';
    return { ok: false, response: jsonRpcError(401, -32000, message, { code }, CHALLENGE) };
  }
  if (principal === undefined) {
    const message = 'Unauthorized: this MCP endpoint needs credentials.';
    return {
      ok: false,
      response: jsonRpcError(401, -32000, message, { code: 'auth_required' }, CHALLENGE),
    };
  }
  return { ok: true, principal };
}
