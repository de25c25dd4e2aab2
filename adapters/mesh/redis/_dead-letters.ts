import {
  type AgentId,
  type DeadLetter,
  type DeadLetterStore,
  decodeMessage,
  encodeMessage,
} from 'skreaver';
import {
  DLQ_ADD,
  DLQ_GET,
  DLQ_MOVE,
  DLQ_PURGE,
  DLQ_REMOVE,
  DLQ_SIZE,
  type Script,
} from './_scripts.js';
import type { Client } from './_settings.js';
import type { RedisMeshKeys } from './keys.js';

/** What the store needs from its transport. */
export interface DeadLetterHost {
  readonly client: Client;
  readonly keys: RedisMeshKeys;
  /** Entries read per XRANGE call while listing. */
  readonly pageSize: number;
  /** The clock expiry is checked against (the mesh's). */
  now(): number;
  assertOpen(): void;
  fail(error: unknown, operation: string): unknown;
}

/** A dead-letter store that can also move a mailbox entry into itself. */
export interface RedisDeadLetterStore extends DeadLetterStore {
  /** Adds `entry` and acknowledges mailbox entry `streamId`, atomically. */
  move(
    entry: DeadLetter,
    maxEntries: number,
    mailbox: { readonly key: string; readonly failures: string; readonly group: string },
    streamId: string,
  ): Promise<void>;
}

/** Decoding a stored message never applies the sender's limits again. */
const NO_LIMITS = {
  maxPayloadBytes: Number.POSITIVE_INFINITY,
  maxHeaderBytes: Number.POSITIVE_INFINITY,
  maxJsonDepth: Number.POSITIVE_INFINITY,
  maxFrameLength: Number.POSITIVE_INFINITY,
};

/** The JSON kept in the stream: the entry, with its message in wire form. */
function serialize(entry: DeadLetter): string {
  return JSON.stringify({
    ...entry,
    message: entry.message === undefined ? undefined : encodeMessage(entry.message),
  });
}

/** An entry read back; undefined for one this code did not write. */
export function parseEntry(json: string): DeadLetter | undefined {
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof stored !== 'object' || stored === null || typeof stored.id !== 'string') {
    return undefined;
  }
  const { message, ...rest } = stored;
  if (typeof message !== 'string') return rest as unknown as DeadLetter;
  try {
    const decoded = decodeMessage(message, NO_LIMITS);
    if (decoded.kind === 'topic' || decoded.kind === 'broadcast') return undefined;
    return { ...rest, message: decoded } as unknown as DeadLetter;
  } catch {
    // Kept visible (not redrivable) rather than silently lost.
    return { ...rest, raw: message } as unknown as DeadLetter;
  }
}

function cap(maxEntries: number): number {
  return Number.isFinite(maxEntries) ? maxEntries : -1;
}

/** The dead-letter queue of a Redis mesh, shared by every node on the prefix. */
export function redisDeadLetterStore(host: DeadLetterHost): RedisDeadLetterStore {
  const { keys } = host;
  const dlqKeys = [keys.deadLetters, keys.deadLetterIndex, keys.deadLetterExpiry];

  async function call(script: Script, args: (string | number)[], operation: string) {
    host.assertOpen();
    try {
      return await script.run(host.client, dlqKeys, args);
    } catch (error) {
      throw host.fail(error, operation);
    }
  }

  function addArgs(entry: DeadLetter, maxEntries: number): (string | number)[] {
    return [entry.id, entry.agent, serialize(entry), entry.expiresAt, cap(maxEntries), host.now()];
  }

  /** Unexpired entries, oldest first, until `want` returns false. */
  async function scan(visit: (entry: DeadLetter) => boolean): Promise<void> {
    await call(DLQ_SIZE, [host.now()], 'deadLetters.list');
    let start = '-';
    for (;;) {
      let page: [string, string[]][];
      try {
        page = (await host.client.xrange(keys.deadLetters, start, '+', 'COUNT', host.pageSize)) as [
          string,
          string[],
        ][];
      } catch (error) {
        throw host.fail(error, 'deadLetters.list');
      }
      const now = host.now();
      for (const [, fields] of page) {
        const json = field(fields, 'e');
        const entry = json === undefined ? undefined : parseEntry(json);
        if (entry !== undefined && entry.expiresAt > now && !visit(entry)) return;
      }
      if (page.length < host.pageSize) return;
      start = `(${(page[page.length - 1] as [string, string[]])[0]}`;
    }
  }

  return {
    async add(entry, maxEntries) {
      await call(DLQ_ADD, addArgs(entry, maxEntries), 'deadLetters.add');
    },

    async move(entry, maxEntries, mailbox, streamId) {
      host.assertOpen();
      try {
        await DLQ_MOVE.run(
          host.client,
          [...dlqKeys, mailbox.key, mailbox.failures],
          [...addArgs(entry, maxEntries), mailbox.group, streamId],
        );
      } catch (error) {
        throw host.fail(error, 'deadLetter');
      }
    },

    async list({ agent, limit }) {
      const result: DeadLetter[] = [];
      if (limit <= 0) return result;
      await scan((entry) => {
        if (agent === undefined || entry.agent === agent) result.push(entry);
        return result.length < limit;
      });
      return result;
    },

    async get(id) {
      const json = await call(DLQ_GET, [id, host.now()], 'deadLetters.get');
      return typeof json === 'string' ? parseEntry(json) : undefined;
    },

    async remove(id) {
      return (await call(DLQ_REMOVE, [host.now(), id], 'deadLetters.remove')) === 1;
    },

    async purge(agent?: AgentId) {
      if (agent === undefined) {
        return Number(await call(DLQ_PURGE, [host.now()], 'deadLetters.purge'));
      }
      const ids: string[] = [];
      await scan((entry) => {
        if (entry.agent === agent) ids.push(entry.id);
        return true;
      });
      let removed = 0;
      for (let i = 0; i < ids.length; i += host.pageSize) {
        const chunk = ids.slice(i, i + host.pageSize);
        removed += Number(await call(DLQ_REMOVE, [host.now(), ...chunk], 'deadLetters.purge'));
      }
      return removed;
    },

    async size() {
      return Number(await call(DLQ_SIZE, [host.now()], 'deadLetters.size'));
    },
  };
}

/** The value of `name` in a flat stream-entry field list. */
export function field(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) {
    if (fields[i] === name) return fields[i + 1];
  }
  return undefined;
}
