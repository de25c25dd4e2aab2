import pg from 'pg';
import { isSkreaverError } from 'skreaver';
import { type PostgresMemory, postgresMemory } from 'skreaver/memory/postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findService, POSTGRES } from '../../../_support/services.js';
import { admin, dropTable, randomName } from './_helpers.js';

const svc = await findService(POSTGRES);
const table = randomName('skm_unit');

describe.skipIf(!svc.available)('postgresMemory', () => {
  const opened: PostgresMemory[] = [];
  const open = async (options: Parameters<typeof postgresMemory>[0] = {}) => {
    const memory = await postgresMemory({
      connectionString: svc.url,
      table,
      namespace: randomName('ns'),
      max: 2,
      ...options,
    });
    opened.push(memory);
    return memory;
  };
  afterEach(async () => {
    for (const memory of opened.splice(0)) await memory.close();
  });
  afterAll(() => dropTable(svc.url, table));

  it('keeps namespaces apart: keys, snapshots and restores see only their own', async () => {
    const a = await open();
    const b = await open();
    await a.storeMany([
      { key: 'shared', value: 'A' },
      { key: 'only-a', value: 'A' },
    ]);
    await b.storeMany([
      { key: 'shared', value: 'B' },
      { key: 'only-b', value: 'B' },
    ]);
    expect(await a.keys()).toEqual(['only-a', 'shared']);
    const textA = await a.snapshot();
    const snapshotA = JSON.parse(textA);
    expect(Object.keys(snapshotA.entries)).toEqual(['only-a', 'shared']);
    expect(snapshotA.namespace).toBe(a.namespace);
    await expect(b.restore(textA)).rejects.toMatchObject({
      code: 'snapshot_invalid',
      data: { problems: [expect.objectContaining({ path: '/namespace' })] },
    });
    await a.restore(JSON.stringify({ restored: 'yes' }));
    expect(await a.keys()).toEqual(['restored']);
    expect(await b.keys()).toEqual(['only-b', 'shared']);
    expect(await b.loadMany(['shared', 'only-b'])).toEqual(['B', 'B']);
  });

  it('stores values as their exact UTF-8 bytes, NUL included', async () => {
    const memory = await open();
    const value = 'nul \u0000 é 😀';
    await memory.store('k', value);
    const [row] = await admin<{ value: Buffer }>(
      svc.url,
      `SELECT value FROM "${table}" WHERE namespace = $1 AND key = 'k'`,
      [memory.namespace],
    );
    expect(row?.value.equals(Buffer.from(value, 'utf8'))).toBe(true);
    expect(await memory.load('k')).toBe(value);
  });

  it('round-trips a 10 MB value and refuses one past maxValueBytes', async () => {
    const memory = await open({ maxValueBytes: 10_000_001 });
    const big = 'é'.repeat(5_000_000);
    await memory.store('big', big);
    expect((await memory.load('big')) === big).toBe(true);
    await expect(memory.store('big', `${big}xx`)).rejects.toMatchObject({
      code: 'memory_limit_exceeded',
      data: { key: 'big', bytes: 10_000_002, maxBytes: 10_000_001 },
    });
    await expect(memory.storeMany([{ key: 'other', value: `${big}xx` }])).rejects.toMatchObject({
      code: 'memory_limit_exceeded',
    });
    expect(await memory.keys()).toEqual(['big']);
  }, 30_000);

  it('borrows a pool it is given and leaves it open on close', async () => {
    const pool = new pg.Pool({ connectionString: svc.url, max: 2 });
    try {
      const memory = await postgresMemory({ pool, table, namespace: randomName('ns') });
      await memory.store('k', 'v');
      await memory.close();
      await memory.close();
      await expect(memory.load('k')).rejects.toMatchObject({ code: 'memory_closed' });
      const rows = await pool.query('SELECT 1 AS one');
      expect(rows.rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('lets memories on different tables share one pool', async () => {
    const other = randomName('skm_unit');
    const pool = new pg.Pool({ connectionString: svc.url, max: 1 });
    try {
      const first = await postgresMemory({ pool, table, namespace: randomName('ns') });
      const second = await postgresMemory({ pool, table: other, namespace: first.namespace });
      for (let i = 0; i < 3; i++) {
        await first.store('k', `first ${i}`);
        await second.store('k', `second ${i}`);
      }
      expect([await first.load('k'), await second.load('k')]).toEqual(['first 2', 'second 2']);
    } finally {
      await pool.end();
      await dropTable(svc.url, other);
    }
  });

  it('rejects every operation with memory_closed after close, and health reports down', async () => {
    const memory = await open();
    await memory.close();
    for (const action of [
      () => memory.load('k'),
      () => memory.store('k', 'v'),
      () => memory.keys(),
      () => memory.transaction(async () => {}),
      () => memory.snapshot(),
    ]) {
      await expect(action()).rejects.toMatchObject({ code: 'memory_closed' });
    }
    expect(await memory.health()).toMatchObject({
      status: 'down',
      backend: 'postgres',
      error: { code: 'memory_closed' },
    });
  });

  it('reports health with a latency', async () => {
    const memory = await open();
    const health = await memory.health();
    expect(health).toMatchObject({ status: 'ok', backend: 'postgres' });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(health.error).toBeUndefined();
  });

  it('rejects with memory_unavailable, the driver error as cause, when the server is unreachable', async () => {
    const error = await postgresMemory({
      connectionString: 'postgres://postgres@127.0.0.1:1/test',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'memory_unavailable', name: 'MemoryError' });
    expect((error as Error).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('refuses bad options with invalid_options before connecting', async () => {
    for (const options of [
      { table: 'Bad-Name' },
      { schema: '1schema' },
      { namespace: 'has space' },
      { max: 0 },
      { retryOnConflict: -1 },
      { maxValueBytes: 0 },
      { migrate: 'yes' as unknown as boolean },
    ]) {
      await expect(postgresMemory({ connectionString: svc.url, ...options })).rejects.toMatchObject(
        { code: 'invalid_options' },
      );
    }
  });

  it('sweeps expired rows of its namespace on a later write', async () => {
    const memory = await open({ sweepIntervalMs: 0 });
    await memory.store('short', 'v', { ttlMs: 20 });
    await memory.store('kept', 'v', { ttlMs: 600_000 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await memory.load('short')).toBeUndefined();
    await memory.store('trigger', 'v');
    await memory.close(); // waits for the sweep it started
    const rows = await admin<{ key: string }>(
      svc.url,
      `SELECT key FROM "${table}" WHERE namespace = $1 ORDER BY key`,
      [memory.namespace],
    );
    expect(rows.map((row) => row.key)).toEqual(['kept', 'trigger']);
  });

  it('re-runs a conflicting transaction body up to retryOnConflict times', async () => {
    const memory = await open({ retryOnConflict: 1 });
    const other = await open({ namespace: memory.namespace });
    await memory.store('n', '1');
    let runs = 0;
    const result = await memory.transaction(async (tx) => {
      runs++;
      const n = Number(await tx.load('n'));
      if (runs === 1) await other.store('n', '10');
      await tx.store('n', String(n + 1));
      return n;
    });
    expect({ runs, result, stored: await memory.load('n') }).toEqual({
      runs: 2,
      result: 10,
      stored: '11',
    });
    const error = await memory
      .transaction(async (tx) => {
        const n = Number(await tx.load('n'));
        await other.store('n', String(n * 2));
        await tx.store('n', 'lost');
      })
      .catch((e: unknown) => e);
    expect(isSkreaverError(error, 'transaction_conflict')).toBe(true);
    expect(error).toMatchObject({ data: { keys: ['n'], prefixes: [] } });
    expect(await memory.load('n')).toBe('44');
  });

  it('conflicts when another writer changes a key the transaction only wrote', async () => {
    const memory = await open();
    await expect(
      memory.transaction(async (tx) => {
        await tx.store('blind', 'mine');
        await memory.store('blind', 'theirs');
      }),
    ).rejects.toMatchObject({ code: 'transaction_conflict', data: { keys: ['blind'] } });
    expect(await memory.load('blind')).toBe('theirs');
  });

  it('fails a transaction whose memory closes before commit, keeping nothing', async () => {
    const memory = await open();
    const error = await memory
      .transaction(async (tx) => {
        await tx.store('k', 'v');
        await memory.close();
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'transaction_failed', cause: { code: 'memory_closed' } });
    const rows = await admin(svc.url, `SELECT 1 FROM "${table}" WHERE namespace = $1`, [
      memory.namespace,
    ]);
    expect(rows).toEqual([]);
  });
});
