import { AuthError, isSkreaverError, type Principal } from 'skreaver';
import type { HttpContext } from './_context.js';
import type { CredentialCache } from './_credential-cache.js';
import { requestHeader } from './_headers.js';
import type { ResolvedAuth } from './_resolve-options.js';
import type { HttpMetrics } from './metrics.js';
import { HttpProblem } from './problem.js';

const BEARER = /^Bearer[ \t]+([^\s]+)[ \t]*$/i;
const CHALLENGE = 'Bearer realm="skreaver"';

/** Where a credential came from. */
export interface Credential {
  readonly kind: 'jwt' | 'api_key';
  readonly value: string;
}

/**
 * Finds the request's credential: `Authorization: Bearer <token>` (a JWT when
 * it has dots, else an API key) or `X-API-Key: <key>`. Undefined when there
 * is none.
 *
 * @throws {@link HttpProblem} `auth_invalid` for an `Authorization` header
 *   that is not `Bearer <token>` (and no `X-API-Key` to fall back on).
 */
export function findCredential(c: HttpContext): Credential | undefined {
  const authorization = requestHeader(c, 'authorization');
  const apiKey = requestHeader(c, 'x-api-key');
  if (authorization !== null) {
    const token = BEARER.exec(authorization)?.[1];
    if (token !== undefined) return { kind: token.includes('.') ? 'jwt' : 'api_key', value: token };
    if (apiKey === null) {
      throw new HttpProblem(
        'auth_invalid',
        "The Authorization header must be 'Bearer <token>'; API keys may also go in X-API-Key.",
        { headers: { 'WWW-Authenticate': CHALLENGE } },
      );
    }
  }
  if (apiKey !== null) return { kind: 'api_key', value: apiKey.trim() };
  return undefined;
}

function challenge(error: unknown): unknown {
  if (error instanceof AuthError) {
    return new HttpProblem(error.code, error.message, {
      cause: error,
      headers: { 'WWW-Authenticate': `${CHALLENGE}, error="invalid_token"` },
    });
  }
  return error;
}

/**
 * Verifies an API key with `auth.apiKeys`.
 *
 * @throws `auth_invalid` when API keys are not accepted; what the verifier rejects with.
 */
export async function verifyApiKey(auth: ResolvedAuth, key: string): Promise<Principal> {
  if (auth.apiKeys === undefined) {
    throw new HttpProblem('auth_invalid', 'This server does not accept API keys; send a JWT.', {
      headers: { 'WWW-Authenticate': CHALLENGE },
    });
  }
  try {
    return await auth.apiKeys.verify(key);
  } catch (error) {
    throw challenge(error);
  }
}

/**
 * Authenticates the request and resolves its principal: at once for a
 * credential verified a moment ago (the cache), else once the verifier
 * answers, so the common case costs no extra promise.
 *
 * @throws {@link HttpProblem} or `AuthError`: `auth_required` (no
 *   credential), `auth_invalid`, `auth_expired`, `auth_revoked`,
 *   `token_not_yet_valid`, `token_claim_invalid`; a verifier's own failure
 *   (a key store that is down) propagates with its code.
 */
export function authenticate(
  c: HttpContext,
  auth: ResolvedAuth,
  metrics: HttpMetrics,
  cache: CredentialCache | undefined,
): Principal | Promise<Principal> {
  let credential: Credential | undefined;
  try {
    credential = findCredential(c);
  } catch (error) {
    metrics.authAttempt?.('invalid', 'none');
    throw error;
  }
  if (credential === undefined) {
    metrics.authAttempt?.('failure', 'none');
    throw new HttpProblem(
      'auth_required',
      'This route needs credentials: Authorization: Bearer <token>, or X-API-Key: <key>.',
      { headers: { 'WWW-Authenticate': CHALLENGE } },
    );
  }
  const cached = cache?.get(credential.value);
  if (cached !== undefined) {
    metrics.authAttempt?.('success', credential.kind);
    return cached;
  }
  return verify(credential, auth, metrics, cache);
}

async function verify(
  credential: Credential,
  auth: ResolvedAuth,
  metrics: HttpMetrics,
  cache: CredentialCache | undefined,
): Promise<Principal> {
  try {
    let principal: Principal;
    if (credential.kind === 'api_key') {
      principal = await verifyApiKey(auth, credential.value);
      cache?.set(credential.value, principal);
    } else if (auth.tokens === undefined) {
      throw new HttpProblem('auth_invalid', 'This server does not accept JWTs; send an API key.', {
        headers: { 'WWW-Authenticate': CHALLENGE },
      });
    } else {
      try {
        const verified = await auth.tokens.verify(credential.value);
        principal = verified.principal;
        cache?.set(credential.value, principal, verified.claims.exp * 1000);
      } catch (error) {
        throw challenge(error);
      }
    }
    metrics.authAttempt?.('success', credential.kind);
    return principal;
  } catch (error) {
    const code =
      error instanceof HttpProblem ? error.code : isSkreaverError(error) ? error.code : '';
    if (code.startsWith('auth_') || code.startsWith('token_')) {
      // A token that is not a valid JWT is `invalid`; a key or token that is
      // unknown, expired or revoked is a `failure` (the original's split).
      const invalid = credential.kind === 'jwt' && code === 'auth_invalid';
      metrics.authAttempt?.(invalid ? 'invalid' : 'failure', credential.kind);
    }
    throw error;
  }
}

/**
 * Requires `permission` of the principal.
 *
 * @throws {@link HttpProblem} `permission_denied` (403).
 */
export function requirePermission(
  auth: ResolvedAuth,
  principal: Principal,
  permission: string | null,
): void {
  if (permission === null || auth.rbac.hasPermission(principal, permission)) return;
  throw new HttpProblem(
    'permission_denied',
    `'${principal.id}' lacks the permission '${permission}' this route needs.`,
    { details: { permission } },
  );
}
