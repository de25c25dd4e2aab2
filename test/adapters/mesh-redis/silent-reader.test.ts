import type { MeshMessage } from 'skreaver';
import { agentId, textPayload } from 'skreaver';
import { type RedisMesh, redisMesh } from 'skreaver/mesh/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findService, REDIS } from '../../_support/services.js';
import { type TcpProxy, tcpProxy } from '../../_support/tcp-proxy.js';
import { adminClient, deleteKeys, randomPrefix, until } from './_helpers.js';

const redis = await findService(REDIS);

/*
 * A mailbox reader whose connection goes silent without closing (a network
 * partition, a peer that hangs) must not hold the mailbox until TCP gives
 * up: the consumer remakes the connection once a read goes unanswered past
 * blockMs plus commandTimeoutMs. A proxy between the node and the real
 * Redis silences the reader's connection, the one fault Redis cannot give.
 */
describe.skipIf(!redis.available)('redisMesh with a silent reader connection', () => {
  const prefix = randomPrefix('silent');
  const open: RedisMesh[] = [];
  let proxy: TcpProxy;

  beforeAll(async () => {
    const target = new URL(redis.url);
    proxy = await tcpProxy(target.hostname, Number(target.port || 6379));
  });
  afterAll(async () => {
    for (const mesh of open) await mesh.close();
    await proxy.close();
    const admin = await adminClient(redis.url);
    await deleteKeys(admin, prefix);
    await admin.quit();
  });

  it('reconnects the reader and delivers what was sent meanwhile', async () => {
    const warnings: string[] = [];
    const logger = {
      debug: () => {},
      info: () => {},
      warn: (message: string) => warnings.push(message),
      error: () => {},
    };
    const url = new URL(redis.url);
    url.host = `${proxy.host}:${proxy.port}`;
    const receiver = await redisMesh({
      url: url.toString(),
      prefix,
      blockMs: 50,
      commandTimeoutMs: 200,
      // A read answered into the silent connection may have taken the
      // message: it comes back once its visibility timeout passes.
      visibilityTimeoutMs: 500,
      logger,
    });
    const sender = await redisMesh({ url: redis.url, prefix });
    open.push(receiver, sender);
    const inbox = agentId('silent-inbox');
    const got: string[] = [];
    const before = proxy.connections;
    await receiver.join(inbox, (message: MeshMessage) => {
      got.push(message.payload.type === 'text' ? message.payload.data : '');
    });
    // The join opened the reader's connection (the newest through the proxy).
    expect(proxy.connections).toBeGreaterThan(before);
    await sender.send({ to: inbox, payload: textPayload('before') });
    await until(() => got.includes('before'), 'the first message');

    const opened = proxy.connections;
    proxy.silence(-1);
    await sender.send({ to: inbox, payload: textPayload('during') });
    await until(
      () => warnings.includes('A mesh mailbox reader got no answer from Redis; reconnecting.'),
      'the watchdog',
    );
    await until(
      () => got.includes('during'),
      'the message sent while the reader was silent',
      10_000,
    );
    // A new connection replaced the silent one.
    expect(proxy.connections).toBeGreaterThan(opened);
    expect(got).toEqual(['before', 'during']);
  }, 20_000);
});
