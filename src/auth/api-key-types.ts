import type { Principal } from '../principal.js';
import type { ApiKeyRecord, ApiKeyStore } from './api-key-store.js';

/** Defaults of {@link ApiKeyManagerOptions}. */
export const API_KEY_DEFAULTS = Object.freeze({
  prefix: 'sk_',
  secretBytes: 32,
  maxKeysPerPrincipal: 5,
  defaultExpiresInMs: 90 * 24 * 60 * 60 * 1000,
  rotationGraceMs: 0,
  lastUsedIntervalMs: 60_000,
});

/** Options of `createApiKeyManager`. */
export interface ApiKeyManagerOptions {
  /** Where key records live. @defaultValue a new `memoryApiKeyStore()` */
  readonly store?: ApiKeyStore;
  /**
   * Text every key starts with: a letter, then letters or digits, then `_` or
   * `-`. Secret scanners (GitHub, gitleaks) find keys by such prefixes.
   * @defaultValue 'sk_'
   */
  readonly prefix?: string;
  /** Random bytes in the secret part (24 to 64; 32 gives 43 base64url characters). @defaultValue 32 */
  readonly secretBytes?: number;
  /**
   * How many usable (not revoked, not expired) keys one principal may hold;
   * `issue` past it rejects with `api_key_limit`. `rotate` is not counted:
   * it replaces a key.
   * @defaultValue 5
   */
  readonly maxKeysPerPrincipal?: number;
  /** Lifetime of a key issued without `expiresInMs`, in ms; `Infinity` for none. @defaultValue 7776000000 (90 days) */
  readonly defaultExpiresInMs?: number;
  /**
   * How long a rotated key keeps working after `rotate`, in ms, so clients can
   * switch over; 0 revokes it at once.
   * @defaultValue 0
   */
  readonly rotationGraceMs?: number;
  /**
   * `verify` records `lastUsedAt` when the stored value is older than this,
   * in ms, so a busy key does not write to the store on every request;
   * `Infinity` never records it.
   * @defaultValue 60000
   */
  readonly lastUsedIntervalMs?: number;
  /** The clock, in epoch milliseconds. @defaultValue Date.now */
  readonly now?: () => number;
}

/** What to issue. */
export interface IssueApiKeyOptions {
  /** A human label for the key (1 to 128 characters). */
  readonly name: string;
  /** Roles the key grants; each must be one of the principal's. @defaultValue the principal's roles */
  readonly roles?: readonly string[];
  /** Lifetime in ms (`Infinity` for none). @defaultValue the manager's `defaultExpiresInMs` */
  readonly expiresInMs?: number;
}

/** A key's state as of a given time. */
export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

/** Everything about a key except its salt and hash. */
export type ApiKeyInfo = Omit<ApiKeyRecord, 'salt' | 'hash'> & { readonly status: ApiKeyStatus };

/** A newly issued key: the plaintext, shown once, and its description. */
export interface IssuedApiKey {
  /** The key to hand to the client. It is not stored anywhere and cannot be shown again. */
  readonly key: string;
  /** The key's record, without salt and hash. */
  readonly info: ApiKeyInfo;
}

/** The `data` of API key errors. */
export interface ApiKeyErrorData {
  /** Why: the key's state, or `not_found` for an unknown id or a wrong secret (not told apart). */
  readonly reason: 'not_found' | 'expired' | 'revoked' | 'rotated' | 'limit';
  /** The key id, when the key parsed (ids are not secret). */
  readonly keyId?: string;
  /** `api_key_limit`: the limit. */
  readonly max?: number;
}

/** Issues, verifies, rotates and revokes API keys. Made by `createApiKeyManager`. */
export interface ApiKeyManager {
  /**
   * Issues a key for `principal`. The plaintext is returned once.
   * @throws `AuthError` `api_key_limit` when the principal holds
   *   `maxKeysPerPrincipal` usable keys; `SecurityError` `permission_denied`
   *   when `roles` names a role the principal lacks; `ValidationError`
   *   `invalid_input` for a bad principal, name or lifetime.
   */
  issue(principal: Principal, options: IssueApiKeyOptions): Promise<IssuedApiKey>;
  /**
   * Checks a key and returns its principal (`id`, `roles`, and `attributes`
   * holding `apiKeyId` and `apiKeyName`). The secret is checked before the key's state,
   * so only the holder of a key learns that it expired or was revoked.
   * @throws `AuthError` `auth_required` (no key), `auth_invalid` (malformed,
   *   unknown, or wrong secret), `auth_expired`, `auth_revoked`.
   */
  verify(key: unknown): Promise<Principal>;
  /**
   * Issues a new key for the same principal, name, roles and lifetime and
   * retires the old one (at once, or after `rotationGraceMs`).
   * @throws `AuthError` `auth_invalid` (unknown id), `auth_expired`,
   *   `auth_revoked` (revoked or already rotated).
   */
  rotate(keyId: string, options?: { readonly graceMs?: number }): Promise<IssuedApiKey>;
  /** Revokes a key; resolves false when it was unknown or already revoked. */
  revoke(keyId: string): Promise<boolean>;
  /** Forgets a key entirely (later `verify` says `auth_invalid`); resolves whether it existed. */
  remove(keyId: string): Promise<boolean>;
  /** A principal's keys, oldest first, without secrets. */
  list(principalId: string): Promise<ApiKeyInfo[]>;
}
