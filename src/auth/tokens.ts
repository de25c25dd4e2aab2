import type { Principal } from '../principal.js';

/** Which kind of token a caller expects: a short-lived access token or a refresh token. */
export type TokenType = 'access' | 'refresh';

/**
 * The claims of a verified token. `typ` tells access from refresh tokens, so
 * a refresh token is never accepted where an access token is expected.
 */
export interface TokenClaims {
  /** The principal's id. */
  readonly sub: string;
  /** The principal's roles. */
  readonly roles: readonly string[];
  /** The token's unique id, used for revocation. */
  readonly jti: string;
  /** The token's kind. */
  readonly typ: TokenType;
  /** Expiry, epoch seconds. */
  readonly exp: number;
  /** Issue time, epoch seconds. */
  readonly iat: number;
  /** Not-before time, epoch seconds. */
  readonly nbf?: number;
  /** Issuer. */
  readonly iss?: string;
  /** Audience(s). */
  readonly aud?: string | readonly string[];
  /** Session id shared by every token of one login and its refreshes. */
  readonly sid?: string;
  /** Any other claim. */
  readonly [claim: string]: unknown;
}

/** What a {@link TokenVerifier} returns for a good token. */
export interface VerifiedToken {
  /** The caller the token stands for. */
  readonly principal: Principal;
  /** The token's claims. */
  readonly claims: TokenClaims;
}

/** Options of {@link TokenVerifier.verify}. */
export interface TokenVerifyOptions {
  /** The kind of token expected; any other kind is refused. @defaultValue 'access' */
  readonly type?: TokenType;
}

/**
 * Verifies bearer tokens. The HTTP layer and the mesh depend on this contract
 * only; `skreaver/auth/jwt` implements it with jose.
 *
 * A verifier rejects with an `AuthError`: `auth_required` (empty token),
 * `auth_invalid` (malformed, bad signature, algorithm not allowed),
 * `auth_expired`, `token_not_yet_valid`, `token_claim_invalid` (issuer,
 * audience, type or a required claim), `auth_revoked`.
 */
export interface TokenVerifier {
  /** Verifies `token` and resolves its principal and claims. */
  verify(token: string, options?: TokenVerifyOptions): Promise<VerifiedToken>;
}

/**
 * Remembers revoked token ids until the tokens would have expired anyway.
 * `memoryRevocationStore()` keeps them in this process; `skreaver/auth/jwt`
 * has a Redis one for several processes.
 */
export interface RevocationStore {
  /**
   * Marks `jti` revoked until `expiresAtMs` (epoch ms), after which the entry
   * may be dropped. Resolves true when this call revoked it, false when it
   * was already revoked or `expiresAtMs` has passed; the answer is atomic,
   * which is what lets refresh-token rotation detect reuse.
   */
  revoke(jti: string, expiresAtMs: number): Promise<boolean>;
  /** Whether `jti` is revoked (and its entry has not expired). */
  isRevoked(jti: string): Promise<boolean>;
}
