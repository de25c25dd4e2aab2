import { SecurityError, ValidationError } from '../errors/families.js';
import type { RevocationStore } from './tokens.js';

/** Options of {@link memoryRevocationStore}. */
export interface MemoryRevocationStoreOptions {
  /** The clock, epoch milliseconds. @defaultValue Date.now */
  readonly now?: () => number;
  /**
   * How many unexpired revocations it holds. When full it first drops expired
   * entries; if none expired, `revoke` rejects with `resource_exhausted`
   * rather than forget a revocation that still matters.
   * @defaultValue 100000
   */
  readonly maxEntries?: number;
}

/** A {@link RevocationStore} with its size, for tests and monitoring. */
export interface MemoryRevocationStore extends RevocationStore {
  /** Entries currently held (expired ones included until the next sweep). */
  readonly size: number;
}

/**
 * A {@link RevocationStore} in a `Map` of this process. Entries expire at the
 * time given to `revoke` (checked on read, no timer), and the map is bounded
 * by `maxEntries`. Revocations are lost on restart and not shared between
 * processes; use the Redis store of `skreaver/auth/jwt` for that.
 *
 * @throws `ValidationError` `invalid_options` for an out-of-range option.
 * @example
 * ```ts
 * const revocation = memoryRevocationStore({ maxEntries: 10_000 });
 * await revocation.revoke(claims.jti, claims.exp * 1000);
 * ```
 */
export function memoryRevocationStore(
  options: MemoryRevocationStoreOptions = {},
): MemoryRevocationStore {
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') {
    throw new ValidationError(
      'invalid_options',
      "The revocation store option 'now' must be a function.",
      {
        data: { option: 'now' },
      },
    );
  }
  const maxEntries = options.maxEntries ?? 100_000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new ValidationError(
      'invalid_options',
      "The revocation store option 'maxEntries' must be a positive integer.",
      { data: { option: 'maxEntries', value: maxEntries } },
    );
  }
  const entries = new Map<string, number>();

  const sweep = (at: number): void => {
    for (const [jti, expiresAt] of entries) if (expiresAt <= at) entries.delete(jti);
  };

  return {
    get size() {
      return entries.size;
    },
    async revoke(jti, expiresAtMs) {
      const at = now();
      if (typeof jti !== 'string' || !(expiresAtMs > at)) return false;
      const current = entries.get(jti);
      if (current !== undefined && current > at) return false;
      if (current === undefined && entries.size >= maxEntries) {
        sweep(at);
        if (entries.size >= maxEntries) {
          throw new SecurityError(
            'resource_exhausted',
            `The in-memory revocation store holds ${maxEntries} unexpired entries; raise maxEntries or use a shared store.`,
            { data: { maxEntries } },
          );
        }
      }
      entries.set(jti, expiresAtMs);
      return true;
    },
    async isRevoked(jti) {
      const expiresAt = entries.get(jti);
      if (expiresAt === undefined) return false;
      if (expiresAt > now()) return true;
      entries.delete(jti);
      return false;
    },
  };
}
