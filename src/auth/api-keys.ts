import { type KnownOptions, rejectUnknownOptions } from '../_known-options.js';
import { AuthError, SecurityError } from '../errors/families.js';
import type { Principal } from '../principal.js';
import {
  ID_BYTES,
  invalidInput,
  isDuration,
  MAX_NAME_LENGTH,
  resolveApiKeySettings,
  SALT_BYTES,
} from './_api-key-settings.js';
import {
  concatBytes,
  constantTimeEqual,
  fromBase64Url,
  randomBytes,
  sha256,
  toBase64Url,
  toHex,
  utf8,
} from './_bytes.js';
import { KeySerialiser } from './_key-serialiser.js';
import { parseApiKey } from './api-key-format.js';
import type { ApiKeyRecord } from './api-key-store.js';
import type {
  ApiKeyErrorData,
  ApiKeyInfo,
  ApiKeyManager,
  ApiKeyManagerOptions,
  ApiKeyStatus,
  IssuedApiKey,
} from './api-key-types.js';

/** The options createApiKeyManager takes, checked against ApiKeyManagerOptions. */
const API_KEY_MANAGER_OPTIONS = {
  store: true,
  prefix: true,
  secretBytes: true,
  maxKeysPerPrincipal: true,
  defaultExpiresInMs: true,
  rotationGraceMs: true,
  lastUsedIntervalMs: true,
  now: true,
} satisfies KnownOptions<ApiKeyManagerOptions>;

function statusOf(record: ApiKeyRecord, now: number): ApiKeyStatus {
  if (record.revokedAt !== undefined) return 'revoked';
  if (record.expiresAt !== undefined && record.expiresAt <= now) return 'expired';
  return 'active';
}

function infoOf(record: ApiKeyRecord, now: number): ApiKeyInfo {
  const { salt: _salt, hash: _hash, ...rest } = record;
  return { ...rest, status: statusOf(record, now) };
}

function keyError(
  code: 'auth_invalid' | 'auth_expired' | 'auth_revoked',
  message: string,
  data: ApiKeyErrorData,
): AuthError<ApiKeyErrorData> {
  return new AuthError(code, message, { data });
}

function hashSecret(salt: Uint8Array, id: string, secret: string): Promise<Uint8Array> {
  // The id is hashed too, so a record's hash only ever verifies its own key.
  return sha256(concatBytes(salt, utf8(id), new Uint8Array([0]), utf8(secret)));
}

/**
 * Creates an API key manager. Keys look like `sk_ID_SECRET` (a 24-hex-digit id
 * and a 43-character base64url secret): 256 random bits from WebCrypto in the secret, and an id to find
 * the record by. Stores keep only a per-key random salt and
 * SHA-256(salt, id, secret), compared in constant time. A plain salted hash
 * is enough here: the secret is 256 random bits, so there is no dictionary to
 * try and no brute force to slow down, and a slow KDF (PBKDF2, scrypt) would
 * only tax every request.
 *
 * @throws `ValidationError` `invalid_options` for an out-of-range option.
 * @example
 * ```ts
 * const keys = createApiKeyManager();
 * const { key } = await keys.issue({ id: 'svc-reporting', roles: ['agent'] }, { name: 'cron' });
 * const principal = await keys.verify(key); // { id: 'svc-reporting', roles: ['agent'], ... }
 * ```
 */
export function createApiKeyManager(options: ApiKeyManagerOptions = {}): ApiKeyManager {
  rejectUnknownOptions('createApiKeyManager', options, API_KEY_MANAGER_OPTIONS);
  const {
    format,
    secretBytes,
    maxKeys,
    defaultExpiresInMs,
    graceDefault,
    lastUsedInterval,
    now,
    store,
  } = resolveApiKeySettings(options);
  const { prefix } = format;
  // Serialises issue and rotate per principal, so the key limit holds under
  // concurrent calls in this process.
  const serial = new KeySerialiser();

  async function create(
    principalId: string,
    name: string,
    roles: readonly string[],
    lifetimeMs: number,
  ): Promise<IssuedApiKey> {
    const id = toHex(randomBytes(ID_BYTES));
    const secret = toBase64Url(randomBytes(secretBytes));
    const salt = randomBytes(SALT_BYTES);
    const createdAt = now();
    const base = {
      id,
      principalId,
      name,
      roles: [...roles],
      salt: toBase64Url(salt),
      hash: toBase64Url(await hashSecret(salt, id, secret)),
      createdAt,
    };
    const record: ApiKeyRecord =
      lifetimeMs === Number.POSITIVE_INFINITY
        ? base
        : { ...base, expiresAt: createdAt + lifetimeMs };
    await store.create(record);
    return { key: `${prefix}${id}_${secret}`, info: infoOf(record, createdAt) };
  }

  async function verify(key: unknown): Promise<Principal> {
    const { id, secret } = parseApiKey(key, format);
    const record = await store.get(id);
    // An unknown id costs the same hashing as a known one, and both failures
    // read the same, so an attacker cannot probe which ids exist.
    const salt = (record && fromBase64Url(record.salt)) ?? new Uint8Array(SALT_BYTES);
    const actual = await hashSecret(salt, id, secret);
    const expected = (record && fromBase64Url(record.hash)) ?? new Uint8Array(actual.length);
    if (record === undefined || !constantTimeEqual(actual, expected)) {
      throw keyError('auth_invalid', 'The API key is not valid.', {
        reason: 'not_found',
        keyId: id,
      });
    }
    const at = now();
    const status = statusOf(record, at);
    if (status === 'revoked') {
      throw keyError('auth_revoked', 'The API key was revoked.', { reason: 'revoked', keyId: id });
    }
    if (status === 'expired') {
      throw keyError('auth_expired', 'The API key has expired; issue a new one.', {
        reason: 'expired',
        keyId: id,
      });
    }
    if (
      lastUsedInterval !== Number.POSITIVE_INFINITY &&
      at - (record.lastUsedAt ?? -Infinity) >= lastUsedInterval
    ) {
      await store.update(id, { lastUsedAt: at });
    }
    return {
      id: record.principalId,
      roles: record.roles,
      attributes: { apiKeyId: id, apiKeyName: record.name },
    };
  }

  async function existing(keyId: string): Promise<ApiKeyRecord> {
    const record = typeof keyId === 'string' ? await store.get(keyId) : undefined;
    if (record === undefined) {
      throw keyError('auth_invalid', `No API key has the id '${String(keyId)}'.`, {
        reason: 'not_found',
      });
    }
    return record;
  }

  return {
    async issue(principal, issueOptions) {
      if (
        typeof principal !== 'object' ||
        principal === null ||
        typeof principal.id !== 'string' ||
        principal.id === '' ||
        !Array.isArray(principal.roles)
      ) {
        throw invalidInput('principal', 'an object with a non-empty string id and a roles array');
      }
      const name = issueOptions?.name;
      if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
        throw invalidInput('name', `a non-blank string of at most ${MAX_NAME_LENGTH} characters`);
      }
      const roles = issueOptions.roles ?? principal.roles;
      if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
        throw invalidInput('roles', 'an array of strings');
      }
      const foreign = roles.filter((role) => !principal.roles.includes(role));
      if (foreign.length > 0) {
        throw new SecurityError(
          'permission_denied',
          `An API key cannot grant roles its principal '${principal.id}' lacks: ${foreign.join(', ')}.`,
          { data: { code: 'permission_denied', principal: principal.id, roles: foreign } },
        );
      }
      const lifetime = issueOptions.expiresInMs ?? defaultExpiresInMs;
      if (!isDuration(lifetime, false)) {
        throw invalidInput('expiresInMs', 'a positive number of milliseconds or Infinity');
      }
      return serial.run(principal.id, async () => {
        const at = now();
        const active = (await store.listByPrincipal(principal.id)).filter(
          (record) => statusOf(record, at) === 'active',
        );
        if (active.length >= maxKeys) {
          throw new AuthError<ApiKeyErrorData>(
            'api_key_limit',
            `Principal '${principal.id}' already holds ${active.length} API keys (the limit is ${maxKeys}); revoke one first.`,
            { data: { reason: 'limit', max: maxKeys } },
          );
        }
        return create(principal.id, name, roles, lifetime);
      });
    },
    verify,
    async rotate(keyId, rotateOptions) {
      const graceMs = rotateOptions?.graceMs ?? graceDefault;
      if (!isDuration(graceMs, true) || graceMs === Number.POSITIVE_INFINITY) {
        throw invalidInput('graceMs', 'a finite number of milliseconds, 0 or more');
      }
      const first = await existing(keyId);
      return serial.run(first.principalId, async () => {
        const record = await existing(keyId);
        const at = now();
        const status = statusOf(record, at);
        if (status === 'revoked') {
          throw keyError('auth_revoked', 'A revoked API key cannot be rotated.', {
            reason: 'revoked',
            keyId,
          });
        }
        if (record.replacedBy !== undefined) {
          throw keyError(
            'auth_revoked',
            `The API key was already rotated (to '${record.replacedBy}').`,
            {
              reason: 'rotated',
              keyId,
            },
          );
        }
        if (status === 'expired') {
          throw keyError('auth_expired', 'An expired API key cannot be rotated; issue a new one.', {
            reason: 'expired',
            keyId,
          });
        }
        const lifetime =
          record.expiresAt === undefined
            ? Number.POSITIVE_INFINITY
            : record.expiresAt - record.createdAt;
        const issued = await create(record.principalId, record.name, record.roles, lifetime);
        const retireAt = at + graceMs;
        await store.update(
          keyId,
          graceMs === 0
            ? { revokedAt: at, replacedBy: issued.info.id }
            : {
                expiresAt: Math.min(record.expiresAt ?? retireAt, retireAt),
                replacedBy: issued.info.id,
              },
        );
        return issued;
      });
    },
    async revoke(keyId) {
      const record = typeof keyId === 'string' ? await store.get(keyId) : undefined;
      if (record === undefined || record.revokedAt !== undefined) return false;
      await store.update(keyId, { revokedAt: now() });
      return true;
    },
    remove(keyId) {
      return typeof keyId === 'string' ? store.delete(keyId) : Promise.resolve(false);
    },
    async list(principalId) {
      const at = now();
      const records = await store.listByPrincipal(principalId);
      return [...records]
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((record) => infoOf(record, at));
    },
  };
}
