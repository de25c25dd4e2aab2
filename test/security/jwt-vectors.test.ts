import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { AuthError } from 'skreaver';
import { createJwtAuth, type JwtAuth, type JwtErrorData } from 'skreaver/auth/jwt';
import { beforeAll, describe, expect, it } from 'vitest';

// Attack vectors against the JWT verifier. Every vector is a token crafted by
// hand or with jose under other keys, algorithms or claims, and asserts the
// exact error code (and the reason in `data`) the verifier must produce.

const NOW_MS = 1_700_000_000_000;
const NOW = NOW_MS / 1000;
const SECRET = 'a-test-secret-that-is-36-bytes-long';
const secretBytes = new TextEncoder().encode(SECRET);
const now = () => NOW_MS;

const b64url = (value: string | Uint8Array) =>
  btoa(typeof value === 'string' ? value : String.fromCharCode(...value))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const json = (value: unknown) => b64url(JSON.stringify(value));

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base: Record<string, unknown> = {
    sub: 'mallory',
    roles: ['agent'],
    iss: 'skreaver',
    aud: 'skreaver-api',
    iat: NOW,
    nbf: NOW,
    exp: NOW + 900,
    jti: 'a9d1d2f4-0000-4000-8000-000000000001',
    typ: 'access',
    sid: 'session-1',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

/** Signs `payload` with jose under `key` and `alg` (and extra header fields). */
function signed(
  payload: Record<string, unknown>,
  key: Parameters<SignJWT['sign']>[0] = secretBytes,
  alg = 'HS256',
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT', ...header }).sign(key);
}

/** Signs any header by hand with HMAC-SHA-256 (jose refuses to sign some of the headers tested). */
async function handSigned(
  head: Record<string, unknown>,
  payload: Record<string, unknown>,
): Promise<string> {
  const input = `${json(head)}.${json(payload)}`;
  const key = await crypto.subtle.importKey(
    'raw',
    secretBytes,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)),
  );
  return `${input}.${b64url(mac)}`;
}

async function failure(promise: Promise<unknown>): Promise<[string, string | undefined]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    const auth = error as AuthError<JwtErrorData>;
    return [auth.code, auth.data?.reason];
  }
  throw new Error('the token was accepted');
}

describe('JWT attack vectors (HS256 verifier)', () => {
  let auth: JwtAuth;
  let valid: string;

  beforeAll(async () => {
    auth = createJwtAuth({ secret: SECRET, now });
    valid = await signed(claims());
    // The baseline: the same claims, honestly signed, verify.
    await expect(auth.verify(valid)).resolves.toMatchObject({ principal: { id: 'mallory' } });
  });

  it('1. alg none with an empty signature', async () => {
    const token = `${json({ alg: 'none', typ: 'JWT' })}.${json(claims())}.`;
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'algorithm']);
  });

  it('2. alg none in other spellings (None, NONE, nOnE)', async () => {
    for (const alg of ['None', 'NONE', 'nOnE']) {
      const token = `${json({ alg, typ: 'JWT' })}.${json(claims())}.`;
      expect((await failure(auth.verify(token)))[0]).toBe('auth_invalid');
    }
  });

  it('3. alg none carrying the signature of a valid token', async () => {
    const [, body, sig] = valid.split('.');
    const token = `${json({ alg: 'none', typ: 'JWT' })}.${body}.${sig}`;
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'algorithm']);
  });

  it('4. algorithm swap to HS384/HS512 with the same secret', async () => {
    const long = new Uint8Array(64).fill(1);
    const strong = createJwtAuth({ secret: long, now });
    const hs512 = await signed(claims(), long, 'HS512');
    expect(await failure(strong.verify(hs512))).toEqual(['auth_invalid', 'algorithm']);
    expect(await failure(auth.verify(await signed(claims(), secretBytes, 'HS384')))).toEqual([
      'auth_invalid',
      'algorithm',
    ]);
  });

  it('5. expired token', async () => {
    const token = await signed(claims({ iat: NOW - 1000, nbf: NOW - 1000, exp: NOW - 1 }));
    expect(await failure(auth.verify(token))).toEqual(['auth_expired', 'expired']);
  });

  it('6. token expiring exactly now (no default leeway)', async () => {
    const token = await signed(claims({ exp: NOW }));
    expect(await failure(auth.verify(token))).toEqual(['auth_expired', 'expired']);
  });

  it('7. token not valid yet (nbf in the future)', async () => {
    const token = await signed(claims({ nbf: NOW + 60 }));
    expect(await failure(auth.verify(token))).toEqual(['token_not_yet_valid', 'not_yet_valid']);
  });

  it('8. wrong issuer', async () => {
    const token = await signed(claims({ iss: 'evil-idp' }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('9. missing issuer', async () => {
    const token = await signed(claims({ iss: undefined }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('10. wrong audience (and an audience list without ours)', async () => {
    expect(await failure(auth.verify(await signed(claims({ aud: 'other-api' }))))).toEqual([
      'token_claim_invalid',
      'claim',
    ]);
    expect(await failure(auth.verify(await signed(claims({ aud: ['a', 'b'] }))))).toEqual([
      'token_claim_invalid',
      'claim',
    ]);
  });

  it('11. missing exp (a token that would never expire)', async () => {
    const token = await signed(claims({ exp: undefined }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('12. exp of the wrong type', async () => {
    const token = await signed(claims({ exp: String(NOW + 900) }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('13. missing jti (cannot be revoked)', async () => {
    const token = await signed(claims({ jti: undefined }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('14. empty sub', async () => {
    const token = await signed(claims({ sub: '' }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('15. refresh token presented as an access token', async () => {
    const token = await signed(claims({ typ: 'refresh' }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'wrong_type']);
  });

  it('16. access token presented to refresh()', async () => {
    const { accessToken } = await auth.issue({ id: 'u', roles: [] });
    expect(await failure(auth.refresh(accessToken))).toEqual(['token_claim_invalid', 'wrong_type']);
  });

  it('17. missing or forged typ claim', async () => {
    expect(await failure(auth.verify(await signed(claims({ typ: undefined }))))).toEqual([
      'token_claim_invalid',
      'claim',
    ]);
    expect(await failure(auth.verify(await signed(claims({ typ: 'admin' }))))).toEqual([
      'token_claim_invalid',
      'claim',
    ]);
  });

  it('18. roles claim of the wrong shape', async () => {
    const token = await signed(claims({ roles: 'admin' }));
    expect(await failure(auth.verify(token))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('19. tampered payload (roles raised to admin, signature kept)', async () => {
    const [head, , sig] = valid.split('.');
    const token = `${head}.${json(claims({ roles: ['admin'] }))}.${sig}`;
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'signature']);
  });

  it('20. tampered header (kid injected, signature kept)', async () => {
    const [, body, sig] = valid.split('.');
    const token = `${json({ alg: 'HS256', typ: 'JWT', kid: '../../dev/null' })}.${body}.${sig}`;
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'signature']);
  });

  it('21. signed with another secret', async () => {
    const token = await signed(claims(), new TextEncoder().encode('x'.repeat(32)));
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'signature']);
  });

  it('22. signature stripped, truncated or re-encoded', async () => {
    const [head, body, sig = ''] = valid.split('.');
    for (const token of [
      `${head}.${body}.`,
      `${head}.${body}`,
      `${head}.${body}.${sig.slice(0, -2)}`,
    ]) {
      expect((await failure(auth.verify(token)))[0]).toBe('auth_invalid');
    }
  });

  it('23. malformed structure: junk, non-JSON payload, five segments, non-strings', async () => {
    const head = json({ alg: 'HS256', typ: 'JWT' });
    for (const token of ['not-a-jwt', `${head}.${b64url('not json')}.x`, 'a.b.c.d.e', '...']) {
      expect((await failure(auth.verify(token)))[0]).toBe('auth_invalid');
    }
    expect(await failure(auth.verify(42 as never))).toEqual(['auth_invalid', 'malformed']);
  });

  it('24. oversized token refused before parsing', async () => {
    expect(await failure(auth.verify(`${valid}.${'A'.repeat(9000)}`))).toEqual([
      'auth_invalid',
      'too_long',
    ]);
  });

  it('25. empty token', async () => {
    expect(await failure(auth.verify(''))).toEqual(['auth_required', 'missing']);
  });

  it('26. crit header with an unknown extension', async () => {
    const token = await handSigned(
      { alg: 'HS256', typ: 'JWT', crit: ['x-evil'], 'x-evil': true },
      claims(),
    );
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'unsupported']);
    // The hand signer itself is sound: without crit the same token verifies.
    await expect(
      auth.verify(await handSigned({ alg: 'HS256', typ: 'JWT' }, claims())),
    ).resolves.toBeDefined();
  });

  it('27. revoked token', async () => {
    const { accessToken } = await auth.issue({ id: 'u', roles: ['agent'] });
    await auth.revoke(accessToken);
    expect(await failure(auth.verify(accessToken))).toEqual(['auth_revoked', 'revoked']);
  });

  it('28. reused refresh token revokes the whole session', async () => {
    const first = await auth.issue({ id: 'u', roles: ['agent'] });
    const second = await auth.refresh(first.refreshToken);
    expect(await failure(auth.refresh(first.refreshToken))).toEqual([
      'auth_revoked',
      'reuse_detected',
    ]);
    // The thief's replay also killed the legitimate successor tokens.
    expect(await failure(auth.verify(second.accessToken))).toEqual([
      'auth_revoked',
      'session_revoked',
    ]);
    expect(await failure(auth.refresh(second.refreshToken))).toEqual([
      'auth_revoked',
      'session_revoked',
    ]);
  });

  it('29. concurrent double refresh: exactly one wins', async () => {
    const { refreshToken } = await auth.issue({ id: 'u', roles: [] });
    const results = await Promise.allSettled([
      auth.refresh(refreshToken),
      auth.refresh(refreshToken),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find(
      (result) => result.status === 'rejected',
    ) as PromiseRejectedResult;
    expect(rejected.reason.code).toBe('auth_revoked');
  });

  it('30. session revoked by logout', async () => {
    const { accessToken, refreshToken } = await auth.issue({ id: 'u', roles: [] });
    await auth.revokeSession(refreshToken);
    expect(await failure(auth.verify(accessToken))).toEqual(['auth_revoked', 'session_revoked']);
  });
});

describe('JWT attack vectors (asymmetric verifiers)', () => {
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let otherRsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let auth: JwtAuth;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256', { extractable: true });
    otherRsa = await generateKeyPair('RS256');
    auth = createJwtAuth({
      privateKey: rsa.privateKey,
      publicKey: rsa.publicKey,
      algorithm: 'RS256',
      now,
    });
    await expect(
      auth.verify(await signed(claims(), rsa.privateKey, 'RS256')),
    ).resolves.toBeDefined();
  });

  it('31. HS/RS confusion: HS256 signed with the public key PEM as the secret', async () => {
    const pem = await exportSPKI(rsa.publicKey);
    const token = await signed(claims(), new TextEncoder().encode(pem), 'HS256');
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'algorithm']);
  });

  it('32. HS/RS confusion: HS256 signed with the public JWK as the secret', async () => {
    const jwk = JSON.stringify(await exportJWK(rsa.publicKey));
    const token = await signed(claims(), new TextEncoder().encode(jwk), 'HS256');
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'algorithm']);
  });

  it('33. signed by another RSA key', async () => {
    const token = await signed(claims(), otherRsa.privateKey, 'RS256');
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'signature']);
  });

  it("34. attacker's own key embedded in the jwk header", async () => {
    const attackerJwk = await exportJWK(
      (await generateKeyPair('RS256', { extractable: true })).publicKey,
    );
    const attacker = await generateKeyPair('RS256');
    const token = await signed(claims(), attacker.privateKey, 'RS256', { jwk: attackerJwk });
    expect(await failure(auth.verify(token))).toEqual(['auth_invalid', 'signature']);
  });

  it('35. an ES256 verifier refuses RS256 tokens, and a JWKS verifier without a matching kid refuses', async () => {
    const ec = await generateKeyPair('ES256', { extractable: true });
    const esAuth = createJwtAuth({ publicKey: ec.publicKey, algorithm: 'ES256', now });
    const rsToken = await signed(claims(), rsa.privateKey, 'RS256');
    expect(await failure(esAuth.verify(rsToken))).toEqual(['auth_invalid', 'algorithm']);
    const jwksAuth = createJwtAuth({
      jwks: { keys: [{ ...(await exportJWK(ec.publicKey)), kid: 'k1', alg: 'ES256' }] },
      now,
    });
    const wrongKid = await signed(claims(), ec.privateKey, 'ES256', { kid: 'k2' });
    expect(await failure(jwksAuth.verify(wrongKid))).toEqual(['auth_invalid', 'no_matching_key']);
    const rightKid = await signed(claims(), ec.privateKey, 'ES256', { kid: 'k1' });
    await expect(jwksAuth.verify(rightKid)).resolves.toMatchObject({
      principal: { id: 'mallory' },
    });
  });
});
