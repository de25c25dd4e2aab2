import type { Principal } from 'skreaver';

interface Entry {
  readonly credential: string;
  readonly principal: Principal;
  readonly until: number;
}

/**
 * The map key of a credential: its last 32 characters. A JWT ends in its
 * signature and an API key in random characters, so the tail tells
 * credentials apart; the entry keeps the whole credential and a lookup
 * compares it. Hashing a 32-character tail instead of a several-hundred
 * character token is what makes a hit cheap, on every request.
 */
function keyOf(credential: string): string {
  return credential.length <= 32 ? credential : credential.slice(-32);
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
    const key = keyOf(credential);
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.credential !== credential) return undefined;
    if (entry.until <= this.now()) {
      this.#entries.delete(key);
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
    // Two credentials with one tail share a slot: the later one wins and the
    // other is verified again when it comes back (never mistaken for it).
    this.#entries.set(keyOf(credential), { credential, principal, until });
  }
}
