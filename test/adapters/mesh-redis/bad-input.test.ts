import {
  agentId,
  createMessage,
  encodeMessage,
  type MeshError,
  type MeshMessage,
  type MessageDraft,
  type MessageTarget,
  textPayload,
  topicName,
} from 'skreaver';
import type { RedisMesh, RedisMeshOptions } from 'skreaver/mesh/redis';
import { describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { meshNodes, sleep, until } from './_helpers.js';

const redis = await findService(REDIS);

function text(message: MeshMessage | undefined): string {
  return message?.payload.type === 'text' ? message.payload.data : '';
}

function frame(target: MessageTarget, draft: MessageDraft): string {
  return encodeMessage(createMessage(target, draft));
}

function reasonOf(error: MeshError): string {
  return (error.data as { reason?: string } | undefined)?.reason ?? error.code;
}

describe.skipIf(!redis.available)('redisMesh with bad input on the wire', () => {
  const m = meshNodes(redis.url, 'bad', { visibilityTimeoutMs: 150, maxDeliveries: 2 });
  const node = (overrides: RedisMeshOptions = {}): Promise<RedisMesh> => m.node(overrides);

  it('dead-letters stream entries that are not a frame for this mailbox, with a reason, and keeps consuming', async () => {
    const mesh = await node({ limits: { maxPayloadBytes: 1024, maxHeaderBytes: 1024 } });
    const b = agentId(`b-${Date.now()}`);
    const reasons: string[] = [];
    mesh.on('message_invalid', (e) => {
      if (e.agent === b) reasons.push(reasonOf(e.error));
    });
    const got: MeshMessage[] = [];
    await mesh.join(b, (message) => {
      got.push(message);
    });
    const mailbox = mesh.keys.mailbox(b);
    await m.admin.xadd(mailbox, '*', 'payload', 'no m field');
    await m.admin.xadd(
      mailbox,
      '*',
      'm',
      frame({ kind: 'direct', to: agentId('someone-else') }, { payload: textPayload('x') }),
    );
    await m.admin.xadd(
      mailbox,
      '*',
      'm',
      frame({ kind: 'topic', topic: topicName('t') }, { payload: textPayload('x') }),
    );
    // Past the frame limit (6 x (1024 + 1024) + 65536 characters): refused before parsing.
    await m.admin.xadd(mailbox, '*', 'm', `{"v":1,"pad":"${'x'.repeat(80_000)}"}`);
    await m.admin.xadd(mailbox, '*', 'm', JSON.stringify({ v: 1, id: 'not-a-uuid' }));
    await m.admin.xadd(
      mailbox,
      '*',
      'm',
      frame({ kind: 'direct', to: b }, { payload: textPayload('after') }),
    );
    await until(() => got.length === 1, 'the valid entry after the bad ones');
    expect(text(got[0])).toBe('after');
    await until(
      async () => (await mesh.deadLetters.list({ agent: b })).length === 5,
      'five dead letters',
    );
    const entries = await mesh.deadLetters.list({ agent: b });
    expect(entries.map((e) => [e.reason, e.error.code])).toEqual([
      ['invalid', 'message_invalid'],
      ['invalid', 'message_invalid'],
      ['invalid', 'message_invalid'],
      ['invalid', 'message_too_large'],
      ['invalid', 'message_invalid'],
    ]);
    expect(reasons).toEqual([
      'missing_field',
      'invalid_field',
      'invalid_field',
      'message_too_large',
      'invalid_field',
    ]);
    expect(entries[0]?.raw).toBe('["payload","no m field"]');
    expect(entries[3]?.raw?.length).toBe(65_536);
    await expect(mesh.deadLetters.redrive(entries[0]?.id as string)).rejects.toMatchObject({
      code: 'message_invalid',
      data: { reason: 'not_redrivable' },
    });
    await until(async () => (await mesh.queueDepth(b)).depth === 0, 'an empty mailbox');
  });

  it('reports bad frames on the broadcast and topic channels, and subscribers keep receiving', async () => {
    const mesh = await node();
    const [a, b] = [agentId(`a-${Date.now()}`), agentId(`b-${Date.now()}`)];
    const topic = topicName(`news-${Date.now()}`);
    const invalid: string[] = [];
    mesh.on('message_invalid', (e) => invalid.push(`${e.source}:${reasonOf(e.error)}`));
    const broadcasts: MeshMessage[] = [];
    await mesh.join(b, (message) => {
      broadcasts.push(message);
    });
    const topics: MeshMessage[] = [];
    await mesh.subscribe(topic, (message) => {
      topics.push(message);
    });
    const { keys } = mesh;
    await m.admin.publish(keys.broadcast, '{"v":1,');
    await m.admin.publish(
      keys.broadcast,
      frame({ kind: 'topic', topic }, { payload: textPayload('x') }),
    );
    await m.admin.publish(
      keys.topic(topic),
      frame({ kind: 'topic', topic: topicName('other') }, { payload: textPayload('x') }),
    );
    await m.admin.publish(
      keys.topic(topic),
      frame({ kind: 'direct', to: b }, { payload: textPayload('x') }),
    );
    await m.admin.publish(keys.topic(topic), JSON.stringify({ v: 2 }));
    await mesh.broadcast({ from: a, payload: textPayload('all') });
    await mesh.publish(topic, { payload: textPayload('fine') });
    await until(
      () => broadcasts.length === 1 && topics.length === 1 && invalid.length === 5,
      'the good messages and five reports',
    );
    expect(invalid).toEqual([
      'broadcast:malformed_json',
      'broadcast:invalid_field',
      'topic:invalid_field',
      'topic:invalid_field',
      'topic:unknown_version',
    ]);
    await sleep(20);
    expect([text(broadcasts[0]), text(topics[0])]).toEqual(['all', 'fine']);
  });

  it('times out a handler that never returns, dead-letters its message, and keeps the other slots busy', async () => {
    const mesh = await node();
    const b = agentId(`b-${Date.now()}`);
    const handled: string[] = [];
    let aborts = 0;
    await mesh.join(
      b,
      (message, ctx) => {
        if (text(message) !== 'hang') {
          handled.push(text(message));
          return;
        }
        ctx.signal.addEventListener('abort', () => aborts++);
        return new Promise<void>(() => {});
      },
      { concurrency: 2 },
    );
    const id = await mesh.send({ to: b, payload: textPayload('hang') });
    for (let i = 0; i < 5; i++) await mesh.send({ to: b, payload: textPayload(String(i)) });
    await until(() => handled.length === 5, 'the other messages, meanwhile');
    await until(
      async () => (await mesh.deadLetters.list({ agent: b })).length === 1,
      'the dead letter',
    );
    const dead = await mesh.deadLetters.get(id);
    expect(dead).toMatchObject({ reason: 'max_deliveries', error: { code: 'mesh_timeout' } });
    // Redis counts deliveries: on a loaded machine XAUTOCLAIM can reclaim the
    // entry once more before the timed-out attempt's nack lands, so the count
    // may pass maxDeliveries (2) by one; it is never lower.
    expect(dead.attempts).toBeGreaterThanOrEqual(2);
    expect(dead.attempts).toBeLessThanOrEqual(3);
    expect(aborts).toBeGreaterThanOrEqual(2);
    await mesh.send({ to: b, payload: textPayload('later') });
    await until(() => handled.includes('later'), 'a message after the dead letter');
  });

  it('refuses oversized and malformed sends before anything reaches Redis', async () => {
    const mesh = await node({ limits: { maxPayloadBytes: 16 } });
    const b = agentId(`b-${Date.now()}`);
    await expect(mesh.send({ to: b, payload: textPayload('x'.repeat(17)) })).rejects.toMatchObject({
      code: 'message_too_large',
    });
    await expect(
      mesh.send({ to: b, payload: textPayload('x'), headers: { k: 1 } as never }),
    ).rejects.toMatchObject({ code: 'message_invalid' });
    expect(await m.admin.exists(mesh.keys.mailbox(b))).toBe(0);
  });
});
