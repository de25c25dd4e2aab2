import { ValidationError } from '../errors/families.js';
import type { Vault } from './vault.js';

/**
 * Where a {@link CredentialStore} keeps sealed values: any string key-value
 * storage (a database table, a Redis hash, a `Memory` wrapped in three
 * lines). It only ever sees ciphertext.
 */
export interface CredentialStorage {
  /** The value stored under `name`. */
  get(name: string): Promise<string | undefined>;
  /** Stores `value` under `name`, replacing any previous one. */
  set(name: string, value: string): Promise<void>;
  /** Removes `name`; resolves whether it was there. */
  delete(name: string): Promise<boolean>;
}

/** Named secrets encrypted at rest through a {@link Vault}. Made by {@link createCredentialStore}. */
export interface CredentialStore {
  /** Seals `secret` for `name` and stores it. */
  set(name: string, secret: string): Promise<void>;
  /**
   * The secret stored under `name`, or undefined when there is none.
   * @throws `AuthError` `vault_decrypt_failed` when the stored value does not
   *   open (wrong key, tampered, or copied from another name).
   */
  get(name: string): Promise<string | undefined>;
  /** Removes `name`; resolves whether it was there. */
  delete(name: string): Promise<boolean>;
}

/** A {@link CredentialStorage} in a `Map` of this process. */
export function memoryCredentialStorage(): CredentialStorage {
  const values = new Map<string, string>();
  return {
    async get(name) {
      return values.get(name);
    },
    async set(name, value) {
      values.set(name, value);
    },
    async delete(name) {
      return values.delete(name);
    },
  };
}

const MAX_NAME_LENGTH = 256;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new ValidationError(
      'invalid_input',
      `A credential name must be a non-empty string of at most ${MAX_NAME_LENGTH} characters.`,
      { data: { field: 'name' } },
    );
  }
  return name;
}

/**
 * Stores secrets encrypted by `vault` in `storage`. Each value is sealed with
 * its name as associated data, so someone who can write to the storage
 * cannot move one credential's ciphertext under another name.
 *
 * @throws `ValidationError` `invalid_input` (from each method) for an empty or
 *   over-long name.
 * @example
 * ```ts
 * const credentials = createCredentialStore(createVault({ env: process.env }));
 * await credentials.set('openai', 'sk-...');
 * const apiKey = await credentials.get('openai');
 * ```
 */
export function createCredentialStore(
  vault: Vault,
  storage: CredentialStorage = memoryCredentialStorage(),
): CredentialStore {
  return {
    async set(name, secret) {
      const key = checkName(name);
      await storage.set(key, await vault.seal(key, secret));
    },
    async get(name) {
      const key = checkName(name);
      const sealed = await storage.get(key);
      return sealed === undefined ? undefined : vault.open(key, sealed);
    },
    async delete(name) {
      return storage.delete(checkName(name));
    },
  };
}
