import { Redis } from 'ioredis';
import { isSkreaverError, type MemoryTransaction } from 'skreaver';
import { type RedisMemory, redisMemory } from 'skreaver/memory/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type PrivateRedis,
  privateRedis,
  randomPrefix,
  redisServerBinary,
  sleep,
} from './_helpers.js';

// Every test here runs against a redis-server of its own, which it stops,
// restarts and whose clients it kills; the machine's Redis is never touched.
const binary = redisServerBinary();

/** Runs `fn` until it stops failing with memory_unavailable (at most ~10 s). */
async function eventually<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isSkreaverError(error, 'memory_unavailable') || attempt >= 200) throw error;
      await sleep(50);
    }
  }
}

async function expectUnavailable(what: string, operation: () => Promise<unknown>): Promise<void> {
  const error = await operation().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, what).toMatchObject({ name: 'MemoryError', code: 'memory_unavailable' });
  expect((error as Error).cause, `${what}: the ioredis error is kept as cause`).toBeInstanceOf(
    Error,
  );
}

describe.skipIf(!binary.available)('redisMemory when Redis goes away', () => {
  let server: PrivateRedis;
  let memory: RedisMemory;

  beforeAll(async () => {
    server = await privateRedis();
    memory = await redisMemory({
      url: server.url,
      prefix: randomPrefix('outage'),
      maxReconnectDelayMs: 200,
    });
  });
  afterAll(async () => {
    await memory?.close();
    await server?.dispose();
  });

  it('rejects with memory_unavailable while the server is stopped, and recovers after a restart', async () => {
    await memory.store('before', 'v');
    await server.stop();

    await expectUnavailable('load', () => memory.load('k'));
    await expectUnavailable('store', () => memory.store('k', 'v'));
    await expectUnavailable('storeMany', () => memory.storeMany([{ key: 'k', value: 'v' }]));
    await expectUnavailable('loadMany', () => memory.loadMany(['a', 'b']));
    await expectUnavailable('delete', () => memory.delete('k'));
    await expectUnavailable('keys', () => memory.keys());
    await expectUnavailable('snapshot', () => memory.snapshot());
    await expectUnavailable('restore', () => memory.restore('{"a":"1"}'));
    const failed = await memory
      .transaction(async (tx) => tx.load('k'))
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    // The body's read failed, so the body threw: transaction_failed, with
    // the retryable memory_unavailable as cause.
    expect(failed).toMatchObject({
      code: 'transaction_failed',
      cause: { code: 'memory_unavailable' },
    });
    const health = await memory.health();
    expect(health).toMatchObject({
      status: 'down',
      backend: 'redis',
      error: { code: 'memory_unavailable' },
    });

    await server.start();
    // The same memory object, no restart of this process.
    await eventually(() => memory.store('after', 'v2'));
    expect(await memory.load('after')).toBe('v2');
    expect(
      await memory.transaction(async (tx) => {
        await tx.store('tx', 'ok');
        return tx.load('tx');
      }),
    ).toBe('ok');
    expect(await memory.keys()).toEqual(['after', 'tx']);
    expect((await memory.health()).status).toBe('ok');
  }, 30_000);

  it('survives CLIENT KILL of its connection mid-use', async () => {
    const admin = new Redis(server.port, '127.0.0.1');
    try {
      const writes = Array.from({ length: 300 }, (_, i) => memory.store(`k${i}`, String(i)));
      await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const settled = await Promise.allSettled(writes);
      // In-flight writes are resent after the reconnect or fail typed.
      for (const outcome of settled) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toMatchObject({ code: 'memory_unavailable' });
        }
      }
      await eventually(() => memory.store('after-kill', 'v'));
      expect(await memory.load('after-kill')).toBe('v');
    } finally {
      admin.disconnect();
    }
  });

  it('does not commit a transaction whose connection was killed after it read', async () => {
    const admin = new Redis(server.port, '127.0.0.1');
    try {
      await eventually(() => memory.store('balance', '100'));
      const outcome = memory
        .transaction(async (tx: MemoryTransaction) => {
          const balance = Number(await tx.load('balance'));
          // The dedicated connection, and with it the WATCH, goes away;
          // another writer then changes what the transaction read.
          await admin.call('CLIENT', 'KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
          await eventually(() => memory.store('balance', '50'));
          await tx.store('balance', String(balance - 10));
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(await outcome).toMatchObject({ code: 'memory_unavailable' });
      expect(await memory.load('balance')).toBe('50');
      // A fresh connection serves the next transaction.
      await memory.transaction(async (tx) => {
        await tx.store('balance', String(Number(await tx.load('balance')) + 1));
      });
      expect(await memory.load('balance')).toBe('51');
    } finally {
      admin.disconnect();
    }
  });

  it('fails fast on a server that hangs without dropping the connection', async () => {
    const hung = await redisMemory({
      url: server.url,
      prefix: randomPrefix('hung'),
      commandTimeoutMs: 300,
      healthTimeoutMs: 300,
    });
    await eventually(() => hung.store('k', 'v'));
    server.pause();
    try {
      await expectUnavailable('load from a frozen server', () => hung.load('k'));
      const health = await hung.health();
      expect(health).toMatchObject({ status: 'down', error: { code: 'memory_unavailable' } });
    } finally {
      server.resume();
    }
    expect(await eventually(() => hung.load('k'))).toBe('v');
    await hung.close();
  });

  it('closes while Redis is down, and does not reconnect afterwards', async () => {
    const memory = await redisMemory({
      url: server.url,
      prefix: randomPrefix('down'),
      maxReconnectDelayMs: 50,
      redisOptions: { connectionName: 'closed-while-down' },
    });
    await server.stop();
    await memory.close();
    await server.start();
    // Several reconnect intervals pass; a client left reconnecting would be back.
    await sleep(500);
    const admin = new Redis(server.port, '127.0.0.1');
    try {
      expect(String(await admin.call('CLIENT', 'LIST'))).not.toContain('closed-while-down');
      expect(memory.client.status).not.toBe('ready');
    } finally {
      admin.disconnect();
    }
  });

  it('rejects the factory with memory_unavailable when nothing listens', async () => {
    const stopped = await privateRedis();
    await stopped.dispose();
    const error = await redisMemory({ url: stopped.url, connectTimeoutMs: 1000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'MemoryError', code: 'memory_unavailable' });
    expect((error as { data?: { connectionError?: string } }).data?.connectionError).toMatch(
      /ECONNREFUSED/,
    );
  });
});
