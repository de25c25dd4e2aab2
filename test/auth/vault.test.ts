import { describe, expect, it } from 'vitest';
import {
  AuthError,
  createCredentialStore,
  createVault,
  memoryCredentialStorage,
  ValidationError,
  type VaultDecryptErrorData,
  type VaultKeyErrorData,
} from '../../src/index.js';

const KEY = new Uint8Array(32).map((_, i) => i + 1);
const KEY_B64 = btoa(String.fromCharCode(...KEY));
const OTHER = new Uint8Array(32).fill(7);

function vaultError(run: () => unknown): AuthError<VaultKeyErrorData> {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError<VaultKeyErrorData>;
  }
  throw new Error('expected an error');
}

async function openFailure(promise: Promise<unknown>): Promise<VaultDecryptErrorData | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).code).toBe('vault_decrypt_failed');
    return (error as AuthError<VaultDecryptErrorData>).data;
  }
}

describe('createVault: keys', () => {
  it('reads the key from the option (bytes or base64) or from SKREAVER_ENCRYPTION_KEY', async () => {
    const sealed = await createVault({ key: KEY }).seal('db', 'secret');
    expect(await createVault({ key: KEY_B64 }).open('db', sealed)).toBe('secret');
    expect(
      await createVault({ env: { SKREAVER_ENCRYPTION_KEY: `${KEY_B64}\n` } }).open('db', sealed),
    ).toBe('secret');
    const urlSafe = KEY_B64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(await createVault({ key: urlSafe }).open('db', sealed)).toBe('secret');
    expect(
      await createVault({ env: { APP_KEY: KEY_B64 }, envVar: 'APP_KEY' }).open('db', sealed),
    ).toBe('secret');
  });

  it('accepts a WebCrypto AES-GCM CryptoKey, even a non-extractable one', async () => {
    const cryptoKey = await crypto.subtle.importKey('raw', KEY, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    const sealed = await createVault({ key: cryptoKey }).seal('n', 'v');
    expect(await createVault({ key: KEY }).open('n', sealed)).toBe('v');
  });

  it('fails with vault_key_missing naming the variable and how to make a key', () => {
    const missing = vaultError(() => createVault());
    expect(missing.code).toBe('vault_key_missing');
    expect(missing.message).toContain('SKREAVER_ENCRYPTION_KEY');
    expect(missing.message).toContain('openssl rand -base64 32');
    expect(missing.data).toEqual({ reason: 'missing', source: 'SKREAVER_ENCRYPTION_KEY' });
    const cases: [unknown, VaultKeyErrorData][] = [
      ['not-valid-base64!!!', { reason: 'invalid_base64', source: 'SKREAVER_ENCRYPTION_KEY' }],
      [
        btoa('sixteen bytes!!!'),
        { reason: 'wrong_length', source: 'SKREAVER_ENCRYPTION_KEY', length: 16 },
      ],
      ['  ', { reason: 'missing', source: 'SKREAVER_ENCRYPTION_KEY' }],
    ];
    for (const [value, data] of cases) {
      const error = vaultError(() =>
        createVault({ env: { SKREAVER_ENCRYPTION_KEY: value as string } }),
      );
      expect(error.code).toBe('vault_key_missing');
      expect(error.data).toEqual(data);
      expect(error.message).toContain('openssl rand -base64 32');
    }
    expect(vaultError(() => createVault({ key: new Uint8Array(31) })).data).toEqual({
      reason: 'wrong_length',
      source: 'key',
      length: 31,
    });
    expect(vaultError(() => createVault({ key: 5 as never })).data?.reason).toBe('wrong_type');
    expect(vaultError(() => createVault({ key: KEY, previousKeys: ['short'] })).data?.source).toBe(
      'previousKeys[0]',
    );
  });

  it('never puts the key in an error message', () => {
    const secretish = btoa('0123456789abcdef0123456789abcdefXX');
    const error = vaultError(() => createVault({ key: secretish }));
    expect(error.message).not.toContain(secretish);
    expect(JSON.stringify(error.toJSON())).not.toContain(secretish);
  });
});

describe('createVault: seal and open', () => {
  const vault = createVault({ key: KEY });

  it('round-trips text with a fresh nonce each time and a versioned format', async () => {
    const text = 'pässwörd 🔑\n';
    const a = await vault.seal('github', text);
    const b = await vault.seal('github', text);
    expect(a).toMatch(/^v1\.[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(await vault.open('github', a)).toBe(text);
    expect(await vault.open('github', b)).toBe(text);
    expect(await vault.open('empty', await vault.seal('empty', ''))).toBe('');
  });

  it('binds the entry name: a value does not open under another name', async () => {
    const sealed = await vault.seal('prod-db', 'hunter2');
    expect(await openFailure(vault.open('dev-db', sealed))).toEqual({
      reason: 'authentication',
      name: 'dev-db',
    });
  });

  it('refuses a wrong key, tampering, truncation and bad formats', async () => {
    const sealed = await vault.seal('n', 'value');
    expect((await openFailure(createVault({ key: OTHER }).open('n', sealed)))?.reason).toBe(
      'authentication',
    );
    const body = sealed.slice(3);
    const flipped = `v1.${body.slice(0, 20)}${body[20] === 'A' ? 'B' : 'A'}${body.slice(21)}`;
    expect((await openFailure(vault.open('n', flipped)))?.reason).toBe('authentication');
    for (const bad of [
      `${sealed}X`,
      sealed.slice(0, 3 + 36),
      `v2.${body}`,
      body,
      'v1.',
      'v1.!!!!',
      `v1.${body}=`,
      '',
      42,
    ]) {
      const data = await openFailure(vault.open('n', bad as string));
      expect(['format', 'authentication']).toContain(data?.reason);
    }
    expect((await openFailure(vault.open('n', 'v1.AAAA')))?.reason).toBe('format');
  });

  it('opens values sealed under a previous key after a rotation', async () => {
    const old = await createVault({ key: OTHER }).seal('n', 'v');
    const rotated = createVault({ key: KEY, previousKeys: [OTHER] });
    expect(await rotated.open('n', old)).toBe('v');
    const resealed = await rotated.seal('n', 'v');
    expect(await openFailure(createVault({ key: OTHER }).open('n', resealed))).toMatchObject({
      reason: 'authentication',
    });
  });

  it('rejects non-UTF-8 plaintext with reason encoding', async () => {
    const cryptoKey = await crypto.subtle.importKey('raw', KEY, 'AES-GCM', false, ['encrypt']);
    const nonce = new Uint8Array(12);
    const name = 'bin';
    const cipher = await crypto.subtle.encrypt(
      {
        name: 'AES-GCM',
        iv: nonce,
        additionalData: new TextEncoder().encode(`skreaver-vault/v1:${name}`),
      },
      cryptoKey,
      new Uint8Array([0xff, 0xfe]),
    );
    const bytes = new Uint8Array([...nonce, ...new Uint8Array(cipher)]);
    const sealed = `v1.${btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')}`;
    expect((await openFailure(vault.open(name, sealed)))?.reason).toBe('encoding');
  });

  it('refuses to seal non-strings', async () => {
    await expect(vault.seal('n', 5 as never)).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('createCredentialStore', () => {
  it('stores only ciphertext and returns the plaintext', async () => {
    const storage = memoryCredentialStorage();
    const credentials = createCredentialStore(createVault({ key: KEY }), storage);
    await credentials.set('openai', 'sk-live-123');
    const raw = await storage.get('openai');
    expect(raw).toMatch(/^v1\./);
    expect(raw).not.toContain('sk-live-123');
    expect(await credentials.get('openai')).toBe('sk-live-123');
    expect(await credentials.get('missing')).toBeUndefined();
    expect(await credentials.delete('openai')).toBe(true);
    expect(await credentials.get('openai')).toBeUndefined();
  });

  it('fails when a stored ciphertext is moved to another name', async () => {
    const storage = memoryCredentialStorage();
    const credentials = createCredentialStore(createVault({ key: KEY }), storage);
    await credentials.set('a', 'secret-a');
    await storage.set('b', (await storage.get('a')) as string);
    expect(await openFailure(credentials.get('b'))).toEqual({
      reason: 'authentication',
      name: 'b',
    });
    await expect(credentials.set('', 'x')).rejects.toBeInstanceOf(ValidationError);
  });
});
