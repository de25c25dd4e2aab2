import { MeshError } from '../errors/families.js';
import type { MeshRuntime } from './_runtime.js';
import { checkAgent } from './_validate.js';
import type { DeadLetter, DeadLetterQueue } from './dead-letter.js';
import { messageInvalid } from './errors.js';
import type { AddressedMessage } from './message.js';

const DEFAULT_LIST_LIMIT = 100;

function notFound(id: string): MeshError {
  return new MeshError(
    'dead_letter_not_found',
    `No dead letter has the id ${JSON.stringify(id)}; it may have been redriven, removed or expired.`,
    {
      data: { id },
    },
  );
}

/** The dead-letter queue of a mesh, on its transport's store. */
export function createDeadLetterQueue(rt: MeshRuntime): DeadLetterQueue {
  const store = rt.transport.deadLetters;
  const { options } = rt;

  async function get(id: string): Promise<DeadLetter> {
    rt.assertOpen();
    const entry = typeof id === 'string' ? await store.get(id) : undefined;
    if (entry === undefined) throw notFound(String(id));
    return entry;
  }

  async function redriveEntry(entry: DeadLetter): Promise<void> {
    if (entry.message === undefined) {
      throw messageInvalid(
        'not_redrivable',
        'This dead letter holds a frame that did not decode; it cannot be redriven. Inspect entry.raw and remove it.',
        'message',
      );
    }
    // A fresh delivery: attempt 1, a new timestamp (so a TTL starts again), same id.
    const message: AddressedMessage = {
      ...entry.message,
      to: entry.agent,
      attempt: 1,
      timestamp: options.clock.now(),
    };
    await rt.enqueue(message, false);
    await store.remove(entry.id);
  }

  return {
    async list(listOptions = {}) {
      rt.assertOpen();
      const limit = listOptions.limit ?? DEFAULT_LIST_LIMIT;
      if (!(typeof limit === 'number' && limit >= 0)) {
        throw messageInvalid('invalid_field', 'A list limit must be a number >= 0.', 'limit');
      }
      return store.list(
        listOptions.agent === undefined
          ? { limit }
          : { limit, agent: checkAgent(listOptions.agent, 'agent') },
      );
    },
    get,
    async size() {
      rt.assertOpen();
      return store.size();
    },
    async add(input) {
      rt.assertOpen();
      const now = options.clock.now();
      const agent = checkAgent(input.agent, 'agent');
      const entry: DeadLetter = {
        id: input.message.id,
        message: input.message,
        agent,
        reason: input.reason,
        error: input.error,
        attempts: input.attempts ?? input.message.attempt,
        deadLetteredAt: now,
        expiresAt: now + options.deadLetterTtlMs,
        ...(input.stage === undefined ? {} : { stage: input.stage }),
      };
      await store.add(entry, options.maxDeadLetters);
      rt.reportDeadLetter(entry);
      return entry;
    },
    async redrive(id) {
      await redriveEntry(await get(id));
    },
    async redriveAll(filter = {}) {
      rt.assertOpen();
      const entries = await store.list(
        filter.agent === undefined
          ? { limit: Number.POSITIVE_INFINITY }
          : { limit: Number.POSITIVE_INFINITY, agent: checkAgent(filter.agent, 'agent') },
      );
      let count = 0;
      for (const entry of entries) {
        if (entry.message === undefined) continue;
        await redriveEntry(entry);
        count++;
      }
      return count;
    },
    async remove(id) {
      rt.assertOpen();
      if (typeof id !== 'string' || !(await store.remove(id))) throw notFound(String(id));
    },
    async purge(filter = {}) {
      rt.assertOpen();
      return store.purge(
        filter.agent === undefined ? undefined : checkAgent(filter.agent, 'agent'),
      );
    },
  };
}
