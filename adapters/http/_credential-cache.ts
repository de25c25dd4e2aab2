import type { Principal } from 'skreaver';

interface Entry {
  readonly principal: Principal;
  readonly until: number;
}

/**
 * Remembers verified credentials for a short while, so a client sending the
 * same token or key on every request does not pay for a signature check or
 * a key-store lookup each time. An entry lives `ttlMs` at most, never past
 * the token's own expiry; revoking a credential therefore takes effect
 * within `ttlMs`. At most `maxEntries` are kept (oldest dropped first).
 */
export class CredentialCache {
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly ttlMs: number,
    readonly maxEntries: number,
    readonly now: () => number,
  ) {}

  /** The cached principal for `credential`, if still fresh. */
  get(credential: string): Principal | undefined {
    const entry = this.#entries.get(credential);
    if (entry === undefined) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(credential);
      return undefined;
    }
    return entry.principal;
  }

  /** Caches a verified credential; `expiresAtMs` caps the entry's life. */
  set(credential: string, principal: Principal, expiresAtMs = Number.POSITIVE_INFINITY): void {
    const until = Math.min(this.now() + this.ttlMs, expiresAtMs);
    if (until <= this.now()) return;
    if (this.#entries.size >= this.maxEntries) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
    this.#entries.set(credential, { principal, until });
  }
}
