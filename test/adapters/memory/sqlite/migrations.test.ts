import Database from 'better-sqlite3';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAdapter } from './_bundle.js';
import { startChild } from './_child.js';
import { tempDir } from './_temp.js';

const temp = tempDir('migrations');
let bundle: string;

beforeAll(async () => {
  bundle = await bundleAdapter(temp.dir);
});
afterAll(() => temp.remove());

function migrations(path: string): { version: number; description: string }[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare('SELECT version, description FROM skreaver_migrations ORDER BY version')
      .all() as { version: number; description: string }[];
  } finally {
    db.close();
  }
}

describe('sqliteMemory migrations', () => {
  it('records each migration once, and reopening changes nothing', async () => {
    const path = temp.file();
    for (let i = 0; i < 3; i++) {
      const memory = await sqliteMemory({ path });
      await memory.store(`k${i}`, String(i));
      await memory.close();
    }
    const applied = migrations(path);
    expect(applied.map((m) => m.version)).toEqual([1]);
    expect(applied[0]?.description).toMatch(/skreaver_memory/);
    const memory = await sqliteMemory({ path });
    expect(await memory.loadMany(['k0', 'k1', 'k2'])).toEqual(['0', '1', '2']);
    await memory.close();
  });

  it('lets six processes open a new file at the same moment', async () => {
    const path = temp.file('concurrent-open');
    const children = Array.from({ length: 6 }, () => startChild('_opener.mjs', [bundle, path]));
    await Promise.all(children.map((child) => child.waitForLine((line) => line === 'ready')));
    for (const child of children) child.process.stdin?.write('go\n');
    const results = await Promise.all(children.map((child) => child.exited));
    results.forEach((result, i) => {
      expect(result.code, children[i]?.stderr()).toBe(0);
      expect(children[i]?.lines).toContain('ok');
    });
    expect(migrations(path).map((m) => m.version)).toEqual([1]);
    const memory = await sqliteMemory({ path });
    expect(await memory.keys('opener:')).toHaveLength(6);
    await memory.close();
  }, 30_000);

  it('refuses a database whose schema is newer than this release', async () => {
    const path = temp.file('future');
    const memory = await sqliteMemory({ path });
    await memory.store('kept', 'yes');
    await memory.close();
    const db = new Database(path);
    db.prepare(
      'INSERT INTO skreaver_migrations (version, description, applied_at) VALUES (99, ?, 0)',
    ).run('from a future release');
    db.close();
    await expect(sqliteMemory({ path })).rejects.toMatchObject({
      name: 'MemoryError',
      code: 'memory_io',
      data: { path, schemaVersion: 99, supportedVersion: 1 },
    });
  });

  it('leaves tables that are not its own alone', async () => {
    const path = temp.file('shared-with-app');
    const db = new Database(path);
    db.exec(
      "CREATE TABLE app_data (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO app_data (note) VALUES ('mine')",
    );
    const memory = await sqliteMemory({ database: db });
    await memory.store('k', 'v');
    await memory.close();
    expect(db.prepare('SELECT note FROM app_data').pluck().all()).toEqual(['mine']);
    db.close();
  });
});
