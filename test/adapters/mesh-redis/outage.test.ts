import { randomUUID } from 'node:crypto';
import type { AgentId, MeshMessage } from 'skreaver';
import { agentId, isSkreaverError, textPayload } from 'skreaver';
import { type RedisMesh, type RedisMeshOptions, redisMesh } from 'skreaver/mesh/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminClient,
  type PrivateRedis,
  privateRedis,
  randomPrefix,
  redisServerBinary,
  retrying,
  sleep,
  until,
} from './_helpers.js';

// Every test here runs against a redis-server of its own (appendonly, fsync
// on every write, in a temp dir, so it keeps its data over a restart), which
// it kills and restarts; the machine's Redis is never touched.
const binary = redisServerBinary();
const verbose = process.env.SKREAVER_TEST_VERBOSE === '1';

const MESSAGES = 10_000;
const SENDERS = 64;

function text(message: MeshMessage): string {
  return message.payload.type === 'text' ? message.payload.data : '';
}

/** Deliveries per message id, and any delivery whose payload does not match its id. */
function recorder() {
  const seen = new Map<string, number>();
  const mismatched: string[] = [];
  return {
    seen,
    mismatched,
    handler(message: MeshMessage) {
      seen.set(message.id, (seen.get(message.id) ?? 0) + 1);
      if (text(message) !== `payload of ${message.id}`) mismatched.push(message.id);
    },
  };
}

/**
 * Sends MESSAGES messages from SENDERS concurrent loops; a send rejected with
 * mesh_unavailable is retried with the same id, as a caller would. Resolves
 * with the ids whose send resolved (acknowledged to the sender).
 */
function flow(mesh: RedisMesh, to: AgentId, progress: { sent: number }): Promise<string[]> {
  const ids = Array.from({ length: MESSAGES }, () => randomUUID());
  let next = 0;
  const acknowledged: string[] = [];
  const loop = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      await retrying(() => mesh.send({ id, to, payload: textPayload(`payload of ${id}`) }), 30_000);
      acknowledged.push(id);
      progress.sent++;
    }
  };
  return Promise.all(Array.from({ length: SENDERS }, loop)).then(() => acknowledged);
}

describe.skipIf(!binary.available)('redisMesh when Redis goes away', () => {
  let server: PrivateRedis;
  const open: RedisMesh[] = [];

  async function node(overrides: RedisMeshOptions = {}): Promise<RedisMesh> {
    const mesh = await redisMesh({
      url: server.url,
      prefix: randomPrefix('outage'),
      maxReconnectDelayMs: 100,
      visibilityTimeoutMs: 1000,
      // The flows below queue thousands of messages on purpose.
      backpressure: { warningDepth: 1_000_000, criticalDepth: 1_000_000 },
      ...overrides,
    });
    open.push(mesh);
    return mesh;
  }

  beforeAll(async () => {
    server = await privateRedis(['--appendonly', 'yes', '--appendfsync', 'always']);
  });
  afterAll(async () => {
    for (const mesh of open) await mesh.close();
    await server?.dispose();
  });

  it('loses no acknowledged message while Redis is restarted mid-flow of 10,000', async () => {
    const prefix = randomPrefix('restart');
    const [sender, receiver] = [await node({ prefix }), await node({ prefix })];
    const sink = agentId('sink');
    const got = recorder();
    // The receiver is held until Redis is back, so thousands of messages sit
    // in the mailbox (and 32 in flight) when the server is killed.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await receiver.join(
      sink,
      async (message) => {
        await held;
        got.handler(message);
      },
      { concurrency: 32 },
    );
    const progress = { sent: 0 };
    const sending = flow(sender, sink, progress);
    await until(() => progress.sent >= MESSAGES / 4, 'a quarter of the messages', 30_000);
    const queued = (await receiver.queueDepth(sink)).depth;
    expect(queued).toBeGreaterThanOrEqual(MESSAGES / 4);
    await server.stop();
    await sleep(300);
    await server.start();
    release();
    const acknowledged = await sending;
    expect(acknowledged).toHaveLength(MESSAGES);
    await until(
      () => acknowledged.every((id) => got.seen.has(id)),
      'every acknowledged message at the receiver',
      30_000,
    );
    expect(got.mismatched).toEqual([]);
    // Every duplicate is a redelivery of one of the sent ids, never a stranger.
    expect([...got.seen.keys()].filter((id) => !acknowledged.includes(id))).toEqual([]);
    if (verbose) {
      const dupes = [...got.seen.values()].filter((n) => n > 1).length;
      console.info(
        `restart: ${MESSAGES} sent, ${got.seen.size} distinct received, ${dupes} redelivered`,
      );
    }
    await until(
      async () => (await receiver.queueDepth(sink)).depth === 0,
      'a drained mailbox',
      10_000,
    );
  }, 60_000);

  it('loses no acknowledged message when every connection is killed (CLIENT KILL) mid-flow', async () => {
    const prefix = randomPrefix('kill');
    const [sender, receiver] = [await node({ prefix }), await node({ prefix })];
    const sink = agentId('sink');
    const got = recorder();
    await receiver.join(sink, got.handler, { concurrency: 32 });
    const admin = await adminClient(server.url);
    try {
      const progress = { sent: 0 };
      const sending = flow(sender, sink, progress);
      for (const share of [0.25, 0.5]) {
        await until(() => progress.sent >= MESSAGES * share, `${share * 100}% sent`, 30_000);
        for (const type of ['normal', 'pubsub']) {
          await admin.call('CLIENT', 'KILL', 'TYPE', type, 'SKIPME', 'yes');
        }
      }
      const acknowledged = await sending;
      await until(
        () => acknowledged.every((id) => got.seen.has(id)),
        'every acknowledged message at the receiver',
        30_000,
      );
      expect(got.mismatched).toEqual([]);
      if (verbose) {
        const dupes = [...got.seen.values()].filter((n) => n > 1).length;
        console.info(
          `client kill: ${MESSAGES} sent, ${got.seen.size} distinct, ${dupes} redelivered`,
        );
      }
    } finally {
      await admin.quit();
    }
  }, 60_000);

  it('rejects with mesh_unavailable while Redis is down, and every part works again after', async () => {
    const prefix = randomPrefix('down');
    const [one, two] = [await node({ prefix }), await node({ prefix })];
    const [a, b] = [agentId('a'), agentId('b')];
    const got = recorder();
    await two.join(b, got.handler);
    const topic = recorder();
    await two.subscribe('news' as never, topic.handler);
    await server.stop();
    const calls: [string, () => Promise<unknown>][] = [
      ['send', () => one.send({ to: b, payload: textPayload('x') })],
      ['join', () => one.join(a, () => {})],
      ['publish', () => one.publish('news' as never, { payload: textPayload('x') })],
      ['queueDepth', () => one.queueDepth(b)],
      ['isReachable', () => one.isReachable(b)],
      ['listAgents', () => one.listAgents()],
      ['deadLetters.list', () => one.deadLetters.list()],
    ];
    for (const [name, call] of calls) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isSkreaverError(error, 'mesh_unavailable'), name).toBe(true);
      expect((error as Error).cause, `${name}: the ioredis error is the cause`).toBeInstanceOf(
        Error,
      );
    }
    await server.start();
    // The same nodes, no restart of this process: the reader and the
    // subscriber reconnect by themselves.
    const id = randomUUID();
    await retrying(() => one.send({ id, to: b, payload: textPayload(`payload of ${id}`) }));
    await until(() => got.seen.has(id), 'the message sent after the restart');
    await retrying(() => one.join(a, () => {}));
    expect(await one.isReachable(a)).toBe(true);
    await until(async () => {
      await one.publish('news' as never, { payload: textPayload('x') });
      return topic.seen.size > 0;
    }, 'a topic message after the subscriber reconnected');
  }, 30_000);

  it('rejects the factory with mesh_unavailable when nothing listens', async () => {
    const stopped = await privateRedis();
    await stopped.dispose();
    const error = await redisMesh({ url: stopped.url, connectTimeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      name: 'MeshError',
      code: 'mesh_unavailable',
      data: { operation: 'connect', reason: 'unreachable' },
    });
    expect((error as { data?: { connectionError?: string } }).data?.connectionError).toMatch(
      /ECONNREFUSED/,
    );
  });
});
