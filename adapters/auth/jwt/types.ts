import type {
  Principal,
  TokenType,
  TokenVerifier,
  TokenVerifyOptions,
  VerifiedToken,
} from 'skreaver';

/** What `issue` and `refresh` return. */
export interface TokenPair {
  /** The access token, for `Authorization: Bearer ...`. */
  readonly accessToken: string;
  /** The refresh token, to trade for a new pair once. */
  readonly refreshToken: string;
  /** Seconds the access token lives. */
  readonly expiresIn: number;
  /** Seconds the refresh token lives. */
  readonly refreshExpiresIn: number;
  /** Always `Bearer`. */
  readonly tokenType: 'Bearer';
}

/** JWT issuing and verification. Made by `createJwtAuth`; a `TokenVerifier`. */
export interface JwtAuth extends TokenVerifier {
  /**
   * Issues an access and a refresh token for `principal`, starting a new
   * session (the `sid` claim shared by every token refreshed from it).
   * @throws `ValidationError` `invalid_options` when the auth has no signing
   *   key; `invalid_input` for a principal without a string id and string roles.
   */
  issue(principal: Principal): Promise<TokenPair>;
  /**
   * Verifies a token of the given type (default `access`; a string or
   * `{ type }`): signature with an allowed algorithm, `iss`, `aud`, `exp`,
   * `nbf`, `iat`, `sub`, `jti`, the `typ` claim, then revocation of the token
   * and of its session.
   * @throws `AuthError`: `auth_required`, `auth_invalid`, `auth_expired`,
   *   `token_not_yet_valid`, `token_claim_invalid`, `auth_revoked`
   *   (`data` is `JwtErrorData`).
   */
  verify(token: string, options?: TokenVerifyOptions | TokenType): Promise<VerifiedToken>;
  /**
   * Trades a refresh token for a new pair in the same session and revokes it,
   * atomically: presenting a used refresh token again (a sign it was stolen)
   * revokes the whole session and fails with `auth_revoked`
   * (`reason: 'reuse_detected'`).
   * @throws what `verify` throws for a refresh token.
   */
  refresh(refreshToken: string): Promise<TokenPair>;
  /**
   * Revokes one token (access or refresh) until it would expire. An expired
   * token needs nothing and resolves quietly.
   * @throws `AuthError` `auth_invalid` and the claim codes for a token this auth did not issue.
   */
  revoke(token: string): Promise<void>;
  /** Revokes every token of the token's session (logout everywhere that session reached). */
  revokeSession(token: string): Promise<void>;
}
