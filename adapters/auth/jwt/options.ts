import type { CryptoKey, JSONWebKeySet, JWK, KeyObject, RemoteJWKSetOptions } from 'jose';
import type { RevocationStore } from 'skreaver';

/** The signature algorithms the adapter accepts. `none` is not one of them, ever. */
export const JWT_ALGORITHMS = [
  'HS256',
  'HS384',
  'HS512',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** One of {@link JWT_ALGORITHMS}. */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** A key jose can use: a WebCrypto `CryptoKey`, a Node `KeyObject`, or a JWK. */
export type JwtKey = CryptoKey | KeyObject | JWK;

/** Defaults of {@link JwtAuthOptions}. */
export const JWT_DEFAULTS = Object.freeze({
  issuer: 'skreaver',
  audience: 'skreaver-api',
  accessTtl: 15 * 60,
  refreshTtl: 7 * 24 * 60 * 60,
  clockToleranceSec: 0,
  maxTokenLength: 8192,
  jwksAlgorithms: Object.freeze(['RS256', 'ES256', 'EdDSA'] as const),
});

/** Options of `createJwtAuth`. Give exactly one key source: `secret`, `privateKey`, `publicKey`, `jwks` or `jwksUrl`. */
export interface JwtAuthOptions {
  /**
   * The HMAC secret (HS256/384/512): a string (its UTF-8 bytes) or bytes, at
   * least 32 bytes for HS256, 48 for HS384 and 64 for HS512. There is no
   * built-in default; `openssl rand -base64 32` makes one.
   * @defaultValue none
   */
  readonly secret?: string | Uint8Array;
  /**
   * The private key that signs tokens (RS*, PS*, ES*, EdDSA). Needs a
   * verification key too: `publicKey`, `jwks` or `jwksUrl`.
   * @defaultValue none
   */
  readonly privateKey?: JwtKey;
  /** The public key that verifies tokens. Alone, the auth only verifies. @defaultValue none */
  readonly publicKey?: JwtKey;
  /** A local JSON Web Key Set to verify with (keys chosen by `kid` and `alg`). @defaultValue none */
  readonly jwks?: JSONWebKeySet;
  /** The URL of a remote JWKS (fetched and cached by jose's `createRemoteJWKSet`). @defaultValue none */
  readonly jwksUrl?: string | URL;
  /** Options for the remote JWKS (timeouts, cache age, headers). @defaultValue jose's defaults */
  readonly jwksOptions?: RemoteJWKSetOptions;
  /**
   * The algorithm issued tokens are signed with.
   * @defaultValue 'HS256' with `secret`; the JWK's `alg` with a JWK private key; required otherwise
   */
  readonly algorithm?: JwtAlgorithm;
  /**
   * The algorithms `verify` accepts. Symmetric and asymmetric algorithms may
   * not be mixed, and they must fit the key (only HS* with a secret), so a
   * token signed with HS256 and a public key as its secret fails.
   * @defaultValue `[algorithm]`, or `['RS256', 'ES256', 'EdDSA']` with `jwks`/`jwksUrl`
   */
  readonly algorithms?: readonly JwtAlgorithm[];
  /** The `kid` header of issued tokens, to pick the key in a JWKS. @defaultValue none */
  readonly keyId?: string;
  /** The `iss` claim issued and required. @defaultValue 'skreaver' */
  readonly issuer?: string;
  /** The `aud` claim issued; `verify` requires one of them. @defaultValue 'skreaver-api' */
  readonly audience?: string | readonly string[];
  /** Access token lifetime in seconds. @defaultValue 900 (15 minutes) */
  readonly accessTtl?: number;
  /** Refresh token lifetime in seconds. @defaultValue 604800 (7 days) */
  readonly refreshTtl?: number;
  /**
   * Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. Revocations are
   * kept this much longer than the token's expiry.
   * @defaultValue 0
   */
  readonly clockToleranceSec?: number;
  /**
   * Where revoked token and session ids are kept. Use the Redis store when
   * several processes verify tokens.
   * @defaultValue a new in-process `memoryRevocationStore()`
   */
  readonly revocation?: RevocationStore;
  /**
   * Accept tokens without a `typ` claim as access tokens (never as refresh
   * tokens): for tokens from an external identity provider verified through
   * `jwks`/`jwksUrl`. Tokens with a `typ` claim are still checked.
   * @defaultValue false
   */
  readonly acceptMissingTyp?: boolean;
  /** Longer tokens are refused before any parsing, in characters. @defaultValue 8192 */
  readonly maxTokenLength?: number;
  /** The clock, epoch milliseconds. @defaultValue Date.now */
  readonly now?: () => number;
}
