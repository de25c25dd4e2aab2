import {
  type AuthError,
  type TokenClaims,
  type TokenType,
  type TokenVerifyOptions,
  ValidationError,
} from 'skreaver';
import { type JwtErrorData, jwtError } from './_errors.js';

/** The token type asked for: a string or `{ type }`, `access` by default. */
export function typeOf(options: TokenVerifyOptions | TokenType | undefined): TokenType {
  const type = typeof options === 'string' ? options : (options?.type ?? 'access');
  if (type !== 'access' && type !== 'refresh') {
    throw new ValidationError('invalid_input', "The token type must be 'access' or 'refresh'.", {
      data: { type },
    });
  }
  return type;
}

function claimError(claim: string, message: string): AuthError<JwtErrorData> {
  return jwtError('token_claim_invalid', message, { reason: 'claim', claim });
}

/** Whether `value` is an array of strings. */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * Checks the claims jose does not know: `sub`, `jti`, `roles`, `sid` and the
 * `typ` claim that keeps refresh tokens out of access-token checks.
 * `type` undefined accepts either type.
 */
export function checkClaims(
  payload: Record<string, unknown>,
  type: TokenType | undefined,
  acceptMissingTyp: boolean,
): TokenClaims {
  const { sub, jti, typ, roles, sid } = payload;
  if (typeof sub !== 'string' || sub === '') {
    throw claimError('sub', "The token's 'sub' claim must be a non-empty string.");
  }
  if (typeof jti !== 'string' || jti === '') {
    throw claimError('jti', "The token's 'jti' claim must be a non-empty string.");
  }
  if (roles !== undefined && !isStringArray(roles)) {
    throw claimError('roles', "The token's 'roles' claim must be an array of strings.");
  }
  if (sid !== undefined && (typeof sid !== 'string' || sid === '')) {
    throw claimError('sid', "The token's 'sid' claim must be a non-empty string.");
  }
  const actualType = typ === undefined && acceptMissingTyp ? 'access' : typ;
  if (actualType !== 'access' && actualType !== 'refresh') {
    throw claimError('typ', "The token's 'typ' claim must be 'access' or 'refresh'.");
  }
  if (type !== undefined && actualType !== type) {
    throw jwtError(
      'token_claim_invalid',
      `Expected an ${type} token but got a${actualType === 'access' ? 'n' : ''} ${actualType} token.`,
      { reason: 'wrong_type', claim: 'typ' },
    );
  }
  return { ...payload, sub, jti, typ: actualType, roles: roles ?? [] } as unknown as TokenClaims;
}
