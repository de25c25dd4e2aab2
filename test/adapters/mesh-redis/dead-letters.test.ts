import type { Redis } from 'ioredis';
import { agentId, type DeadLetter, type MeshMessage, newMessageId, textPayload } from 'skreaver';
import { type RedisMesh, type RedisMeshOptions, redisMesh } from 'skreaver/mesh/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { adminClient, deleteKeys, randomPrefix, sleep, until } from './_helpers.js';

const redis = await findService(REDIS);

function text(message: MeshMessage | undefined): string {
  return message?.payload.type === 'text' ? message.payload.data : '';
}

describe.skipIf(!redis.available)('redisMesh dead-letter queue in Redis', () => {
  let admin: Redis;
  const prefixes: string[] = [];
  const open: RedisMesh[] = [];

  beforeAll(async () => {
    admin = await adminClient(redis.url);
  });
  afterAll(async () => {
    for (const mesh of open) await mesh.close();
    for (const prefix of prefixes) await deleteKeys(admin, prefix);
    await admin.quit();
  });

  /** Nodes of one fresh mesh (a prefix of their own). */
  function mesh(base: RedisMeshOptions = {}) {
    const prefix = randomPrefix('dlq');
    prefixes.push(prefix);
    return async (overrides: RedisMeshOptions = {}) => {
      const node = await redisMesh({
        url: redis.url,
        prefix,
        visibilityTimeoutMs: 150,
        maxDeliveries: 3,
        ...base,
        ...overrides,
      });
      open.push(node);
      return node;
    };
  }

  it('a poison message lands in the DLQ after maxDeliveries with its error, leaves the mailbox, and can be redriven', async () => {
    const node = mesh();
    const [one, two] = [await node(), await node()];
    const b = agentId('b');
    let healthy = false;
    const handled: MeshMessage[] = [];
    await two.join(b, (message, ctx) => {
      if (!healthy) throw new Error(`poison ${ctx.attempt}`);
      handled.push(message);
    });
    const id = await one.send({ to: b, payload: textPayload('poison') });
    await until(async () => (await one.deadLetters.size()) === 1, 'the dead letter');
    const entry = (await one.deadLetters.get(id)) as DeadLetter;
    expect(entry).toMatchObject({
      id,
      agent: b,
      reason: 'max_deliveries',
      attempts: 3,
      error: { message: 'Error: poison 3' },
      message: { id, kind: 'direct', to: b, attempt: 3 },
    });
    const { keys } = one;
    // Gone from the mailbox (and its failure record), kept in the DLQ stream.
    expect(await admin.xlen(keys.mailbox(b))).toBe(0);
    expect(await admin.exists(keys.failures(b))).toBe(0);
    expect(await admin.xlen(keys.deadLetters)).toBe(1);
    expect(await admin.hget(keys.deadLetterIndex, id)).toMatch(/^\d+-\d+$/);

    healthy = true;
    await one.deadLetters.redrive(id);
    await until(() => handled.length === 1, 'the redriven message');
    expect([handled[0]?.id, handled[0]?.attempt, text(handled[0])]).toEqual([id, 1, 'poison']);
    expect(await two.deadLetters.size()).toBe(0);
    expect(await admin.xlen(keys.deadLetters)).toBe(0);
    expect(await admin.hlen(keys.deadLetterIndex)).toBe(0);
  });

  it('the last nack error is kept in Redis, so another node dead-letters with it', async () => {
    const node = mesh();
    const b = agentId('b');
    const first = await node({ maxDeliveries: 2 });
    let failed = false;
    await first.join(b, () => {
      failed = true;
      throw new Error('boom on the first node');
    });
    const id = await first.send({ to: b, payload: textPayload('x') });
    await until(() => failed, 'the first delivery');
    await first.leave(b);
    // The second node allows one delivery only: the redelivery (attempt 2)
    // is over its limit, and is dead-lettered with the first node's error.
    const second = await node({ maxDeliveries: 1 });
    await second.join(b, () => {
      throw new Error('never called');
    });
    await until(async () => (await second.deadLetters.size()) === 1, 'the dead letter');
    expect(await second.deadLetters.get(id)).toMatchObject({
      reason: 'max_deliveries',
      attempts: 2,
      error: { message: 'Error: boom on the first node' },
    });
  });

  it('keeps at most maxDeadLetters entries, dropping the oldest, with its index in step', async () => {
    const node = mesh({ maxDeadLetters: 3 });
    const one = await node();
    const b = agentId('b');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newMessageId();
      ids.push(id);
      await one.deadLetters.add({
        message: {
          id,
          kind: 'direct',
          to: b,
          payload: textPayload(String(i)),
          headers: {},
          timestamp: Date.now(),
          attempt: 1,
        },
        agent: b,
        reason: 'stage_failed',
        error: { message: 'by hand' },
        stage: 'check',
      });
    }
    const kept = await one.deadLetters.list();
    expect(kept.map((e) => e.id)).toEqual(ids.slice(2));
    expect(kept[0]).toMatchObject({ reason: 'stage_failed', stage: 'check', attempts: 1 });
    expect(await admin.hlen(one.keys.deadLetterIndex)).toBe(3);
    expect(await admin.zcard(one.keys.deadLetterExpiry)).toBe(3);
    // Re-adding an id replaces its entry (moved to the end), never duplicates it.
    await one.deadLetters.add({
      message: (kept[0] as DeadLetter).message as never,
      agent: b,
      reason: 'expired',
      error: { message: 'again' },
    });
    expect((await one.deadLetters.list()).map((e) => [e.id, e.reason])).toEqual([
      [ids[3], 'stage_failed'],
      [ids[4], 'stage_failed'],
      [ids[2], 'expired'],
    ]);
    expect(await one.deadLetters.purge({ agent: agentId('other') })).toBe(0);
    expect(await one.deadLetters.purge({ agent: b })).toBe(3);
    expect(await admin.xlen(one.keys.deadLetters)).toBe(0);
  });

  it('expires entries after deadLetterTtlMs, in Redis too', async () => {
    const node = mesh({ deadLetterTtlMs: 50 });
    const one = await node();
    const b = agentId('b');
    await one.join(b, () => {
      throw new Error('always');
    });
    const id = await one.send({ to: b, payload: textPayload('x') });
    await until(async () => (await admin.xlen(one.keys.deadLetters)) === 1, 'the dead letter');
    await sleep(80);
    expect(await one.deadLetters.list()).toEqual([]);
    expect(await one.deadLetters.size()).toBe(0);
    await expect(one.deadLetters.get(id)).rejects.toMatchObject({ code: 'dead_letter_not_found' });
    expect(await admin.xlen(one.keys.deadLetters)).toBe(0);
    expect(await admin.exists(one.keys.deadLetterIndex, one.keys.deadLetterExpiry)).toBe(0);
  });

  it('skips an entry it did not write instead of failing the listing', async () => {
    const node = mesh();
    const one = await node();
    await admin.xadd(one.keys.deadLetters, '*', 'id', 'x', 'agent', 'b', 'e', '{not json');
    await admin.xadd(one.keys.deadLetters, '*', 'junk', 'only');
    await one.deadLetters.add({
      message: {
        id: '00000000-0000-4000-8000-000000000001',
        kind: 'direct',
        to: agentId('b'),
        payload: textPayload('ok'),
        headers: {},
        timestamp: Date.now(),
        attempt: 1,
      },
      agent: agentId('b'),
      reason: 'expired',
      error: { message: 'x' },
    });
    expect((await one.deadLetters.list()).map((e) => e.id)).toEqual([
      '00000000-0000-4000-8000-000000000001',
    ]);
  });
});
