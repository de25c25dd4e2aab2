/**
 * What an API key store keeps about one key. Never the key itself: only a
 * random salt and the SHA-256 of salt, key id and secret, so a leaked store
 * does not leak usable keys.
 */
export interface ApiKeyRecord {
  /** The key id: the public part of the key, used to find this record. */
  readonly id: string;
  /** The principal the key authenticates as. */
  readonly principalId: string;
  /** A human label ("ci deploy", "laptop"). */
  readonly name: string;
  /** The roles the key grants (a subset of its principal's roles when issued). */
  readonly roles: readonly string[];
  /** The random salt, base64url. */
  readonly salt: string;
  /** SHA-256 over salt, key id and secret, base64url. */
  readonly hash: string;
  /** When the key was issued, epoch milliseconds. */
  readonly createdAt: number;
  /** When the key stops working, epoch milliseconds; absent for keys that never expire. */
  readonly expiresAt?: number;
  /** When the key was revoked, epoch milliseconds. */
  readonly revokedAt?: number;
  /** When the key last verified, epoch milliseconds (updated at most once per `lastUsedIntervalMs`). */
  readonly lastUsedAt?: number;
  /** The id of the key that replaced this one through `rotate`. */
  readonly replacedBy?: string;
}

/** The fields {@link ApiKeyStore.update} may change. */
export type ApiKeyRecordPatch = Partial<
  Pick<ApiKeyRecord, 'expiresAt' | 'revokedAt' | 'lastUsedAt' | 'replacedBy'>
>;

/**
 * Where API key records live. Implement it over a database to share keys
 * between processes; `memoryApiKeyStore()` is the in-process default. Every
 * method may reject; the manager passes such failures on unchanged.
 */
export interface ApiKeyStore {
  /** The record with this id. */
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Adds a new record (ids are random, so a store may reject a duplicate). */
  create(record: ApiKeyRecord): Promise<void>;
  /**
   * Changes only the given fields of a record, atomically with respect to
   * other updates (a `lastUsedAt` write must never undo a revocation), and
   * returns the updated record, or undefined when there is none.
   */
  update(id: string, patch: ApiKeyRecordPatch): Promise<ApiKeyRecord | undefined>;
  /** Forgets a record; resolves whether there was one. */
  delete(id: string): Promise<boolean>;
  /** Every record of a principal, in any order. */
  listByPrincipal(principalId: string): Promise<readonly ApiKeyRecord[]>;
}

/**
 * An {@link ApiKeyStore} in a `Map` of this process: for tests, single-process
 * services, and as the model a database-backed store follows.
 *
 * @example
 * ```ts
 * const keys = createApiKeyManager({ store: memoryApiKeyStore() });
 * ```
 */
export function memoryApiKeyStore(): ApiKeyStore {
  const records = new Map<string, ApiKeyRecord>();
  const byPrincipal = new Map<string, Set<string>>();
  return {
    async get(id) {
      return records.get(id);
    },
    async create(record) {
      if (records.has(record.id))
        throw new Error(`An API key record with id '${record.id}' exists.`);
      const copy = Object.freeze({ ...record, roles: Object.freeze([...record.roles]) });
      records.set(record.id, copy);
      let ids = byPrincipal.get(record.principalId);
      if (ids === undefined) {
        ids = new Set();
        byPrincipal.set(record.principalId, ids);
      }
      ids.add(record.id);
    },
    async update(id, patch) {
      const record = records.get(id);
      if (record === undefined) return undefined;
      const updated = Object.freeze({ ...record, ...patch });
      records.set(id, updated);
      return updated;
    },
    async delete(id) {
      const record = records.get(id);
      if (record === undefined) return false;
      records.delete(id);
      const ids = byPrincipal.get(record.principalId);
      ids?.delete(id);
      if (ids?.size === 0) byPrincipal.delete(record.principalId);
      return true;
    },
    async listByPrincipal(principalId) {
      const ids = byPrincipal.get(principalId);
      return ids === undefined ? [] : [...ids].map((id) => records.get(id) as ApiKeyRecord);
    },
  };
}
