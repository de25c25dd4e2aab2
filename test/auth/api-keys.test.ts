import { describe, expect, it } from 'vitest';
import {
  type ApiKeyRecord,
  type ApiKeyStore,
  AuthError,
  createApiKeyManager,
  memoryApiKeyStore,
  parseApiKey,
  SecurityError,
  ValidationError,
} from '../../src/index.js';

const alice = { id: 'alice', roles: ['agent', 'viewer'] };

function clock(start = 1_700_000_000_000) {
  let time = start;
  return {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
}

/** A store that records every record written, to prove no plaintext reaches it. */
function spyStore(): ApiKeyStore & { written: ApiKeyRecord[] } {
  const inner = memoryApiKeyStore();
  const written: ApiKeyRecord[] = [];
  return {
    written,
    get: (id) => inner.get(id),
    async create(record) {
      written.push(record);
      await inner.create(record);
    },
    update: (id, patch) => inner.update(id, patch),
    delete: (id) => inner.delete(id),
    listByPrincipal: (id) => inner.listByPrincipal(id),
  };
}

describe('createApiKeyManager: issue and verify', () => {
  it('issues sk_<24 hex>_<43 base64url> keys that verify to their principal', async () => {
    const keys = createApiKeyManager();
    const { key, info } = await keys.issue(alice, { name: 'laptop' });
    expect(key).toMatch(/^sk_[0-9a-f]{24}_[A-Za-z0-9_-]{43}$/);
    expect(key.slice(3, 27)).toBe(info.id);
    expect(info).toMatchObject({
      principalId: 'alice',
      name: 'laptop',
      roles: ['agent', 'viewer'],
    });
    expect(info.status).toBe('active');
    expect(info).not.toHaveProperty('hash');
    expect(info).not.toHaveProperty('salt');
    expect(await keys.verify(key)).toEqual({
      id: 'alice',
      roles: ['agent', 'viewer'],
      attributes: { apiKeyId: info.id, apiKeyName: 'laptop' },
    });
  });

  it('stores only a salted hash, never the key or its secret', async () => {
    const store = spyStore();
    const keys = createApiKeyManager({ store });
    const first = await keys.issue(alice, { name: 'a' });
    const second = await keys.issue(alice, { name: 'b' });
    const secret = first.key.slice(28);
    const dump = JSON.stringify(store.written);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(second.key.slice(28));
    const [a, b] = store.written as [ApiKeyRecord, ApiKeyRecord];
    expect(a.salt).not.toBe(b.salt);
    expect(a.hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Object.keys(a).sort()).toEqual(
      ['createdAt', 'expiresAt', 'hash', 'id', 'name', 'principalId', 'roles', 'salt'].sort(),
    );
  });

  it('refuses missing, malformed, unknown and wrong-secret keys with the right codes', async () => {
    const keys = createApiKeyManager();
    const { key } = await keys.issue(alice, { name: 'k' });
    expect(await codeOf(keys.verify(undefined))).toBe('auth_required');
    expect(await codeOf(keys.verify(''))).toBe('auth_required');
    expect(await codeOf(keys.verify(42))).toBe('auth_invalid');
    expect(await codeOf(keys.verify('sk-test-key-123'))).toBe('auth_invalid');
    expect(await codeOf(keys.verify(`${key}x`))).toBe('auth_invalid');
    expect(await codeOf(keys.verify(key.replace(/^sk_/, 'pk_')))).toBe('auth_invalid');
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const wrongSecret = key.slice(0, -1) + last;
    const unknownId = `sk_${'0'.repeat(24)}${key.slice(27)}`;
    const errors: AuthError[] = [];
    for (const candidate of [wrongSecret, unknownId]) {
      try {
        await keys.verify(candidate);
      } catch (error) {
        errors.push(error as AuthError);
      }
    }
    // A wrong secret and an unknown id read the same: no probing for ids.
    expect(
      errors.map((error) => [error.code, error.message, (error.data as { reason: string }).reason]),
    ).toEqual([
      ['auth_invalid', 'The API key is not valid.', 'not_found'],
      ['auth_invalid', 'The API key is not valid.', 'not_found'],
    ]);
  });

  it('expires keys, and checks the secret before telling that a key expired', async () => {
    const time = clock();
    const keys = createApiKeyManager({ now: time.now, defaultExpiresInMs: 1000 });
    const { key } = await keys.issue(alice, { name: 'short' });
    const forever = await keys.issue(alice, {
      name: 'forever',
      expiresInMs: Number.POSITIVE_INFINITY,
    });
    expect(forever.info.expiresAt).toBeUndefined();
    time.advance(999);
    await expect(keys.verify(key)).resolves.toMatchObject({ id: 'alice' });
    time.advance(1);
    expect(await codeOf(keys.verify(key))).toBe('auth_expired');
    expect(await codeOf(keys.verify(`${key.slice(0, -1)}${key.at(-1) === 'A' ? 'B' : 'A'}`))).toBe(
      'auth_invalid',
    );
    await expect(keys.verify(forever.key)).resolves.toMatchObject({ id: 'alice' });
  });

  it('narrows roles to a subset of the principal and refuses widening', async () => {
    const keys = createApiKeyManager();
    const { key } = await keys.issue(alice, { name: 'ro', roles: ['viewer'] });
    expect((await keys.verify(key)).roles).toEqual(['viewer']);
    await expect(keys.issue(alice, { name: 'x', roles: ['admin'] })).rejects.toSatisfy(
      (error: unknown) => error instanceof SecurityError && error.code === 'permission_denied',
    );
  });

  it('validates issue input', async () => {
    const keys = createApiKeyManager();
    for (const [principal, options] of [
      [{ id: '', roles: [] }, { name: 'n' }],
      [{ id: 'x' }, { name: 'n' }],
      [alice, { name: '  ' }],
      [alice, { name: 'n'.repeat(129) }],
      [alice, { name: 'n', expiresInMs: 0 }],
      [alice, { name: 'n', roles: 'agent' }],
    ] as const) {
      await expect(keys.issue(principal as never, options as never)).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });

  it('records lastUsedAt at most once per interval', async () => {
    const time = clock();
    const store = memoryApiKeyStore();
    const keys = createApiKeyManager({ store, now: time.now, lastUsedIntervalMs: 1000 });
    const { key, info } = await keys.issue(alice, { name: 'k' });
    expect((await store.get(info.id))?.lastUsedAt).toBeUndefined();
    await keys.verify(key);
    const firstUse = time.now();
    time.advance(500);
    await keys.verify(key);
    expect((await store.get(info.id))?.lastUsedAt).toBe(firstUse);
    time.advance(500);
    await keys.verify(key);
    expect((await store.get(info.id))?.lastUsedAt).toBe(time.now());
  });
});

describe('createApiKeyManager: limits, revocation and rotation', () => {
  it('enforces maxKeysPerPrincipal, also under concurrent issue, counting only usable keys', async () => {
    const time = clock();
    const keys = createApiKeyManager({ maxKeysPerPrincipal: 2, now: time.now });
    const results = await Promise.allSettled(
      [0, 1, 2, 3].map((i) => keys.issue(alice, { name: `k${i}` })),
    );
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    const rejected = results[2] as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(AuthError);
    expect(rejected.reason.code).toBe('api_key_limit');
    expect(rejected.reason.data).toEqual({ reason: 'limit', max: 2 });
    // Another principal has its own budget; a revoked key frees a slot.
    await expect(keys.issue({ id: 'bob', roles: [] }, { name: 'b' })).resolves.toBeDefined();
    const first = (results[0] as PromiseFulfilledResult<{ info: { id: string } }>).value;
    expect(await keys.revoke(first.info.id)).toBe(true);
    await expect(keys.issue(alice, { name: 'again' })).resolves.toBeDefined();
  });

  it('revokes by id, idempotently, and verify then says auth_revoked', async () => {
    const keys = createApiKeyManager();
    const { key, info } = await keys.issue(alice, { name: 'k' });
    expect(await keys.revoke(info.id)).toBe(true);
    expect(await keys.revoke(info.id)).toBe(false);
    expect(await keys.revoke('unknown')).toBe(false);
    expect(await codeOf(keys.verify(key))).toBe('auth_revoked');
    expect((await keys.list('alice'))[0]?.status).toBe('revoked');
  });

  it('rotates to a new key of the same principal, name, roles and lifetime', async () => {
    const time = clock();
    const keys = createApiKeyManager({ now: time.now, maxKeysPerPrincipal: 1 });
    const old = await keys.issue(alice, { name: 'ci', roles: ['agent'], expiresInMs: 10_000 });
    time.advance(4000);
    const fresh = await keys.rotate(old.info.id);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh.info).toMatchObject({
      principalId: 'alice',
      name: 'ci',
      roles: ['agent'],
      createdAt: time.now(),
      expiresAt: time.now() + 10_000,
    });
    expect(await keys.verify(fresh.key)).toMatchObject({ id: 'alice', roles: ['agent'] });
    expect(await codeOf(keys.verify(old.key))).toBe('auth_revoked');
    expect(await codeOf(keys.rotate(old.info.id))).toBe('auth_revoked');
    expect(await codeOf(keys.rotate('nope'))).toBe('auth_invalid');
    const listed = await keys.list('alice');
    expect(listed.map((info) => [info.id, info.status, info.replacedBy])).toEqual([
      [old.info.id, 'revoked', fresh.info.id],
      [fresh.info.id, 'active', undefined],
    ]);
  });

  it('keeps the old key working for the grace period', async () => {
    const time = clock();
    const keys = createApiKeyManager({ now: time.now, rotationGraceMs: 5000 });
    const old = await keys.issue(alice, { name: 'ci' });
    const fresh = await keys.rotate(old.info.id);
    time.advance(4999);
    await expect(keys.verify(old.key)).resolves.toMatchObject({ id: 'alice' });
    await expect(keys.verify(fresh.key)).resolves.toMatchObject({ id: 'alice' });
    // A key already rotated cannot be rotated again, even during its grace.
    expect(await codeOf(keys.rotate(old.info.id))).toBe('auth_revoked');
    time.advance(1);
    expect(await codeOf(keys.verify(old.key))).toBe('auth_expired');
    const zero = await keys.rotate(fresh.info.id, { graceMs: 0 });
    expect(await codeOf(keys.verify(fresh.key))).toBe('auth_revoked');
    await expect(keys.verify(zero.key)).resolves.toMatchObject({ id: 'alice' });
  });

  it('refuses to rotate an expired key and forgets removed keys', async () => {
    const time = clock();
    const keys = createApiKeyManager({ now: time.now, defaultExpiresInMs: 10 });
    const { key, info } = await keys.issue(alice, { name: 'k' });
    time.advance(10);
    expect(await codeOf(keys.rotate(info.id))).toBe('auth_expired');
    expect(await keys.remove(info.id)).toBe(true);
    expect(await keys.remove(info.id)).toBe(false);
    expect(await codeOf(keys.verify(key))).toBe('auth_invalid');
    expect(await keys.list('alice')).toEqual([]);
  });

  it('validates options', () => {
    for (const options of [
      { prefix: 'sk' },
      { prefix: '1k_' },
      { prefix: 'a b_' },
      { secretBytes: 16 },
      { secretBytes: 65 },
      { maxKeysPerPrincipal: 0 },
      { defaultExpiresInMs: 0 },
      { rotationGraceMs: -1 },
      { rotationGraceMs: Number.POSITIVE_INFINITY },
      { lastUsedIntervalMs: Number.NaN },
      { now: 5 },
    ]) {
      expect(() => createApiKeyManager(options as never), JSON.stringify(options)).toThrow(
        ValidationError,
      );
    }
  });

  it('honours a custom prefix and secret size', async () => {
    const keys = createApiKeyManager({ prefix: 'skr-', secretBytes: 24 });
    const { key } = await keys.issue(alice, { name: 'k' });
    expect(key).toMatch(/^skr-[0-9a-f]{24}_[A-Za-z0-9_-]{32}$/);
    await expect(keys.verify(key)).resolves.toMatchObject({ id: 'alice' });
    expect(parseApiKey(key, { prefix: 'skr-', secretLength: 32 }).id).toBe(key.slice(4, 28));
  });
});
