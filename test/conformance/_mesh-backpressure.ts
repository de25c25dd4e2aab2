import type { BackpressureLevel } from 'skreaver';
import { textPayload } from 'skreaver';
import { assertEqual, assertRejects } from './_assert.js';
import type { MeshSuiteContext } from './_mesh-context.js';

/** Mailbox depth levels, events, refusal and waiting. */
export function defineBackpressureTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  const backpressure = { warningDepth: 2, criticalDepth: 4 };
  suite.runner.describe('backpressure', () => {
    test('levels rise with depth, are reported as events, and a critical mailbox refuses sends', async (t) => {
      const mesh = await t.node({ backpressure });
      const b = t.id('b');
      const levels: BackpressureLevel[] = [];
      mesh.on('backpressure', (e) => {
        if (e.agent === b) levels.push(e.level);
      });
      for (let i = 0; i < 4; i++) await mesh.send({ to: b, payload: textPayload(String(i)) });
      assertEqual(await mesh.queueDepth(b), { depth: 4, level: 'critical' }, 'queueDepth');
      const error = await assertRejects(
        () => mesh.send({ to: b, payload: textPayload('5') }),
        { code: 'backpressure' },
        'send at critical',
      );
      assertEqual(
        (error as { data?: { depth?: number; limit?: number } }).data?.limit,
        4,
        'data.limit',
      );
      assertEqual(levels, ['warning', 'critical'], 'level events');
      const { handler, got } = t.recorder();
      await mesh.join(b, handler);
      await t.waitFor(() => got.length === 4, 'the queued messages');
      assertEqual(await mesh.queueDepth(b), { depth: 0, level: 'normal' }, 'drained');
      assertEqual(levels, ['warning', 'critical', 'normal'], 'back to normal');
    });

    test("in 'wait' mode a send waits for room, then goes through", async (t) => {
      const mesh = await t.node({
        backpressure: { ...backpressure, mode: 'wait', maxWaitMs: 5000, pollIntervalMs: 5 },
      });
      const b = t.id('b');
      for (let i = 0; i < 4; i++) await mesh.send({ to: b, payload: textPayload(String(i)) });
      const waiting = mesh.send({ to: b, payload: textPayload('4') });
      const { handler, got } = t.recorder();
      await mesh.join(b, handler);
      await waiting;
      await t.waitFor(() => got.length === 5, 'all five messages');
    });

    test("in 'wait' mode a send gives up with backpressure after maxWaitMs", async (t) => {
      const mesh = await t.node({
        backpressure: { ...backpressure, mode: 'wait', maxWaitMs: 30, pollIntervalMs: 5 },
      });
      const b = t.id('b');
      for (let i = 0; i < 4; i++) await mesh.send({ to: b, payload: textPayload(String(i)) });
      await assertRejects(
        () => mesh.send({ to: b, payload: textPayload('4') }),
        { code: 'backpressure' },
        'send after waiting',
      );
    });

    test('replies skip backpressure', async (t) => {
      const mesh = await t.node({ backpressure: { warningDepth: 1, criticalDepth: 1 } });
      const [client, server] = [t.id('client'), t.id('server')];
      await mesh.join(server, async (_m, ctx) => {
        await ctx.reply(textPayload('ok'));
      });
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      await mesh.join(client, () => gate);
      await mesh.send({ to: client, payload: textPayload('occupies the mailbox') });
      const reply = mesh.request({ from: client, to: server, payload: textPayload('x') });
      await t.waitFor(
        async () => (await mesh.queueDepth(client)).depth >= 1,
        'a busy client mailbox',
      );
      release();
      assertEqual((await reply).payload, textPayload('ok'), 'the reply arrived');
    });
  });
}
