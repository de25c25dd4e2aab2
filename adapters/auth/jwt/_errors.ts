import { errors } from 'jose';
import { AuthError } from 'skreaver';

/** Why a token was refused, in `data.reason` of the adapter's `AuthError`s. */
export type JwtFailureReason =
  | 'missing'
  | 'malformed'
  | 'too_long'
  | 'algorithm'
  | 'unsupported'
  | 'signature'
  | 'no_matching_key'
  | 'key_unavailable'
  | 'expired'
  | 'not_yet_valid'
  | 'claim'
  | 'wrong_type'
  | 'revoked'
  | 'session_revoked'
  | 'reuse_detected';

/** The `data` of every `AuthError` the JWT adapter produces. */
export interface JwtErrorData {
  /** What went wrong. */
  readonly reason: JwtFailureReason;
  /** The claim at fault (`iss`, `aud`, `typ`, `sub`, ...), for claim failures. */
  readonly claim?: string;
}

type Code =
  | 'auth_required'
  | 'auth_invalid'
  | 'auth_expired'
  | 'auth_revoked'
  | 'token_not_yet_valid'
  | 'token_claim_invalid';

export function jwtError(
  code: Code,
  message: string,
  data: JwtErrorData,
  cause?: unknown,
): AuthError<JwtErrorData> {
  return new AuthError(code, message, cause === undefined ? { data } : { data, cause });
}

/**
 * Maps a jose failure to an exact code. Signature, algorithm and format
 * failures all read `auth_invalid`; `data.reason` tells them apart for logs.
 */
export function fromJose(error: unknown): AuthError<JwtErrorData> {
  if (error instanceof errors.JWTExpired) {
    return jwtError(
      'auth_expired',
      'The token has expired.',
      { reason: 'expired', claim: error.claim },
      error,
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') {
      return jwtError(
        'token_not_yet_valid',
        'The token is not valid yet (nbf is in the future).',
        { reason: 'not_yet_valid', claim: 'nbf' },
        error,
      );
    }
    return jwtError(
      'token_claim_invalid',
      `The token's '${error.claim}' claim is ${error.reason === 'missing' ? 'missing' : 'not what this verifier expects'}.`,
      { reason: 'claim', claim: error.claim },
      error,
    );
  }
  if (error instanceof errors.JOSENotSupported) {
    return jwtError(
      'auth_invalid',
      'The token uses a header feature this verifier does not support.',
      { reason: 'unsupported' },
      error,
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return jwtError(
      'auth_invalid',
      'The token is signed with an algorithm this verifier does not accept.',
      { reason: 'algorithm' },
      error,
    );
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return jwtError(
      'auth_invalid',
      'The token signature does not verify.',
      { reason: 'signature' },
      error,
    );
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return jwtError(
      'auth_invalid',
      'No single key of the key set matches the token.',
      { reason: 'no_matching_key' },
      error,
    );
  }
  if (
    error instanceof errors.JWKSTimeout ||
    error instanceof errors.JWKSInvalid ||
    !(error instanceof errors.JOSEError)
  ) {
    // A key set that cannot be fetched, or a key jose cannot use with this
    // token: the token is not trusted either way.
    return jwtError(
      'auth_invalid',
      'The token could not be verified: the verification key is unavailable or unusable.',
      { reason: 'key_unavailable' },
      error,
    );
  }
  return jwtError('auth_invalid', 'The token is malformed.', { reason: 'malformed' }, error);
}
