import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { compareMemoryKeys } from 'skreaver';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './_temp.js';

const temp = tempDir('memory');
afterAll(() => temp.remove());

function raw(path: string) {
  return new Database(path, { readonly: true });
}

describe('sqliteMemory namespaces', () => {
  it('keeps namespaces of one file apart in every operation', async () => {
    const path = temp.file('ns');
    const alice = await sqliteMemory({ path, namespace: 'alice' });
    const bob = await sqliteMemory({ path, namespace: 'bob' });
    await alice.storeMany([
      { key: 'note', value: 'from alice' },
      { key: 'only-alice', value: '1' },
    ]);
    await bob.store('note', 'from bob');
    expect(await alice.load('note')).toBe('from alice');
    expect(await bob.load('note')).toBe('from bob');
    expect(await bob.load('only-alice')).toBeUndefined();
    expect(await alice.keys()).toEqual(['note', 'only-alice']);
    expect(await bob.keys()).toEqual(['note']);
    expect(await bob.delete('only-alice')).toBe(false);

    const aliceSnapshot = await alice.snapshot();
    expect(JSON.parse(aliceSnapshot)).toMatchObject({
      namespace: 'alice',
      entries: { note: 'from alice', 'only-alice': '1' },
    });
    // A snapshot names its namespace: bob refuses alice's (NDJSON copies between namespaces).
    await expect(bob.restore(aliceSnapshot)).rejects.toMatchObject({
      code: 'snapshot_invalid',
      data: { problems: [expect.objectContaining({ path: '/namespace' })] },
    });
    // Restoring bob's namespace never touches alice's rows.
    await bob.restore('{"fresh":"start"}');
    expect(await bob.keys()).toEqual(['fresh']);
    expect(await alice.keys()).toEqual(['note', 'only-alice']);
    expect(await alice.load('note')).toBe('from alice');
    await alice.close();
    await bob.close();

    const db = raw(path);
    const rows = db
      .prepare('SELECT namespace, key FROM skreaver_memory ORDER BY namespace, key')
      .raw()
      .all();
    expect(rows).toEqual([
      ['alice', 'note'],
      ['alice', 'only-alice'],
      ['bob', 'fresh'],
    ]);
    db.close();
  });

  it("uses the namespace 'default' when none is given, with full 128-byte keys", async () => {
    const path = temp.file('default-ns');
    const memory = await sqliteMemory({ path });
    expect(memory.namespace).toBe('default');
    const longest = 'k'.repeat(128);
    await memory.store(longest, 'fits');
    expect(await memory.load(longest)).toBe('fits');
    await memory.close();
    const other = await sqliteMemory({ path, namespace: 'default' });
    expect(await other.keys()).toEqual([longest]);
    await other.close();
  });
});

describe('sqliteMemory storage', () => {
  it('opens its files in WAL mode, and changes pragmas of a given database only when asked', async () => {
    const path = temp.file('pragmas');
    const memory = await sqliteMemory({ path });
    await memory.close();
    const db = raw(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const database = new Database(temp.file('pragmas-given'));
    await (await sqliteMemory({ database })).close();
    expect(database.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(database.pragma('synchronous', { simple: true })).toBe(2);
    await (await sqliteMemory({ database, synchronous: 'NORMAL', journalMode: 'WAL' })).close();
    expect(database.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(database.pragma('synchronous', { simple: true })).toBe(1);
    database.close();
  });

  it('stores values as exact TEXT, NUL and all, 10 MB by default, refusing past maxValueBytes', async () => {
    const path = temp.file('values');
    const memory = await sqliteMemory({ path });
    const nul = 'a\u0000b\u0000\u{10ffff}';
    await memory.store('nul', nul);
    const tenMb = 'é😀x'.repeat(Math.floor((10 * 1024 * 1024) / 7));
    await memory.store('ten-mb', tenMb);
    expect(await memory.load('nul')).toBe(nul);
    expect((await memory.load('ten-mb')) === tenMb).toBe(true);
    const limit = 16 * 1024 * 1024;
    await expect(memory.store('too-big', 'x'.repeat(limit + 1))).rejects.toMatchObject({
      name: 'MemoryError',
      code: 'memory_limit_exceeded',
      data: { key: 'too-big', maxBytes: limit },
    });
    const small = await sqliteMemory({ path: ':memory:', maxValueBytes: 4 });
    await expect(small.storeMany([{ key: 'k', value: 'ééé' }])).rejects.toMatchObject({
      code: 'memory_limit_exceeded',
    });
    await small.close();
    await memory.close();
    const db = raw(path);
    const row = db
      .prepare("SELECT typeof(value) AS type FROM skreaver_memory WHERE key = 'nul'")
      .get() as { type: string };
    expect(row.type).toBe('text');
    db.close();
  });

  it('lists keys in code point order, with a literal prefix', async () => {
    const memory = await sqliteMemory({ path: ':memory:' });
    const keys = [
      'a',
      'a_b',
      'a%b',
      'ab',
      'aé',
      'a中',
      'a𝐀',
      'a\uffef',
      'b',
      'é',
      '𝐀',
      '𝐀x',
      'A',
      '0',
    ];
    const valid = keys.filter((k) => /^[\p{Alphabetic}\p{N}_\-.:]+$/u.test(k));
    await memory.storeMany(valid.map((key) => ({ key, value: key })));
    expect(await memory.keys()).toEqual([...valid].sort(compareMemoryKeys));
    for (const prefix of ['a', 'a_', 'aé', 'a中', 'a𝐀', 'é', '𝐀', 'A', 'z']) {
      const expected = valid.filter((k) => k.startsWith(prefix)).sort(compareMemoryKeys);
      expect(await memory.keys(prefix), `keys('${prefix}')`).toEqual(expected);
    }
    await memory.close();
  });

  it('maps a full database to memory_io, keeping what was there', async () => {
    const database = new Database(temp.file('full'));
    const memory = await sqliteMemory({ database });
    await memory.store('kept', 'v');
    // SQLite's page cap stands in for a full disk: the same SQLITE_FULL.
    const pages = database.pragma('page_count', { simple: true }) as number;
    database.pragma(`max_page_count = ${pages + 2}`);
    const error = await memory.store('big', 'x'.repeat(100_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'MemoryError',
      code: 'memory_io',
      data: { operation: 'store', sqliteCode: 'SQLITE_FULL' },
    });
    expect((error as Error).cause).toMatchObject({ code: 'SQLITE_FULL' });
    await expect(
      memory.storeMany([
        { key: 'a', value: 'small' },
        { key: 'b', value: 'y'.repeat(100_000) },
      ]),
    ).rejects.toMatchObject({ code: 'memory_io' });
    expect(await memory.keys()).toEqual(['kept']);
    await memory.close();
    database.close();
  });

  it('gives every :memory: memory a database of its own', async () => {
    const a = await sqliteMemory({ path: ':memory:' });
    const b = await sqliteMemory({ path: ':memory:' });
    await a.store('k', 'a');
    expect(await b.load('k')).toBeUndefined();
    expect(a.path).toBe(':memory:');
    await a.close();
    await b.close();
  });

  it('sweeps expired rows out of the file after sweepEveryWrites writes', async () => {
    const path = temp.file('sweep');
    let clock = 1_000_000;
    const memory = await sqliteMemory({ path, now: () => clock, sweepEveryWrites: 5 });
    await memory.storeMany(
      ['t1', 't2', 't3'].map((key) => ({ key, value: 'v' })),
      { ttlMs: 1000 },
    );
    await memory.store('kept', 'v');
    clock += 1000;
    expect(await memory.keys()).toEqual(['kept']);
    const count = () => {
      const db = raw(path);
      const n = db.prepare('SELECT count(*) FROM skreaver_memory').pluck().get();
      db.close();
      return n;
    };
    expect(count()).toBe(4); // expired, hidden, not yet swept
    await memory.store('fifth-write', 'v');
    expect(count()).toBe(2);
    await memory.close();
  });

  it('conflicts when an entry the transaction read or listed expires before commit, like inMemoryMemory', async () => {
    let clock = 0;
    const memory = await sqliteMemory({ path: ':memory:', now: () => clock });
    await memory.store('lease', 'mine', { ttlMs: 100 });
    await expect(
      memory.transaction(async (tx) => {
        expect(await tx.load('lease')).toBe('mine');
        clock = 100;
        await tx.store('derived', 'x');
      }),
    ).rejects.toMatchObject({ code: 'transaction_conflict', data: { keys: ['lease'] } });
    await memory.store('item:1', 'v', { ttlMs: 100 });
    clock = 150;
    await expect(
      memory.transaction(async (tx) => {
        expect(await tx.keys('item:')).toEqual(['item:1']);
        clock = 250; // item:1 expires: the listed set changed without any write
        await tx.store('count', '1');
      }),
    ).rejects.toMatchObject({ code: 'transaction_conflict', data: { prefixes: ['item:'] } });
    await memory.close();
  });
});

describe('sqliteMemory lifecycle', () => {
  it('never closes a database it was given', async () => {
    const database = new Database(':memory:');
    const memory = await sqliteMemory({ database, namespace: 'mine' });
    await memory.store('k', 'v');
    await memory.close();
    expect(database.open).toBe(true);
    expect(database.prepare('SELECT value FROM skreaver_memory').pluck().get()).toBe('v');
    await expect(memory.load('k')).rejects.toMatchObject({ code: 'memory_closed' });
    database.close();
  });

  it('rejects with memory_closed after close, and when the given database was closed', async () => {
    const memory = await sqliteMemory({ path: temp.file('closed') });
    await memory.close();
    await memory.close();
    for (const call of [
      () => memory.load('k'),
      () => memory.store('k', 'v'),
      () => memory.keys(),
      () => memory.snapshot(),
      () => memory.transaction(async () => 1),
    ]) {
      await expect(call()).rejects.toMatchObject({ name: 'MemoryError', code: 'memory_closed' });
    }
    const database = new Database(':memory:');
    const adopted = await sqliteMemory({ database });
    database.close();
    await expect(adopted.store('k', 'v')).rejects.toMatchObject({ code: 'memory_closed' });
  });

  it('fails a transaction whose memory closes before it commits, keeping nothing', async () => {
    const path = temp.file('close-mid-tx');
    const memory = await sqliteMemory({ path });
    await expect(
      memory.transaction(async (tx) => {
        await tx.store('k', 'v');
        await memory.close();
      }),
    ).rejects.toMatchObject({ code: 'transaction_failed', cause: { code: 'memory_closed' } });
    const reopened = await sqliteMemory({ path });
    expect(await reopened.load('k')).toBeUndefined();
    await reopened.close();
  });

  it('reports health: ok, then down when the file is gone or the memory closed', async () => {
    const path = temp.file('health');
    const memory = await sqliteMemory({ path });
    const ok = await memory.health();
    expect(ok).toMatchObject({ status: 'ok', backend: 'sqlite' });
    expect(ok.latencyMs).toBeGreaterThanOrEqual(0);
    expect(ok.error).toBeUndefined();
    rmSync(path);
    const gone = await memory.health();
    expect(gone).toMatchObject({ status: 'down', backend: 'sqlite', error: { code: 'memory_io' } });
    expect(gone.error?.message).toContain(path);
    await memory.close();
    expect(await memory.health()).toMatchObject({
      status: 'down',
      error: { code: 'memory_closed' },
    });
    const inMemory = await sqliteMemory({ path: ':memory:' });
    expect((await inMemory.health()).status).toBe('ok');
    await inMemory.close();
  });

  it('refuses a snapshot past maxSnapshotBytes with memory_limit_exceeded', async () => {
    const memory = await sqliteMemory({ path: ':memory:', maxSnapshotBytes: 1000 });
    await memory.store('big', 'x'.repeat(2000));
    await expect(memory.snapshot()).rejects.toMatchObject({ code: 'memory_limit_exceeded' });
    await expect(memory.restore(JSON.stringify({ big: 'y'.repeat(2000) }))).rejects.toMatchObject({
      code: 'memory_limit_exceeded',
    });
    expect((await memory.load('big'))?.length).toBe(2000);
    await memory.close();
  });
});
