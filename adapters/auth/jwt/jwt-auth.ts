import { jwtVerify, SignJWT } from 'jose';
import {
  AuthError,
  memoryRevocationStore,
  type RevocationStore,
  type TokenClaims,
  type TokenType,
  ValidationError,
  type VerifiedToken,
} from 'skreaver';
import { checkClaims, isStringArray, typeOf } from './_claims.js';
import { fromJose, type JwtErrorData, jwtError } from './_errors.js';
import { invalidOption, resolveKeys, type Signer } from './_keys.js';
import { JWT_DEFAULTS, type JwtAuthOptions } from './options.js';
import type { JwtAuth, TokenPair } from './types.js';

/** Claims the verifier requires in every token; `nbf` is checked when present. */
const REQUIRED_CLAIMS = ['exp', 'iat', 'sub', 'jti'];
const SESSION_PREFIX = 'sid:';

function positive(option: string, value: unknown, fallback: number, allowZero = false): number {
  const chosen = value ?? fallback;
  if (
    typeof chosen !== 'number' ||
    !Number.isFinite(chosen) ||
    chosen < 0 ||
    (!allowZero && chosen === 0)
  ) {
    throw invalidOption(
      option,
      `must be a ${allowZero ? 'non-negative' : 'positive'} finite number`,
      value,
    );
  }
  return chosen;
}

/**
 * Creates JWT auth on jose: issues access and refresh tokens (claims `sub`,
 * `roles`, `iss`, `aud`, `exp`, `nbf`, `iat`, `jti`, `typ`, `sid`), verifies
 * them against an algorithm allow-list, rotates refresh tokens with reuse
 * detection, and revokes tokens and sessions through a `RevocationStore`.
 * HS256 with a `secret` of at least 32 bytes by default; RS256, ES256 or
 * EdDSA with `privateKey` plus `publicKey`/`jwks`/`jwksUrl`; verification
 * only with just a public key or key set.
 *
 * @throws `ValidationError` `invalid_options`: no key source (there is no
 *   default secret), a short secret, `none` or an unknown algorithm, HS and
 *   asymmetric algorithms mixed, an out-of-range lifetime.
 * @example
 * ```ts
 * const auth = createJwtAuth({ secret: process.env.SKREAVER_JWT_SECRET });
 * const { accessToken, refreshToken } = await auth.issue({ id: 'u1', roles: ['agent'] });
 * const { principal } = await auth.verify(accessToken); // { id: 'u1', roles: ['agent'], ... }
 * const next = await auth.refresh(refreshToken);
 * ```
 */
export function createJwtAuth(options: JwtAuthOptions): JwtAuth {
  if (typeof options !== 'object' || options === null) {
    throw invalidOption(
      'secret',
      'is required: pass { secret } or a key pair; there is no built-in default',
    );
  }
  const { signer, verifier } = resolveKeys(options);
  const issuer = options.issuer ?? JWT_DEFAULTS.issuer;
  if (typeof issuer !== 'string' || issuer === '') {
    throw invalidOption('issuer', 'must be a non-empty string', issuer);
  }
  const audienceOption = options.audience ?? JWT_DEFAULTS.audience;
  const audience = typeof audienceOption === 'string' ? [audienceOption] : audienceOption;
  if (!isStringArray(audience) || audience.length === 0 || audience.includes('')) {
    throw invalidOption('audience', 'must be a non-empty string or array of them', audienceOption);
  }
  const accessTtl = positive('accessTtl', options.accessTtl, JWT_DEFAULTS.accessTtl);
  const refreshTtl = positive('refreshTtl', options.refreshTtl, JWT_DEFAULTS.refreshTtl);
  const tolerance = positive(
    'clockToleranceSec',
    options.clockToleranceSec,
    JWT_DEFAULTS.clockToleranceSec,
    true,
  );
  const maxTokenLength = positive(
    'maxTokenLength',
    options.maxTokenLength,
    JWT_DEFAULTS.maxTokenLength,
  );
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw invalidOption('now', 'must be a function');
  if (options.keyId !== undefined && typeof options.keyId !== 'string') {
    throw invalidOption('keyId', 'must be a string');
  }
  const acceptMissingTyp = options.acceptMissingTyp ?? false;
  const revocation: RevocationStore = options.revocation ?? memoryRevocationStore({ now });
  const toleranceMs = tolerance * 1000;
  // A session revocation must outlive every token of the session: the newest
  // was issued at most now, so it expires within the longer lifetime.
  const sessionLifetimeMs = Math.max(accessTtl, refreshTtl) * 1000 + toleranceMs;

  const needSigner = (): Signer => {
    if (signer === undefined) {
      throw invalidOption(
        'privateKey',
        'is required to issue tokens: this auth was configured to verify only',
      );
    }
    return signer;
  };

  async function sign(
    s: Signer,
    sub: string,
    roles: readonly string[],
    sid: string,
    typ: TokenType,
  ): Promise<string> {
    const iat = Math.floor(now() / 1000);
    const header =
      options.keyId === undefined
        ? { alg: s.algorithm, typ: 'JWT' }
        : { alg: s.algorithm, typ: 'JWT', kid: options.keyId };
    const jwt = new SignJWT({ roles: [...roles], typ, sid })
      .setProtectedHeader(header)
      .setSubject(sub)
      .setIssuer(issuer)
      .setAudience(audience.length === 1 ? (audience[0] as string) : [...audience])
      .setIssuedAt(iat)
      .setNotBefore(iat)
      .setExpirationTime(iat + (typ === 'access' ? accessTtl : refreshTtl))
      .setJti(globalThis.crypto.randomUUID());
    const key = await s.key();
    try {
      return await jwt.sign(key);
    } catch (cause) {
      // jose refuses a key that does not fit the algorithm (an RSA key for ES256).
      throw new ValidationError(
        'invalid_options',
        `The JWT signing key cannot sign ${s.algorithm}; check 'privateKey' and 'algorithm'.`,
        { data: { option: 'privateKey', algorithm: s.algorithm }, cause },
      );
    }
  }

  async function pair(sub: string, roles: readonly string[], sid: string): Promise<TokenPair> {
    const s = needSigner();
    const [accessToken, refreshToken] = await Promise.all([
      sign(s, sub, roles, sid, 'access'),
      sign(s, sub, roles, sid, 'refresh'),
    ]);
    return {
      accessToken,
      refreshToken,
      expiresIn: accessTtl,
      refreshExpiresIn: refreshTtl,
      tokenType: 'Bearer',
    };
  }

  /** Signature and registered claims; `type` undefined accepts either type. */
  async function decode(token: unknown, type: TokenType | undefined): Promise<TokenClaims> {
    if (token === undefined || token === null || token === '') {
      throw jwtError('auth_required', 'A bearer token is required.', { reason: 'missing' });
    }
    if (typeof token !== 'string') {
      throw jwtError('auth_invalid', 'The token must be a string.', { reason: 'malformed' });
    }
    if (token.length > maxTokenLength) {
      throw jwtError('auth_invalid', `The token is longer than ${maxTokenLength} characters.`, {
        reason: 'too_long',
      });
    }
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, await verifier.key(), {
        algorithms: [...verifier.algorithms],
        issuer,
        audience: [...audience],
        clockTolerance: tolerance,
        currentDate: new Date(now()),
        requiredClaims: REQUIRED_CLAIMS,
      }));
    } catch (error) {
      throw fromJose(error);
    }
    return checkClaims(payload, type, acceptMissingTyp);
  }

  async function checkRevocation(claims: TokenClaims): Promise<void> {
    const [tokenRevoked, sessionRevoked] = await Promise.all([
      revocation.isRevoked(claims.jti),
      claims.sid === undefined ? false : revocation.isRevoked(SESSION_PREFIX + claims.sid),
    ]);
    if (tokenRevoked) {
      throw jwtError('auth_revoked', 'The token was revoked.', { reason: 'revoked' });
    }
    if (sessionRevoked) {
      throw jwtError('auth_revoked', "The token's session was revoked.", {
        reason: 'session_revoked',
      });
    }
  }

  const verified = (claims: TokenClaims): VerifiedToken => {
    const attributes: Record<string, unknown> = { tokenId: claims.jti, tokenType: claims.typ };
    if (claims.sid !== undefined) attributes.sessionId = claims.sid;
    return { principal: { id: claims.sub, roles: claims.roles, attributes }, claims };
  };

  /** Kept past `exp` by the clock tolerance, as long as `verify` could still accept the token. */
  async function revokeToken(claims: TokenClaims): Promise<boolean> {
    return revocation.revoke(claims.jti, claims.exp * 1000 + toleranceMs);
  }

  async function revokeSession(sid: string): Promise<void> {
    await revocation.revoke(SESSION_PREFIX + sid, now() + sessionLifetimeMs);
  }

  /** A spent refresh token came back: whoever holds the session may be a thief, so it ends. */
  async function reuseDetected(sid: string): Promise<AuthError<JwtErrorData>> {
    await revokeSession(sid);
    return jwtError(
      'auth_revoked',
      'The refresh token was already used; its session is now revoked.',
      { reason: 'reuse_detected' },
    );
  }

  /** Decodes for revocation: expired tokens need nothing, so undefined. */
  async function decodeForRevocation(token: string): Promise<TokenClaims | undefined> {
    try {
      return await decode(token, undefined);
    } catch (error) {
      if (error instanceof AuthError && error.code === 'auth_expired') return undefined;
      throw error;
    }
  }

  return {
    async issue(principal) {
      needSigner();
      if (
        typeof principal !== 'object' ||
        principal === null ||
        typeof principal.id !== 'string' ||
        principal.id === '' ||
        !isStringArray(principal.roles)
      ) {
        throw new ValidationError(
          'invalid_input',
          'A principal needs a non-empty string id and an array of string roles.',
          {
            data: { field: 'principal' },
          },
        );
      }
      return pair(principal.id, principal.roles, globalThis.crypto.randomUUID());
    },
    async verify(token, typeOrOptions) {
      const claims = await decode(token, typeOf(typeOrOptions));
      await checkRevocation(claims);
      return verified(claims);
    },
    async refresh(refreshToken) {
      needSigner();
      const claims = await decode(refreshToken, 'refresh');
      const sid = claims.sid ?? claims.jti;
      try {
        await checkRevocation(claims);
      } catch (error) {
        if (error instanceof AuthError && (error.data as JwtErrorData).reason === 'revoked') {
          throw await reuseDetected(sid);
        }
        throw error;
      }
      // Revoking is the atomic claim on this token: of two concurrent refreshes
      // only one gets true; the other is treated as reuse.
      const first = await revokeToken(claims);
      if (!first) throw await reuseDetected(sid);
      return pair(claims.sub, claims.roles, sid);
    },
    async revoke(token) {
      const claims = await decodeForRevocation(token);
      if (claims !== undefined) await revokeToken(claims);
    },
    async revokeSession(token) {
      const claims = await decodeForRevocation(token);
      if (claims === undefined) return;
      if (claims.sid === undefined) await revokeToken(claims);
      else await revokeSession(claims.sid);
    },
  };
}
