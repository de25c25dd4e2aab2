import type { TopicMessage } from 'skreaver';
import { textPayload } from 'skreaver';
import { assert, assertEqual, assertRejects, sleep } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** Topics, broadcast and presence. */
export function defineFanoutTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  suite.runner.describe('topics, broadcast and presence', () => {
    test('publish reaches every subscriber on every node, and nothing before subscribing', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const topic = t.topic('news');
      const a = t.recorder<TopicMessage>();
      const b = t.recorder<TopicMessage>();
      await one.publish(topic, { payload: textPayload('too early') });
      await one.subscribe(topic, a.handler);
      await two.subscribe(topic, b.handler);
      const from = t.id('pub');
      const id = await two.publish(topic, {
        from,
        payload: textPayload('hello'),
        headers: { k: 'v' },
      });
      await t.waitFor(() => a.got.length === 1 && b.got.length === 1, 'both subscribers');
      for (const m of [a.got[0], b.got[0]]) {
        assertEqual(
          [m?.id, m?.kind, m?.topic, m?.from, text(m), m?.headers],
          [id, 'topic', topic, from, 'hello', { k: 'v' }],
          'the topic message',
        );
      }
    });

    test('unsubscribe stops delivery to that subscription only', async (t) => {
      const mesh = await t.node();
      const topic = t.topic('news');
      const a = t.recorder();
      const b = t.recorder();
      const subA = await mesh.subscribe(topic, a.handler);
      await mesh.subscribe(topic, b.handler);
      await mesh.publish(topic, { payload: textPayload('1') });
      await t.waitFor(() => a.got.length === 1 && b.got.length === 1, 'the first message');
      await subA.unsubscribe();
      await mesh.unsubscribe(subA);
      await mesh.publish(topic, { payload: textPayload('2') });
      await t.waitFor(() => b.got.length === 2, 'the second message');
      await sleep(20);
      assertEqual(a.got.length, 1, 'the unsubscribed handler got nothing more');
    });

    test('a failing subscriber is reported and not retried; other subscribers and later messages go on', async (t) => {
      const mesh = await t.node();
      const topic = t.topic('news');
      let calls = 0;
      const dropped: string[] = [];
      mesh.on('message_dropped', (e) => dropped.push(e.reason));
      await mesh.subscribe(topic, () => {
        calls++;
        throw new Error('bad subscriber');
      });
      const good = t.recorder();
      await mesh.subscribe(topic, good.handler);
      await mesh.publish(topic, { payload: textPayload('1') });
      await mesh.publish(topic, { payload: textPayload('2') });
      await t.waitFor(() => good.got.length === 2, 'both messages');
      await sleep(suite.config.visibilityTimeoutMs * 2);
      assertEqual(
        [calls, dropped],
        [2, ['handler_failed', 'handler_failed']],
        'at-most-once with reports',
      );
    });

    test('broadcast reaches every joined agent on every node except the sender', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const [a, b, c] = [t.id('a'), t.id('b'), t.id('c')];
      const got = { a: t.recorder(), b: t.recorder(), c: t.recorder() };
      await one.join(a, got.a.handler);
      await one.join(b, got.b.handler);
      await two.join(c, got.c.handler);
      const id = await one.broadcast({ from: a, payload: textPayload('all hands') });
      await t.waitFor(() => got.b.got.length === 1 && got.c.got.length === 1, 'b and c');
      assertEqual(
        [got.b.got[0]?.kind, got.c.got[0]?.id, text(got.c.got[0])],
        ['broadcast', id, 'all hands'],
        'the broadcast',
      );
      await two.broadcast({ payload: textPayload('anonymous') });
      await t.waitFor(
        () => got.a.got.length === 1 && got.c.got.length === 2,
        'the anonymous broadcast',
      );
      await sleep(20);
      assertEqual(got.a.got.map(text), ['anonymous'], 'the sender did not get its own broadcast');
    });

    test('joined agents are reachable and listed; leaving removes them', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const [a, b] = [t.id('a'), t.id('b')];
      assert(!(await one.isReachable(a)), 'unknown agent not reachable');
      await one.join(a, () => {});
      await two.join(b, () => {});
      assert(
        (await two.isReachable(a)) && (await one.isReachable(b)),
        'both reachable from both nodes',
      );
      const listed = (await one.listAgents()).filter((id) => id === a || id === b);
      assertEqual(listed, [a, b].sort(), 'listAgents (sorted)');
      await two.leave(b);
      assert(!(await one.isReachable(b)), 'b left');
      assert(await one.isReachable(a), 'a still there');
      await assertRejects(
        () => one.isReachable('bad id' as never),
        { code: 'message_invalid' },
        'isReachable of a bad id',
      );
    });

    test('presence outlives its TTL while heartbeats run', async (t) => {
      // Long enough that a node descheduled on a loaded machine keeps its
      // presence on a server clock (Redis), short enough to keep the test quick.
      const ttl = 500;
      const mesh = await t.node({ presenceTtlMs: ttl, heartbeatIntervalMs: 50 });
      const a = t.id('a');
      await mesh.join(a, () => {});
      await sleep(ttl * 2);
      assert(await mesh.isReachable(a), 'still present after two TTLs');
    });
  });
}
