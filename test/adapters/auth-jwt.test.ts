import { Redis } from 'ioredis';
import { customFetch, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { AuthError, MemoryError, memoryRevocationStore, ValidationError } from 'skreaver';
import { createJwtAuth, type JwtErrorData, redisRevocationStore } from 'skreaver/auth/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../_support/services.js';

const SECRET = 'this-is-a-test-secret-of-40-bytes-length';
const redis = await findService(REDIS);

function clock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<[string, string | undefined]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return [(error as AuthError).code, (error as AuthError<JwtErrorData>).data?.reason];
  }
  throw new Error('expected a failure');
}

function optionError(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('invalid_options');
    return error as ValidationError;
  }
  throw new Error('expected invalid_options');
}

describe('createJwtAuth: options', () => {
  it('requires a key source: there is no built-in secret', () => {
    expect(optionError(() => createJwtAuth({})).message).toMatch(
      /no built-in default.*openssl rand/,
    );
    expect(optionError(() => createJwtAuth(undefined as never)).message).toMatch(/required/);
  });

  it('requires at least 32 bytes of secret for HS256 (48, 64 for HS384, HS512)', () => {
    const short = optionError(() => createJwtAuth({ secret: 'x'.repeat(31) }));
    expect(short.message).toContain('at least 32 bytes');
    expect(short.message).not.toContain('x'.repeat(31));
    expect(() => createJwtAuth({ secret: new Uint8Array(32) })).not.toThrow();
    optionError(() => createJwtAuth({ secret: 'x'.repeat(40), algorithm: 'HS384' }));
    optionError(() => createJwtAuth({ secret: 'x'.repeat(48), algorithms: ['HS256', 'HS512'] }));
    optionError(() => createJwtAuth({ secret: 5 as never }));
  });

  it("refuses 'none', unknown algorithms, and HS mixed with asymmetric ones", async () => {
    expect(
      optionError(() => createJwtAuth({ secret: SECRET, algorithms: ['none' as never] })).message,
    ).toMatch(/never accepted/);
    optionError(() => createJwtAuth({ secret: SECRET, algorithm: 'RS256' }));
    optionError(() => createJwtAuth({ secret: SECRET, algorithms: ['HS256', 'RS256'] }));
    optionError(() => createJwtAuth({ secret: SECRET, algorithms: [] }));
    optionError(() => createJwtAuth({ secret: SECRET, algorithms: ['HS512'] }));
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    expect(
      optionError(() => createJwtAuth({ publicKey, algorithms: ['RS256', 'HS256'] })).message,
    ).toMatch(/confusion/);
    optionError(() => createJwtAuth({ privateKey, publicKey }));
    optionError(() => createJwtAuth({ privateKey, algorithm: 'RS256' }));
    optionError(() => createJwtAuth({ secret: SECRET, publicKey }));
    optionError(() => createJwtAuth({ publicKey, jwks: { keys: [] } }));
    optionError(() => createJwtAuth({ jwksUrl: 'not a url' }));
    optionError(() => createJwtAuth({ jwksUrl: 'ftp://keys.example/jwks' }));
  });

  it('validates the other options', () => {
    for (const extra of [
      { issuer: '' },
      { audience: [] },
      { audience: [''] },
      { accessTtl: 0 },
      { refreshTtl: Number.POSITIVE_INFINITY },
      { clockToleranceSec: -1 },
      { maxTokenLength: 0 },
      { now: 1 },
      { keyId: 5 },
    ]) {
      optionError(() => createJwtAuth({ secret: SECRET, ...(extra as object) }));
    }
  });
});

describe('createJwtAuth: issue, verify, refresh, revoke (HS256)', () => {
  it('issues an access and a refresh token with the documented claims', async () => {
    const time = clock();
    const auth = createJwtAuth({ secret: SECRET, now: time.now, keyId: 'k1' });
    const pair = await auth.issue({ id: 'u1', roles: ['agent', 'custom-role'] });
    expect(pair).toMatchObject({ expiresIn: 900, refreshExpiresIn: 604800, tokenType: 'Bearer' });
    const access = decodeJwt(pair.accessToken);
    const refresh = decodeJwt(pair.refreshToken);
    const iat = time.now() / 1000;
    expect(access).toMatchObject({
      sub: 'u1',
      roles: ['agent', 'custom-role'],
      iss: 'skreaver',
      aud: 'skreaver-api',
      iat,
      nbf: iat,
      exp: iat + 900,
      typ: 'access',
    });
    expect(refresh).toMatchObject({ typ: 'refresh', exp: iat + 604800, sid: access.sid });
    expect(access.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(access.jti).not.toBe(refresh.jti);
    expect(decodeProtectedHeader(pair.accessToken)).toEqual({
      alg: 'HS256',
      typ: 'JWT',
      kid: 'k1',
    });
  });

  it('verifies to the principal, keeping custom roles', async () => {
    const auth = createJwtAuth({ secret: SECRET, issuer: 'me', audience: ['api', 'admin-api'] });
    const { accessToken, refreshToken } = await auth.issue({ id: 'u1', roles: ['custom'] });
    const { principal, claims } = await auth.verify(accessToken);
    expect(principal).toEqual({
      id: 'u1',
      roles: ['custom'],
      attributes: { tokenId: claims.jti, tokenType: 'access', sessionId: claims.sid },
    });
    expect(claims.aud).toEqual(['api', 'admin-api']);
    await expect(auth.verify(refreshToken, 'refresh')).resolves.toMatchObject({
      claims: { typ: 'refresh' },
    });
    await expect(auth.verify(refreshToken, { type: 'refresh' })).resolves.toBeDefined();
    await expect(auth.verify(accessToken, { type: 'bogus' as never })).rejects.toBeInstanceOf(
      ValidationError,
    );
    // Another issuer's verifier does not accept these.
    const other = createJwtAuth({ secret: SECRET });
    expect(await failure(other.verify(accessToken))).toEqual(['token_claim_invalid', 'claim']);
  });

  it('expires access tokens after accessTtl, within clockToleranceSec', async () => {
    const time = clock();
    const strict = createJwtAuth({ secret: SECRET, now: time.now, accessTtl: 60 });
    const lenient = createJwtAuth({
      secret: SECRET,
      now: time.now,
      accessTtl: 60,
      clockToleranceSec: 5,
    });
    const { accessToken } = await strict.issue({ id: 'u', roles: [] });
    time.advance(59_999);
    await expect(strict.verify(accessToken)).resolves.toBeDefined();
    time.advance(1);
    expect(await failure(strict.verify(accessToken))).toEqual(['auth_expired', 'expired']);
    time.advance(4000);
    await expect(lenient.verify(accessToken)).resolves.toBeDefined();
  });

  it('rotates refresh tokens: a new pair in the same session, the old refresh token spent', async () => {
    const auth = createJwtAuth({ secret: SECRET });
    const first = await auth.issue({ id: 'u', roles: ['agent'] });
    const second = await auth.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const claims = decodeJwt(second.accessToken);
    expect(claims).toMatchObject({
      sub: 'u',
      roles: ['agent'],
      sid: decodeJwt(first.accessToken).sid,
    });
    await expect(auth.verify(second.accessToken)).resolves.toBeDefined();
    expect(await failure(auth.verify(first.refreshToken, 'refresh'))).toEqual([
      'auth_revoked',
      'revoked',
    ]);
    await expect(auth.refresh(second.refreshToken)).resolves.toBeDefined();
  });

  it('revokes single tokens, ignores expired ones and refuses foreign ones', async () => {
    const time = clock();
    const store = memoryRevocationStore({ now: time.now });
    const auth = createJwtAuth({
      secret: SECRET,
      now: time.now,
      revocation: store,
      clockToleranceSec: 2,
    });
    const pair = await auth.issue({ id: 'u', roles: [] });
    await auth.revoke(pair.refreshToken);
    expect(await failure(auth.refresh(pair.refreshToken))).toEqual([
      'auth_revoked',
      'reuse_detected',
    ]);
    const fresh = await auth.issue({ id: 'u', roles: [] });
    await auth.revoke(fresh.accessToken);
    expect(await failure(auth.verify(fresh.accessToken))).toEqual(['auth_revoked', 'revoked']);
    const other = await auth.issue({ id: 'v', roles: [] });
    await expect(auth.verify(other.accessToken)).resolves.toBeDefined();
    // The revocation outlives the token by the clock tolerance, then is dropped.
    time.advance(900_000 + 1999);
    expect(await failure(auth.verify(fresh.accessToken))).toEqual(['auth_revoked', 'revoked']);
    time.advance(2);
    expect(await failure(auth.verify(fresh.accessToken))).toEqual(['auth_expired', 'expired']);
    await expect(auth.revoke(fresh.accessToken)).resolves.toBeUndefined();
    expect(await failure(auth.revoke('garbage'))).toEqual(['auth_invalid', 'malformed']);
  });

  it('keeps revocations per instance with the default in-memory store', async () => {
    const a = createJwtAuth({ secret: SECRET });
    const b = createJwtAuth({ secret: SECRET });
    const { accessToken } = await a.issue({ id: 'u', roles: [] });
    await a.revoke(accessToken);
    expect((await failure(a.verify(accessToken)))[0]).toBe('auth_revoked');
    await expect(b.verify(accessToken)).resolves.toBeDefined();
  });

  it('refuses a principal without string roles', async () => {
    const auth = createJwtAuth({ secret: SECRET });
    await expect(auth.issue({ id: 'u', roles: [1] } as never)).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(auth.issue({ id: '', roles: [] })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('createJwtAuth: asymmetric keys and key sets', () => {
  for (const algorithm of ['RS256', 'ES256', 'EdDSA'] as const) {
    it(`issues and verifies with ${algorithm} key pairs`, async () => {
      const { privateKey, publicKey } = await generateKeyPair(algorithm);
      const auth = createJwtAuth({ privateKey, publicKey, algorithm });
      const pair = await auth.issue({ id: 'u', roles: ['agent'] });
      expect(decodeProtectedHeader(pair.accessToken).alg).toBe(algorithm);
      await expect(auth.verify(pair.accessToken)).resolves.toMatchObject({
        principal: { id: 'u' },
      });
      await expect(auth.refresh(pair.refreshToken)).resolves.toBeDefined();
      const verifyOnly = createJwtAuth({ publicKey, algorithm });
      await expect(verifyOnly.verify(pair.accessToken)).resolves.toBeDefined();
      await expect(verifyOnly.issue({ id: 'u', roles: [] })).rejects.toMatchObject({
        code: 'invalid_options',
      });
    });
  }

  it('reports a signing key that does not fit the algorithm as invalid_options', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const auth = createJwtAuth({ privateKey, publicKey, algorithm: 'ES256' });
    await expect(auth.issue({ id: 'u', roles: [] })).rejects.toMatchObject({
      code: 'invalid_options',
      data: { option: 'privateKey', algorithm: 'ES256' },
    });
    const broken = createJwtAuth({
      privateKey: { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', d: 'AA', alg: 'ES256' },
      publicKey,
    } as never);
    await expect(broken.issue({ id: 'u', roles: [] })).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });

  it('takes JWKs and infers the algorithm from their alg', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = { ...(await exportJWK(privateKey)), alg: 'ES256' };
    const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES256', kid: 'k1' };
    const auth = createJwtAuth({
      privateKey: privateJwk,
      jwks: { keys: [publicJwk] },
      keyId: 'k1',
    });
    const { accessToken } = await auth.issue({ id: 'u', roles: [] });
    expect(decodeProtectedHeader(accessToken)).toMatchObject({ alg: 'ES256', kid: 'k1' });
    await expect(auth.verify(accessToken)).resolves.toBeDefined();
    const viaPublicJwk = createJwtAuth({ publicKey: publicJwk });
    await expect(viaPublicJwk.verify(accessToken)).resolves.toBeDefined();
  });

  it('verifies against a remote JWKS, and fails closed when it cannot be fetched', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'r1', alg: 'RS256' }] };
    const issuer = createJwtAuth({ privateKey, publicKey, algorithm: 'RS256', keyId: 'r1' });
    const { accessToken } = await issuer.issue({ id: 'u', roles: ['agent'] });
    let fetches = 0;
    const remote = createJwtAuth({
      jwksUrl: 'https://idp.example/.well-known/jwks.json',
      jwksOptions: {
        [customFetch]: async () => {
          fetches++;
          return new Response(JSON.stringify(jwks), {
            headers: { 'content-type': 'application/json' },
          });
        },
      },
    });
    await expect(remote.verify(accessToken)).resolves.toMatchObject({ principal: { id: 'u' } });
    await expect(remote.verify(accessToken)).resolves.toBeDefined();
    expect(fetches).toBe(1);
    const down = createJwtAuth({
      jwksUrl: new URL('https://idp.example/jwks'),
      jwksOptions: {
        [customFetch]: async () => {
          throw new TypeError('fetch failed');
        },
      },
    });
    expect(await failure(down.verify(accessToken))).toEqual(['auth_invalid', 'key_unavailable']);
  });

  it('accepts tokens without typ as access tokens only when told to', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const { SignJWT } = await import('jose');
    const external = await new SignJWT({ roles: ['agent'] })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('ext-user')
      .setIssuer('skreaver')
      .setAudience('skreaver-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .setJti('ext-1')
      .sign(privateKey);
    const strict = createJwtAuth({ publicKey, algorithm: 'ES256' });
    expect(await failure(strict.verify(external))).toEqual(['token_claim_invalid', 'claim']);
    const lenient = createJwtAuth({ publicKey, algorithm: 'ES256', acceptMissingTyp: true });
    await expect(lenient.verify(external)).resolves.toMatchObject({
      principal: { id: 'ext-user' },
    });
    expect(await failure(lenient.verify(external, 'refresh'))).toEqual([
      'token_claim_invalid',
      'wrong_type',
    ]);
  });
});

describe('redisRevocationStore: options and failures', () => {
  it('validates its options', () => {
    expect(() => redisRevocationStore({} as never)).toThrow(ValidationError);
    expect(() => redisRevocationStore({ client: { set: () => 1 } } as never)).toThrow(
      ValidationError,
    );
    const client = { set: async () => 'OK' as const, exists: async () => 0 };
    expect(() => redisRevocationStore({ client, prefix: 5 as never })).toThrow(ValidationError);
  });

  it('turns client failures into memory_unavailable, so verification fails closed', async () => {
    const boom = new Error('ECONNREFUSED');
    const client = {
      set: async (): Promise<'OK' | null> => {
        throw boom;
      },
      exists: async (): Promise<number> => {
        throw boom;
      },
    };
    const store = redisRevocationStore({ client });
    await expect(store.revoke('j', Date.now() + 1000)).rejects.toSatisfy(
      (error: unknown) =>
        error instanceof MemoryError && error.code === 'memory_unavailable' && error.cause === boom,
    );
    const auth = createJwtAuth({ secret: SECRET, revocation: store });
    const { accessToken } = await auth.issue({ id: 'u', roles: [] });
    await expect(auth.verify(accessToken)).rejects.toMatchObject({ code: 'memory_unavailable' });
  });

  it('sends SET key 1 PX ms NX, and skips ids whose expiry passed', async () => {
    const calls: unknown[][] = [];
    const client = {
      set: async (...args: unknown[]): Promise<'OK' | null> => {
        calls.push(args);
        return 'OK';
      },
      exists: async () => 0,
    };
    const store = redisRevocationStore({ client, prefix: 'p:', now: () => 1000 });
    expect(await store.revoke('abc', 1500.2)).toBe(true);
    expect(await store.revoke('old', 1000)).toBe(false);
    expect(calls).toEqual([['p:revoked:abc', '1', 'PX', 501, 'NX']]);
  });
});

describe.skipIf(!redis.available)('redisRevocationStore against the real Redis', () => {
  let client: Redis;
  const prefix = `skreaver:test:auth:${crypto.randomUUID()}:`;

  beforeAll(async () => {
    client = new Redis(redis.url, { lazyConnect: true });
    await client.connect();
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 100);
      cursor = next;
      if (keys.length > 0) await client.del(...keys);
    } while (cursor !== '0');
    await client.quit();
  });

  it('stores <prefix>revoked:<jti> with a PX expiry and answers revoke atomically', async () => {
    const store = redisRevocationStore({ client, prefix });
    const answers = await Promise.all(
      [1, 2, 3].map(() => store.revoke('jti-1', Date.now() + 60_000)),
    );
    expect(answers.sort()).toEqual([false, false, true]);
    expect(await store.isRevoked('jti-1')).toBe(true);
    expect(await store.isRevoked('jti-2')).toBe(false);
    const ttl = await client.pttl(`${prefix}revoked:jti-1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('forgets a revocation when its expiry passes', async () => {
    const store = redisRevocationStore({ client, prefix });
    expect(await store.revoke('short', Date.now() + 30)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await store.isRevoked('short')).toBe(false);
  });

  it('shares revocations and reuse detection between two verifiers', async () => {
    const a = createJwtAuth({
      secret: SECRET,
      revocation: redisRevocationStore({ client, prefix }),
    });
    const b = createJwtAuth({
      secret: SECRET,
      revocation: redisRevocationStore({ client, prefix }),
    });
    const pair = await a.issue({ id: 'u', roles: ['agent'] });
    await a.revoke(pair.accessToken);
    expect(await failure(b.verify(pair.accessToken))).toEqual(['auth_revoked', 'revoked']);
    const next = await a.refresh(pair.refreshToken);
    expect(await failure(b.refresh(pair.refreshToken))).toEqual(['auth_revoked', 'reuse_detected']);
    expect(await failure(a.verify(next.accessToken))).toEqual(['auth_revoked', 'session_revoked']);
  });
});
