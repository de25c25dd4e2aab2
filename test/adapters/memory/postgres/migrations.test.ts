import { postgresMemory } from 'skreaver/memory/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { findService, POSTGRES } from '../../../_support/services.js';
import { admin, dropTable, randomName } from './_helpers.js';

const svc = await findService(POSTGRES);

describe.skipIf(!svc.available)('postgresMemory migrations', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('five memories opening at once on a fresh schema and table all succeed, migrating once', async () => {
    const schema = randomName('skm_schema');
    const table = randomName('skm_mig');
    cleanups.push(() => admin(svc.url, `DROP SCHEMA IF EXISTS "${schema}" CASCADE`).then(() => {}));
    const memories = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        postgresMemory({ connectionString: svc.url, schema, table, namespace: `n${i}`, max: 1 }),
      ),
    );
    try {
      await Promise.all(memories.map((m, i) => m.store('k', `v${i}`)));
      expect(await Promise.all(memories.map((m) => m.load('k')))).toEqual([
        'v0',
        'v1',
        'v2',
        'v3',
        'v4',
      ]);
      const applied = await admin<{ version: number }>(
        svc.url,
        `SELECT version FROM "${schema}".skreaver_migrations WHERE table_name = $1`,
        [table],
      );
      expect(applied.map((row) => row.version)).toEqual([1]);
      expect(memories[0]?.table).toBe(`${schema}.${table}`);
    } finally {
      await Promise.all(memories.map((m) => m.close()));
    }
  });

  it('reopens a migrated table without migrating again, and keeps its data', async () => {
    const table = randomName('skm_mig');
    cleanups.push(() => dropTable(svc.url, table));
    const first = await postgresMemory({ connectionString: svc.url, table });
    await first.store('kept', 'yes');
    await first.close();
    const second = await postgresMemory({ connectionString: svc.url, table, migrate: false });
    try {
      expect(await second.load('kept')).toBe('yes');
    } finally {
      await second.close();
    }
  });

  it('with migrate: false, refuses a table that does not exist yet with memory_io', async () => {
    const table = randomName('skm_mig');
    await expect(
      postgresMemory({ connectionString: svc.url, table, migrate: false }),
    ).rejects.toMatchObject({ code: 'memory_io', name: 'MemoryError' });
    const found = await admin(svc.url, 'SELECT 1 FROM pg_tables WHERE tablename = $1', [table]);
    expect(found).toEqual([]);
  });

  it('refuses a table written by a newer release instead of guessing', async () => {
    const table = randomName('skm_mig');
    cleanups.push(() => dropTable(svc.url, table));
    const memory = await postgresMemory({ connectionString: svc.url, table });
    await memory.close();
    await admin(
      svc.url,
      `INSERT INTO skreaver_migrations (table_name, version, description) VALUES ($1, 99, 'future')`,
      [table],
    );
    const error = await postgresMemory({ connectionString: svc.url, table }).catch((e) => e);
    expect(error).toMatchObject({ code: 'memory_io' });
    expect(error.message).toContain('99');
  });

  it('refuses a same-named table that skreaver did not create, naming it', async () => {
    const table = randomName('skm_foreign');
    cleanups.push(() => dropTable(svc.url, table));
    await admin(svc.url, `CREATE TABLE "${table}" (id int PRIMARY KEY, payload text)`);
    await admin(svc.url, `INSERT INTO "${table}" VALUES (1, 'precious')`);
    const error = await postgresMemory({ connectionString: svc.url, table }).catch((e) => e);
    expect(error).toMatchObject({ code: 'memory_io' });
    expect(error.message).toContain(`public.${table}`);
    expect(await admin(svc.url, `SELECT payload FROM "${table}"`)).toEqual([
      { payload: 'precious' },
    ]);
  });
});
