import type { AgentId } from '../identifiers/identifiers.js';
import type { DeadLetter, DeadLetterStore } from './dead-letter.js';

/**
 * A dead-letter store in a `Map` (insertion order = age): what the
 * in-process transport uses, and a reference for other transports. Expired
 * entries are dropped when met; no timer runs.
 *
 * @example
 * ```ts
 * const store = inMemoryDeadLetterStore();
 * ```
 */
export function inMemoryDeadLetterStore(
  options: {
    /**
     * The clock expiry is checked against, in epoch milliseconds.
     * @defaultValue Date.now
     */
    readonly now?: () => number;
  } = {},
): DeadLetterStore {
  const now = options.now ?? Date.now;
  const entries = new Map<string, DeadLetter>();

  function live(entry: DeadLetter, at: number): boolean {
    if (entry.expiresAt > at) return true;
    entries.delete(entry.id);
    return false;
  }

  function sweep(): void {
    const at = now();
    for (const entry of [...entries.values()]) live(entry, at);
  }

  return {
    async add(entry, maxEntries) {
      entries.delete(entry.id);
      entries.set(entry.id, entry);
      for (const id of entries.keys()) {
        if (entries.size <= maxEntries) break;
        entries.delete(id);
      }
    },
    async list({ agent, limit }) {
      const at = now();
      const result: DeadLetter[] = [];
      for (const entry of [...entries.values()]) {
        if (result.length >= limit) break;
        if (live(entry, at) && (agent === undefined || entry.agent === agent)) result.push(entry);
      }
      return result;
    },
    async get(id) {
      const entry = entries.get(id);
      return entry !== undefined && live(entry, now()) ? entry : undefined;
    },
    async remove(id) {
      const entry = entries.get(id);
      const present = entry !== undefined && live(entry, now());
      entries.delete(id);
      return present;
    },
    async purge(agent?: AgentId) {
      sweep();
      let count = 0;
      for (const entry of [...entries.values()]) {
        if (agent !== undefined && entry.agent !== agent) continue;
        entries.delete(entry.id);
        count++;
      }
      return count;
    },
    async size() {
      sweep();
      return entries.size;
    },
  };
}
