import { jsonPayload, REPLY_TO_HEADER, replyError, replyHandler, textPayload } from 'skreaver';
import { assert, assertEqual, assertRejects, sleep } from './_assert.js';
import { type MeshSuiteContext, text } from './_mesh-context.js';

/** Request/reply: correlation, timeouts, late replies, error replies. */
export function defineRequestTests(suite: MeshSuiteContext): void {
  const { test } = suite;
  suite.runner.describe('request/reply', () => {
    test('a request gets its reply, correlated by the request id', async (t) => {
      const [one, two] = [await t.node(), await t.node()];
      const [client, server] = [t.id('client'), t.id('server')];
      let requestId = '';
      await two.join(server, async (message, ctx) => {
        requestId = message.id;
        assertEqual(message.kind, 'request', 'the request kind');
        await ctx.reply(textPayload(`${text(message)}!`), { headers: { by: 'server' } });
      });
      const seen = t.recorder();
      await one.join(client, seen.handler);
      const reply = await one.request({ from: client, to: server, payload: textPayload('ping') });
      assertEqual(
        [reply.kind, reply.from, reply.to, reply.correlationId, text(reply), reply.headers.by],
        ['reply', server, client, requestId, 'ping!', 'server'],
        'the reply',
      );
      assertEqual(seen.got.length, 0, 'the reply is not given to the requester handler');
    });

    test('a request without reply times out, and the late reply is dropped', async (t) => {
      const mesh = await t.node();
      const [client, server] = [t.id('client'), t.id('server')];
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const replied: string[] = [];
      await mesh.join(server, async (_message, ctx) => {
        await gate;
        replied.push(await ctx.reply(textPayload('late')));
      });
      const seen = t.recorder();
      await mesh.join(client, seen.handler);
      const dropped: string[] = [];
      mesh.on('message_dropped', (e) => {
        if (e.reason === 'late_reply') dropped.push(e.message.id);
      });
      const error = await assertRejects(
        () =>
          mesh.request({ from: client, to: server, payload: textPayload('x') }, { timeoutMs: 50 }),
        { code: 'mesh_timeout' },
        'request without reply',
      );
      assertEqual((error as { data?: { reason?: string } }).data?.reason, 'timeout', 'data.reason');
      release();
      await t.waitFor(() => dropped.length === 1, 'the late reply to be dropped');
      assertEqual(dropped, replied, 'the dropped message is the reply');
      await sleep(20);
      assertEqual(seen.got.length, 0, 'the late reply never reached the handler');
    });

    test('an aborted request rejects with mesh_timeout at once', async (t) => {
      const mesh = await t.node();
      const [client, server] = [t.id('client'), t.id('server')];
      await mesh.join(server, () => new Promise<void>(() => {}));
      await mesh.join(client, () => {});
      const controller = new AbortController();
      const pending = mesh.request(
        { from: client, to: server, payload: textPayload('x') },
        { signal: controller.signal },
      );
      controller.abort();
      const error = await assertRejects(() => pending, { code: 'mesh_timeout' }, 'aborted request');
      assertEqual((error as { data?: { reason?: string } }).data?.reason, 'aborted', 'data.reason');
    });

    test('replyHandler answers with the result, or an error reply when it throws', async (t) => {
      const mesh = await t.node();
      const [client, upper, broken] = [t.id('client'), t.id('upper'), t.id('broken')];
      await mesh.join(
        upper,
        replyHandler((m) => textPayload(text(m).toUpperCase())),
      );
      await mesh.join(broken, async (_m, ctx) => {
        await replyError(ctx, new Error('no can do'));
      });
      await mesh.join(client, () => {});
      const reply = await mesh.request({ from: client, to: upper, payload: textPayload('abc') });
      assertEqual(text(reply), 'ABC', 'the reply');
      const error = await assertRejects(
        () => mesh.request({ from: client, to: broken, payload: jsonPayload(1) }),
        { code: 'delivery_failed' },
        'request to a failing handler',
      );
      const data = (error as { data?: { remote?: { message?: string } } }).data;
      assertEqual(data?.remote?.message, 'no can do', 'the remote error message');
    });

    test('replies go back to the node that asked, each to its own request', async (t) => {
      const [one, two, three] = [await t.node(), await t.node(), await t.node()];
      const [server, left, right] = [t.id('server'), t.id('left'), t.id('right')];
      await three.join(
        server,
        replyHandler((m) => textPayload(`${m.from}:${text(m)}`)),
        { concurrency: 4 },
      );
      await one.join(left, () => {});
      await two.join(right, () => {});
      const asked = [1, 2, 3].flatMap((n) => [
        one.request({ from: left, to: server, payload: textPayload(`l${n}`) }),
        two.request({ from: right, to: server, payload: textPayload(`r${n}`) }),
      ]);
      const replies = (await Promise.all(asked)).map((reply) => [reply.to, text(reply)]);
      assertEqual(
        replies,
        [1, 2, 3].flatMap((n) => [
          [left, `${left}:l${n}`],
          [right, `${right}:r${n}`],
        ]),
        'every requester gets the answer to its own request',
      );
    });

    if (suite.directReplies) {
      test('a reply reaches a requester whose own mailbox is busy', async (t) => {
        const [one, two] = [await t.node(), await t.node()];
        const [client, server] = [t.id('client'), t.id('server')];
        const headers: (string | undefined)[] = [];
        await two.join(
          server,
          replyHandler((m) => {
            headers.push(m.headers[REPLY_TO_HEADER]);
            return textPayload('pong');
          }),
        );
        let release: () => void = () => {};
        const gate = new Promise<void>((resolve) => {
          release = resolve;
        });
        const started: string[] = [];
        const handled: string[] = [];
        // Concurrency 1: while this handler waits, nothing else of the
        // client's mailbox is delivered. The reply does not go there.
        await one.join(client, async (message) => {
          started.push(text(message));
          await gate;
          handled.push(text(message));
        });
        await one.send({ to: client, payload: textPayload('busy') });
        await t.waitFor(() => started.length === 1, 'the busy message to be delivered');
        try {
          const reply = await one.request({
            from: client,
            to: server,
            payload: textPayload('ping'),
          });
          assertEqual(text(reply), 'pong', 'the reply, while the mailbox is busy');
          assertEqual(headers, [one.nodeId], 'the request names the requesting node');
          assertEqual(handled, [], 'the busy handler is still waiting');
        } finally {
          release();
        }
        await t.waitFor(() => handled.length === 1, 'the busy message to be handled');
      });
    }

    test('a request needs a sender joined on this node; reply works only on requests', async (t) => {
      const mesh = await t.node();
      const [client, server] = [t.id('client'), t.id('server')];
      let replyError: unknown;
      await mesh.join(server, async (_m, ctx) => {
        replyError = await ctx.reply(textPayload('x')).then(
          () => undefined,
          (e: unknown) => e,
        );
      });
      await assertRejects(
        () => mesh.request({ from: client, to: server, payload: textPayload('x') }),
        { code: 'message_invalid' },
        'request from an agent not joined',
      );
      await mesh.send({ from: client, to: server, payload: textPayload('plain') });
      await t.waitFor(() => replyError !== undefined, 'the reply attempt');
      assert(
        (replyError as { code?: string }).code === 'message_invalid',
        'reply to a direct message is refused',
      );
    });
  });
}
