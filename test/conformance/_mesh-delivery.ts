import type { DeadLetter } from 'skreaver';
import { textPayload } from 'skreaver';
import { assert, assertEqual, assertRejects, sleep } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** At-least-once delivery, redelivery, the dead-letter queue. */
export function defineDeliveryTests(suite: MeshSuiteContext): void {
  const { test, config } = suite;
  suite.runner.describe('acknowledgement and dead letters', () => {
    test('a handler that throws gets the message again, with the next attempt number', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      const attempts: number[] = [];
      await mesh.join(b, (message, ctx) => {
        attempts.push(ctx.attempt);
        assertEqual(message.attempt, ctx.attempt, 'message.attempt');
        if (ctx.attempt === 1) throw new Error('first try fails');
      });
      await mesh.send({ to: b, payload: textPayload('x') });
      await t.waitFor(() => attempts.length === 2, 'the redelivery');
      await sleep(config.visibilityTimeoutMs * 2);
      assertEqual(attempts, [1, 2], 'attempts (acked after the second)');
      assertEqual(await mesh.deadLetters.list({ agent: b }), [], 'no dead letter');
    });

    test('after maxDeliveries failures the message is dead-lettered with the last error; the consumer goes on', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      const handled: string[] = [];
      const failures: boolean[] = [];
      mesh.on('delivery_failed', (e) => {
        if (e.agent === b) failures.push(e.willRetry);
      });
      await mesh.join(b, (message, ctx) => {
        if (text(message) === 'poison') throw new Error(`boom ${ctx.attempt}`);
        handled.push(text(message));
      });
      const id = await mesh.send({ to: b, payload: textPayload('poison') });
      await mesh.send({ to: b, payload: textPayload('fine') });
      await t.waitFor(
        async () => (await mesh.deadLetters.list({ agent: b })).length === 1,
        'the dead letter',
      );
      const [entry] = (await mesh.deadLetters.list({ agent: b })) as [DeadLetter];
      assertEqual(
        [
          entry.id,
          entry.reason,
          entry.agent,
          entry.attempts,
          entry.error.message,
          text(entry.message),
        ],
        [
          id,
          'max_deliveries',
          b,
          config.maxDeliveries,
          `Error: boom ${config.maxDeliveries}`,
          'poison',
        ],
        'the dead letter',
      );
      assert(entry.expiresAt > entry.deadLetteredAt, 'the entry has a TTL');
      assertEqual(handled, ['fine'], 'the next message was handled');
      assertEqual(
        failures,
        [...Array(config.maxDeliveries - 1).fill(true), false],
        'delivery_failed events',
      );
    });

    test('a handler that never returns is timed out, its signal aborted, and finally dead-lettered', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      let aborted = 0;
      const handled: string[] = [];
      await mesh.join(b, (message, ctx) => {
        if (text(message) !== 'hang') {
          handled.push(text(message));
          return;
        }
        ctx.signal.addEventListener('abort', () => aborted++);
        return new Promise<void>(() => {});
      });
      await mesh.send({ to: b, payload: textPayload('hang') });
      await mesh.send({ to: b, payload: textPayload('after') });
      await t.waitFor(
        async () => (await mesh.deadLetters.list({ agent: b })).length === 1,
        'the dead letter',
      );
      const [entry] = await mesh.deadLetters.list({ agent: b });
      assertEqual(
        [entry?.reason, entry?.error.code],
        ['max_deliveries', 'mesh_timeout'],
        'reason and error',
      );
      assertEqual(aborted, config.maxDeliveries, 'every attempt saw its signal abort');
      await t.waitFor(() => handled.length === 1, 'the next message');
    });

    test('the dead-letter queue can be inspected, redriven, removed and purged', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      let failing = true;
      const { handler, got } = t.recorder();
      await mesh.join(b, (message, ctx) => {
        if (failing) throw new Error('down');
        return handler(message, ctx);
      });
      const ids: string[] = [];
      for (const word of ['one', 'two', 'three', 'four']) {
        ids.push(await mesh.send({ to: b, payload: textPayload(word) }));
      }
      await t.waitFor(
        async () => (await mesh.deadLetters.list({ agent: b })).length === 4,
        'four dead letters',
      );
      assertEqual((await mesh.deadLetters.list({ agent: b, limit: 2 })).length, 2, 'limit');
      assertEqual((await mesh.deadLetters.get(ids[0] as string)).id, ids[0], 'get');
      await assertRejects(
        () => mesh.deadLetters.get('00000000-0000-4000-8000-000000000000'),
        { code: 'dead_letter_not_found' },
        'get of an unknown id',
      );
      await assertRejects(
        () => mesh.deadLetters.redrive('nope'),
        { code: 'dead_letter_not_found' },
        'redrive of an unknown id',
      );
      await assertRejects(
        () => mesh.deadLetters.remove('nope'),
        { code: 'dead_letter_not_found' },
        'remove of an unknown id',
      );
      failing = false;
      await mesh.deadLetters.redrive(ids[0] as string);
      await t.waitFor(() => got.length === 1, 'the redriven message');
      assertEqual(
        [got[0]?.id, got[0]?.attempt, text(got[0])],
        [ids[0], 1, 'one'],
        'a fresh delivery with the same id',
      );
      await mesh.deadLetters.remove(ids[1] as string);
      // Retries race, so 'four' may have been dead-lettered before 'three':
      // redriveAll follows the dead-letter queue's order, whatever it is.
      const queued = (await mesh.deadLetters.list({ agent: b })).map((entry) => entry.id);
      assertEqual([...queued].sort(), [ids[2], ids[3]].sort(), 'the dead letters left');
      assertEqual(await mesh.deadLetters.redriveAll({ agent: b }), 2, 'redriveAll count');
      await t.waitFor(() => got.length === 3, 'the other redriven messages');
      assertEqual(
        got.slice(1).map((message) => message.id),
        queued,
        'redriveAll redelivered the rest in queue order',
      );
      failing = true;
      await t.waitFor(
        async () => (await mesh.deadLetters.list({ agent: b })).length === 0,
        'an empty queue for b',
      );
      await mesh.send({ to: b, payload: textPayload('five') });
      await t.waitFor(
        async () => (await mesh.deadLetters.list({ agent: b })).length === 1,
        'one more dead letter',
      );
      assertEqual(await mesh.deadLetters.purge({ agent: b }), 1, 'purge count');
      assertEqual(await mesh.deadLetters.list({ agent: b }), [], 'purged');
    });

    test('a message whose TTL ran out before delivery is dead-lettered as expired', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      const id = await mesh.send({ to: b, payload: textPayload('stale'), ttlMs: 20 });
      await mesh.send({ to: b, payload: textPayload('fresh'), ttlMs: 600_000 });
      await sleep(60);
      const { handler, got } = t.recorder();
      await mesh.join(b, handler);
      await t.waitFor(() => got.length === 1, 'the fresh message');
      assertEqual(text(got[0]), 'fresh', 'only the fresh message');
      const entry = await mesh.deadLetters.get(id);
      assertEqual(entry.reason, 'expired', 'reason');
    });

    test('a dead letter is visible from every node and the event fires on the node that made it', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const b = t.id('b');
      const events: string[] = [];
      two.on('dead_letter', (e) => events.push(e.entry.id));
      await two.join(b, () => {
        throw new Error('always');
      });
      const id = await one.send({ to: b, payload: textPayload('x') });
      await t.waitFor(() => events.length === 1, 'the dead_letter event');
      assertEqual(events, [id], 'event entry id');
      assertEqual(
        (await one.deadLetters.get(id)).reason,
        'max_deliveries',
        'seen from the other node',
      );
    });
  });
}
