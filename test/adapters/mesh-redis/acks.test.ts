import { type AgentId, isSkreaverError, replyHandler, textPayload } from 'skreaver';
import type { RedisMesh } from 'skreaver/mesh/redis';
import { describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { meshNodes, until } from './_helpers.js';

const redis = await findService(REDIS);

/*
 * An ack deletes the entry at once (the depth is exact) and leaves the XACK
 * for later, many ids at a time: the entry stays on the group's pending
 * list, deleted, until the reader acknowledges it with others, finds its
 * mailbox idle, or closes.
 */
describe.skipIf(!redis.available)('redisMesh acknowledgements', () => {
  const m = meshNodes(redis.url, 'acks');
  const ids = m.ids;

  function node(blockMs = 200, criticalDepth = 1000): Promise<RedisMesh> {
    return m.node({ blockMs, backpressure: { warningDepth: 1, criticalDepth } });
  }

  async function pendingCount(mesh: RedisMesh, agent: AgentId): Promise<number> {
    const summary = (await m.admin.xpending(mesh.keys.mailbox(agent), 'skreaver')) as unknown[];
    return Number(summary[0]);
  }

  it('deletes each handled request at once and acknowledges the deleted entries when the mailbox idles', async () => {
    // A long blockMs: the reads of the round trips never idle in between.
    const [one, two] = [await node(), await node(60_000)];
    const [client, server] = ids('idle');
    await two.join(
      server,
      replyHandler(() => textPayload('pong')),
    );
    await one.join(client, () => {});
    for (let i = 0; i < 10; i++) {
      await one.request({ from: client, to: server, payload: textPayload(`ping ${i}`) });
      const depth = await one.queueDepth(server);
      expect(depth.depth).toBe(0);
    }
    expect(await m.admin.xlen(two.keys.mailbox(server))).toBe(0);
    // Fewer than one XACK's worth, on a reader that has not idled yet: still pending.
    expect(await pendingCount(two, server)).toBeGreaterThan(0);
    await two.close();
    // close() acknowledges them before it prunes (here: the empty mailbox goes).
    expect(await m.admin.exists(two.keys.mailbox(server))).toBe(0);

    // A reader that idles (blockMs 200) acknowledges them by itself.
    const three = await node();
    await three.join(
      server,
      replyHandler(() => textPayload('pong')),
    );
    for (let i = 0; i < 5; i++) {
      await one.request({ from: client, to: server, payload: textPayload(`again ${i}`) });
    }
    await until(async () => (await pendingCount(three, server)) === 0, 'the idle XACK', 3000);
    expect(await m.admin.xlen(three.keys.mailbox(server))).toBe(0);
  });

  it('acknowledges many deleted entries in one XACK under load, and refuses a lone send past the critical depth', async () => {
    const [one, two] = [await node(), await node(60_000)];
    const [sender, sink] = ids('load');
    let handled = 0;
    await two.join(sink, () => {
      handled++;
    });
    await one.join(sender, () => {});
    for (let i = 0; i < 200; i++)
      await one.send({ from: sender, to: sink, payload: textPayload('m') });
    await until(() => handled === 200, 'every message handled');
    await until(
      async () => (await m.admin.xlen(two.keys.mailbox(sink))) === 0,
      'every entry deleted',
    );
    // At most one XACK's worth waits (64), however many were handled.
    expect(await pendingCount(two, sink)).toBeLessThan(64);

    // The lone-send script refuses at the critical depth (3) and reports it.
    const strict = await node(200, 3);
    const [, idle] = ids('full');
    for (let i = 0; i < 3; i++) await strict.send({ to: idle, payload: textPayload(`q ${i}`) });
    const refused = await strict.send({ to: idle, payload: textPayload('one too many') }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(isSkreaverError(refused, 'backpressure')).toBe(true);
    expect(refused).toMatchObject({ data: { depth: 3, limit: 3 } });
    expect(await m.admin.xlen(one.keys.mailbox(idle))).toBe(3);
  });
});
