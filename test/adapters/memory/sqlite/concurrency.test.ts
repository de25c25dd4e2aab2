import { sqliteMemory } from 'skreaver/memory/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAdapter } from './_bundle.js';
import { startChild } from './_child.js';
import { tempDir } from './_temp.js';

const temp = tempDir('concurrency');
let bundle: string;

beforeAll(async () => {
  bundle = await bundleAdapter(temp.dir);
});
afterAll(() => temp.remove());

describe('sqliteMemory transactions across processes', () => {
  it('loses no update when two processes increment the same key 1,000 times each', async () => {
    const path = temp.file('counter');
    // Created (and migrated) once, so the children race on the data only.
    const setup = await sqliteMemory({ path });
    await setup.close();
    const children = [0, 1].map(() =>
      startChild('_incrementer.mjs', [bundle, path, 'counter', '1000']),
    );
    await Promise.all(children.map((child) => child.waitForLine((line) => line === 'ready')));
    for (const child of children) child.process.stdin?.write('go\n');
    const results = await Promise.all(children.map((child) => child.exited));
    results.forEach((result, i) => {
      expect(result.code, children[i]?.stderr()).toBe(0);
    });
    const memory = await sqliteMemory({ path });
    expect(await memory.load('counter')).toBe('2000');
    await memory.close();
    // Each finished its loop (printing how many runs conflicted and were retried).
    for (const child of children) {
      expect(child.lines.some((line) => /^done \d+$/.test(line))).toBe(true);
    }
  }, 60_000);

  it('detects a conflict with a write made by another connection to the file', async () => {
    const path = temp.file('two-connections');
    const a = await sqliteMemory({ path });
    const b = await sqliteMemory({ path });
    await a.store('k', 'v1');
    await expect(
      a.transaction(async (tx) => {
        await tx.load('k');
        await b.store('k', 'v2');
        await tx.store('k', 'from v1');
      }),
    ).rejects.toMatchObject({ code: 'transaction_conflict', data: { keys: ['k'] } });
    await expect(
      a.transaction(async (tx) => {
        await tx.keys('item:');
        await b.store('item:1', 'new');
        await tx.store('count', '0');
      }),
    ).rejects.toMatchObject({ code: 'transaction_conflict', data: { prefixes: ['item:'] } });
    expect(await a.load('k')).toBe('v2');
    expect(await a.load('count')).toBeUndefined();
    await a.close();
    await b.close();
  });

  it('does not conflict over writes to another namespace of the same file', async () => {
    const path = temp.file('namespaces');
    const a = await sqliteMemory({ path, namespace: 'a' });
    const b = await sqliteMemory({ path, namespace: 'b' });
    await a.transaction(async (tx) => {
      await tx.load('k');
      await tx.keys('');
      await b.store('k', 'other namespace');
      await tx.store('k', 'mine');
    });
    expect(await a.load('k')).toBe('mine');
    expect(await b.load('k')).toBe('other namespace');
    await a.close();
    await b.close();
  });

  it('rejects with memory_unavailable when another connection holds the lock past busyTimeoutMs', async () => {
    const path = temp.file('busy');
    const memory = await sqliteMemory({ path, busyTimeoutMs: 50 });
    const Database = (await import('better-sqlite3')).default;
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    try {
      const error = await memory.store('k', 'v').catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'MemoryError',
        code: 'memory_unavailable',
        data: { path, operation: 'store', sqliteCode: 'SQLITE_BUSY' },
      });
      expect((error as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
      expect((error as Error).message).toContain(path);
      await expect(
        memory.transaction(async (tx) => {
          await tx.store('k', 'v');
        }),
      ).rejects.toMatchObject({
        code: 'transaction_failed',
        cause: { code: 'memory_unavailable' },
      });
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    // Once the lock is released, the same memory works again.
    await memory.store('k', 'v');
    expect(await memory.load('k')).toBe('v');
    await memory.close();
  });
});
