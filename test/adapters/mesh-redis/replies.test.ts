import { createMessage, encodeMessage, type MeshError, replyHandler, textPayload } from 'skreaver';
import { describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { meshNodes, until } from './_helpers.js';

const redis = await findService(REDIS);

/*
 * Replies travel straight to the requesting node over pub/sub (the node's
 * reply channel), at most once, instead of through the requester's mailbox.
 */
describe.skipIf(!redis.available)('redisMesh replies', () => {
  const m = meshNodes(redis.url, 'replies', { visibilityTimeoutMs: 200 });
  const node = () => m.node();
  const ids = m.ids;

  it('a reply is published on the requesting node channel, and never stored in its mailbox', async () => {
    const [one, two] = [await node(), await node()];
    const [client, server] = ids('path');
    await two.join(
      server,
      replyHandler(() => textPayload('pong')),
    );
    await one.join(client, () => {});
    const watcher = m.admin.duplicate();
    const seen: string[] = [];
    watcher.on('message', (_channel: string, frame: string) => seen.push(frame));
    await watcher.subscribe(one.keys.replies(one.nodeId));
    try {
      const reply = await one.request({ from: client, to: server, payload: textPayload('ping') });
      expect(reply.payload).toEqual(textPayload('pong'));
      await until(() => seen.length === 1, 'the reply frame on the node channel');
      expect(JSON.parse(seen[0] ?? '{}')).toMatchObject({ id: reply.id, kind: 'reply' });
      // Nothing went through the requester's mailbox stream.
      expect(await m.admin.xlen(one.keys.mailbox(client))).toBe(0);
      const info = (await m.admin.xinfo('STREAM', one.keys.mailbox(client))) as unknown[];
      expect(info[info.indexOf('entries-added') + 1]).toBe(0);
    } finally {
      watcher.disconnect();
    }
  });

  it('reports frames on the reply channel that are not replies, and goes on answering', async () => {
    const [one, two] = [await node(), await node()];
    const [client, server] = ids('bad');
    const invalid: { source: string; reason: string }[] = [];
    one.on('message_invalid', (event) => {
      const data = (event.error as MeshError).data as { reason?: string } | undefined;
      invalid.push({ source: event.source, reason: data?.reason ?? event.error.code });
    });
    await two.join(
      server,
      replyHandler(() => textPayload('pong')),
    );
    await one.join(client, () => {});
    const channel = one.keys.replies(one.nodeId);
    await m.admin.publish(channel, '{not json');
    await m.admin.publish(
      channel,
      encodeMessage(
        createMessage({ kind: 'direct', to: client }, { from: server, payload: textPayload('x') }),
      ),
    );
    await until(() => invalid.length === 2, 'both frames to be reported');
    expect(invalid).toEqual([
      { source: 'reply', reason: 'malformed_json' },
      { source: 'reply', reason: 'invalid_field' },
    ]);
    const reply = await one.request({ from: client, to: server, payload: textPayload('ping') });
    expect(reply.payload).toEqual(textPayload('pong'));
  });

  it('a reply to a node that stopped listening is dropped quietly', async () => {
    const [one, two] = [await node(), await node()];
    const [client, server] = ids('gone');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const answered: unknown[] = [];
    let started = false;
    await two.join(server, async (_message, ctx) => {
      started = true;
      await gate;
      answered.push(await ctx.reply(textPayload('too late')).catch((error: unknown) => error));
    });
    await one.join(client, () => {});
    const pending = one.request({ from: client, to: server, payload: textPayload('ping') });
    pending.catch(() => undefined);
    await until(() => started, 'the server to get the request');
    await one.close();
    await expect(pending).rejects.toMatchObject({ code: 'mesh_closed' });
    release();
    await until(() => answered.length === 1, 'the server to answer');
    // The reply was handed over (at most once); it went to nobody's mailbox.
    expect(typeof answered[0]).toBe('string');
    expect(await m.admin.exists(one.keys.mailbox(client))).toBe(0);
  });
});
