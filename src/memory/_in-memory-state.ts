import { compareMemoryKeys } from './compare-keys.js';

/** One stored value. */
export interface Entry {
  readonly value: string;
  /** Epoch milliseconds after which the entry is gone; `undefined` never expires. */
  readonly expiresAt: number | undefined;
  /** Stamp of the write that made this entry, unique within the memory. */
  readonly version: number;
}

/** The version a transaction records for a key that is absent. */
export const ABSENT = 0;

/**
 * The data of one in-memory memory: a map plus a write counter. Expired
 * entries are dropped lazily when met, and by a sweep every `size` writes
 * (amortised O(1) per write, so entries that are never read again do not
 * pile up; no timers involved).
 */
export function createState(now: () => number) {
  const entries = new Map<string, Entry>();
  let lastVersion = ABSENT;
  let expiring = 0;
  let writesSinceSweep = 0;

  function isExpired(entry: Entry, at: number): boolean {
    return entry.expiresAt !== undefined && entry.expiresAt <= at;
  }

  function drop(key: string, entry: Entry): void {
    entries.delete(key);
    if (entry.expiresAt !== undefined) expiring--;
  }

  function afterWrite(): void {
    writesSinceSweep++;
    if (expiring === 0 || writesSinceSweep < entries.size) return;
    writesSinceSweep = 0;
    const at = now();
    for (const [key, entry] of entries) if (isExpired(entry, at)) drop(key, entry);
  }

  return {
    /** The live entry under `key`, dropping it when it has expired. */
    get(key: string): Entry | undefined {
      const entry = entries.get(key);
      if (entry === undefined || !isExpired(entry, now())) return entry;
      drop(key, entry);
      return undefined;
    },
    /** The version a reader sees for `key` now. */
    version(key: string): number {
      return this.get(key)?.version ?? ABSENT;
    },
    /**
     * Whether `key` is exactly a key held now (live or expired). Such a key
     * passed validation when it was stored, so callers may skip checking it.
     */
    holds(key: unknown): key is string {
      return entries.has(key as string);
    },
    set(key: string, value: string, expiresAt: number | undefined): void {
      // Overwritten in place: nothing depends on the map's insertion order
      // (keys() sorts, snapshots sort), and one set is cheaper than delete + set.
      if (entries.get(key)?.expiresAt !== undefined) expiring--;
      entries.set(key, { value, expiresAt, version: ++lastVersion });
      if (expiresAt !== undefined) expiring++;
      afterWrite();
    },
    /** Removes `key`; true when a live entry was there. */
    delete(key: string): boolean {
      const existed = this.get(key) !== undefined;
      if (existed) {
        drop(key, entries.get(key) as Entry);
        afterWrite();
      }
      return existed;
    },
    /** Live keys starting with `prefix`, in code point order. */
    keys(prefix: string): string[] {
      const at = now();
      const found: string[] = [];
      for (const [key, entry] of entries) {
        if (!key.startsWith(prefix)) continue;
        if (isExpired(entry, at)) drop(key, entry);
        else found.push(key);
      }
      return found.sort(compareMemoryKeys);
    },
    /** Every live entry (for snapshots). */
    live(): Map<string, Entry> {
      const at = now();
      const found = new Map<string, Entry>();
      for (const [key, entry] of entries) if (!isExpired(entry, at)) found.set(key, entry);
      return found;
    },
    clear(): void {
      entries.clear();
      expiring = 0;
      writesSinceSweep = 0;
    },
  };
}

/** The state of one in-memory memory. */
export type State = ReturnType<typeof createState>;
