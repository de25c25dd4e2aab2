import type { AddressedMessage, AgentId, MessagePayload } from 'skreaver';
import { binaryPayload, jsonPayload, textPayload } from 'skreaver';
import { assert, assertEqual, assertRejects } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** Sending, payloads, order, validation, join and leave, close. */
export function defineBasicTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  suite.runner.describe('basics', () => {
    test('send delivers to a joined agent with every field', async (t) => {
      const mesh = await t.node();
      const [a, b] = [t.id('a'), t.id('b')];
      const { handler, got } = t.recorder<AddressedMessage>();
      await mesh.join(b, handler as never);
      const id = await mesh.send({
        from: a,
        to: b,
        payload: textPayload('hi'),
        headers: { round: '1' },
      });
      await t.waitFor(() => got.length === 1, 'the message');
      const m = got[0] as AddressedMessage;
      assertEqual(
        [m.id, m.kind, m.from, m.to, text(m), m.headers, m.attempt],
        [id, 'direct', a, b, 'hi', { round: '1' }, 1],
        'the delivered message',
      );
      assert(
        typeof m.timestamp === 'number' && Math.abs(m.timestamp - Date.now()) < 60_000,
        'timestamp is now',
      );
    });

    test('text, JSON and binary payloads arrive intact; a message without sender too', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      const { handler, got } = t.recorder();
      await mesh.join(b, handler);
      const payloads: MessagePayload[] = [
        textPayload('héllo \u0000 "quoted" 中 🎉'),
        jsonPayload({ x: 42, nested: [true, null, 'é', 1.5], empty: {} }),
        binaryPayload(new Uint8Array([255, 0, 128, 1, 2])),
      ];
      for (const payload of payloads) await mesh.send({ to: b, payload });
      await t.waitFor(() => got.length === 3, 'three messages');
      assertEqual(got[0]?.payload, payloads[0], 'text');
      assertEqual(got[1]?.payload, payloads[1], 'json');
      const bin = got[2]?.payload;
      assert(bin?.type === 'binary' && bin.data instanceof Uint8Array, 'binary is a Uint8Array');
      assertEqual([...bin.data], [255, 0, 128, 1, 2], 'bytes');
      assertEqual(got[0]?.from, undefined, 'no sender');
    });

    test('a mailbox keeps messages until its agent joins, then delivers them in order', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      for (let i = 0; i < 5; i++) await mesh.send({ to: b, payload: textPayload(String(i)) });
      assertEqual((await mesh.queueDepth(b)).depth, 5, 'depth before joining');
      const { handler, got } = t.recorder();
      await mesh.join(b, handler);
      await t.waitFor(() => got.length === 5, 'five messages');
      assertEqual(got.map(text), ['0', '1', '2', '3', '4'], 'FIFO order');
      await t.waitFor(async () => (await mesh.queueDepth(b)).depth === 0, 'an empty mailbox');
    });

    test('messages reach an agent joined on another node', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const b = t.id('b');
      const { handler, got } = t.recorder();
      await two.join(b, handler);
      await one.send({ to: b, payload: textPayload('across') });
      await t.waitFor(() => got.length === 1, 'the message on the other node');
    });

    test('rejects bad agent ids, topics, payloads and sizes with typed errors', async (t) => {
      const mesh = await t.node({ limits: { maxPayloadBytes: 64 } });
      const b = t.id('b');
      const bad = (s: string) => s as unknown as AgentId;
      await assertRejects(
        () => mesh.send({ to: bad('a:b'), payload: textPayload('x') }),
        { code: 'message_invalid' },
        'to with :',
      );
      await assertRejects(
        () => mesh.send({ to: b, from: bad('a/b'), payload: textPayload('x') }),
        { code: 'message_invalid' },
        'from with /',
      );
      await assertRejects(
        () => mesh.publish('a:b' as never, { payload: textPayload('x') }),
        { code: 'message_invalid' },
        'topic with :',
      );
      await assertRejects(
        () => mesh.subscribe('a/b' as never, () => {}),
        { code: 'message_invalid' },
        'subscribe to topic with /',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: { type: 'text', data: 5 } as never }),
        { code: 'message_invalid' },
        'text payload with a number',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: jsonPayload({ f: () => 1 } as never) }),
        { code: 'message_invalid' },
        'JSON with a function',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: jsonPayload(Number.NaN) }),
        { code: 'message_invalid' },
        'JSON NaN',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: textPayload('x'.repeat(65)) }),
        { code: 'message_too_large' },
        'text over the limit',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: binaryPayload(new Uint8Array(65)) }),
        { code: 'message_too_large' },
        'bytes over the limit',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: jsonPayload({ s: 'x'.repeat(60) }) }),
        { code: 'message_too_large' },
        'JSON over the limit',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: textPayload('x'), ttlMs: 0 }),
        { code: 'message_invalid' },
        'ttl 0',
      );
      await assertRejects(
        () => mesh.send({ to: b, payload: textPayload('x'), headers: { k: 1 } as never }),
        { code: 'message_invalid' },
        'header value not a string',
      );
      assertEqual((await mesh.queueDepth(b)).depth, 0, 'nothing was queued');
    });

    test('an agent joins one node at a time', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const b = t.id('b');
      const membership = await one.join(b, () => {});
      assert(one.isJoined(b) && !two.isJoined(b), 'isJoined');
      await assertRejects(
        () => one.join(b, () => {}),
        { code: 'invalid_input' },
        'joining twice on one node',
      );
      await assertRejects(
        () => two.join(b, () => {}),
        { code: 'invalid_input' },
        'joining on a second node',
      );
      await membership.leave();
      await two.join(b, () => {});
      assert(two.isJoined(b), 'the second node can join after leave');
    });

    test('leave stops delivery; the mailbox keeps what arrives meanwhile', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      const first = t.recorder();
      await mesh.join(b, first.handler);
      await mesh.leave(b);
      await mesh.send({ to: b, payload: textPayload('kept') });
      const second = t.recorder();
      await mesh.join(b, second.handler);
      await t.waitFor(() => second.got.length === 1, 'the kept message');
      assertEqual(first.got.length, 0, 'nothing went to the old handler');
    });

    test('close is idempotent and every later call rejects with mesh_closed', async (t) => {
      const mesh = await t.node();
      const b = t.id('b');
      await mesh.join(b, () => {});
      await Promise.all([mesh.close(), mesh.close()]);
      await mesh.close();
      await assertRejects(
        () => mesh.send({ to: b, payload: textPayload('x') }),
        { code: 'mesh_closed' },
        'send',
      );
      await assertRejects(() => mesh.join(t.id('c'), () => {}), { code: 'mesh_closed' }, 'join');
      await assertRejects(
        () => mesh.publish(t.topic('x'), { payload: textPayload('x') }),
        { code: 'mesh_closed' },
        'publish',
      );
      await assertRejects(() => mesh.listAgents(), { code: 'mesh_closed' }, 'listAgents');
      await assertRejects(
        () => mesh.deadLetters.list(),
        { code: 'mesh_closed' },
        'deadLetters.list',
      );
      const other = await t.node();
      assert(!(await other.isReachable(b)), 'closing released the presence');
    });
  });
}
