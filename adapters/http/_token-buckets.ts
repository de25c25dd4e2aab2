interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets by key (an IP, a principal id, or one global key): each holds
 * up to `burst` tokens and refills at `perMinute` tokens a minute. At most
 * `maxKeys` buckets are kept; past that, full buckets (which are the same as
 * absent ones) are dropped first, then the oldest eighth.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #perMs: number;

  constructor(
    readonly perMinute: number,
    readonly burst: number,
    readonly maxKeys: number,
    readonly now: () => number,
  ) {
    this.#perMs = perMinute / 60_000;
  }

  /** Number of buckets kept. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Takes one token for `key`. Returns 0 when it got one, else the
   * milliseconds until one will be available.
   */
  take(key: string): number {
    const now = this.now();
    const bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= this.maxKeys) this.#evict(now);
      this.#buckets.set(key, { tokens: this.burst - 1, at: now });
      return 0;
    }
    const tokens = Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.#perMs);
    bucket.at = now;
    // The epsilon absorbs floating-point drift, so waiting exactly as long as
    // a refusal said always finds a token.
    if (tokens >= 1 - 1e-9) {
      bucket.tokens = Math.max(0, tokens - 1);
      return 0;
    }
    bucket.tokens = tokens;
    return Math.ceil((1 - tokens) / this.#perMs);
  }

  #evict(now: number): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.at) * this.#perMs >= this.burst) this.#buckets.delete(key);
    }
    if (this.#buckets.size < this.maxKeys) return;
    // Every bucket is in use: forget the oldest eighth, which at worst hands
    // those clients a fresh burst. Bounded memory matters more under a key
    // flood, and dropping a batch keeps the sweep from running on every new key.
    let drop = Math.max(1, this.maxKeys >> 3);
    for (const key of this.#buckets.keys()) {
      if (drop-- === 0) break;
      this.#buckets.delete(key);
    }
  }
}
