import pg from 'pg';
import { type PostgresMemory, postgresMemory } from 'skreaver/memory/postgres';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findService, POSTGRES } from '../../../_support/services.js';
import { admin, dropTable, randomName } from './_helpers.js';

/*
 * Outage on the shared server without stopping it: the test terminates only
 * the memory's own backends (found by a random application_name) with
 * pg_terminate_backend, as an administrator or a failover would.
 */
const svc = await findService(POSTGRES);
const table = randomName('skm_outage');

describe.skipIf(!svc.available)('postgresMemory when its connections are killed', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  afterAll(() => dropTable(svc.url, table));

  async function setup(
    options: Parameters<typeof postgresMemory>[0] = {},
  ): Promise<{ memory: PostgresMemory; kill: () => Promise<number> }> {
    const applicationName = randomName('skm_app');
    const memory = await postgresMemory({
      connectionString: svc.url,
      table,
      namespace: randomName('ns'),
      applicationName,
      max: 3,
      ...options,
    });
    cleanups.push(() => memory.close());
    const kill = async () => {
      // In the select list, not the WHERE clause: there the planner may call
      // it before filtering, on every backend (this one included).
      const rows = await admin<{ killed: boolean }>(
        svc.url,
        'SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      return rows.filter((row) => row.killed).length;
    };
    return { memory, kill };
  }

  /** A connection of the test's own holding a row lock, so the memory's next write on it waits. */
  async function holdRow(memory: PostgresMemory, key: string): Promise<() => Promise<void>> {
    const locker = new pg.Client({ connectionString: svc.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query(`SELECT 1 FROM "${table}" WHERE namespace = $1 AND key = $2 FOR UPDATE`, [
      memory.namespace,
      key,
    ]);
    const release = async () => {
      await locker.query('ROLLBACK').catch(() => {});
      await locker.end();
    };
    cleanups.push(release);
    return release;
  }

  /** Waits until the server shows a backend of ours waiting for a lock. */
  async function waitUntilBlocked(): Promise<void> {
    for (;;) {
      const rows = await admin(
        svc.url,
        `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%' || $1 || '%'`,
        [table],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('rejects an operation cut off mid-way with memory_unavailable, then works again', async () => {
    const { memory, kill } = await setup();
    await memory.store('k', 'before');
    const release = await holdRow(memory, 'k');
    const blocked = memory.store('k', 'during').catch((e: unknown) => e);
    await waitUntilBlocked();
    expect(await kill()).toBeGreaterThan(0);
    const error = await blocked;
    expect(error).toMatchObject({ code: 'memory_unavailable', name: 'MemoryError' });
    expect((error as Error).cause).toBeDefined();
    await release();
    // The pool opens new connections: the same memory object keeps working.
    await memory.store('k', 'after');
    expect(await memory.load('k')).toBe('after');
    expect(await memory.health()).toMatchObject({ status: 'ok' });
  });

  it('fails a transaction whose commit is cut off, with memory_unavailable as cause, then commits again', async () => {
    const { memory, kill } = await setup();
    await memory.store('n', '1');
    const release = await holdRow(memory, 'n');
    const blocked = memory
      .transaction(async (tx) => {
        await tx.store('n', String(Number(await tx.load('n')) + 1));
      })
      .catch((e: unknown) => e);
    await waitUntilBlocked();
    await kill();
    const error = await blocked;
    expect(error).toMatchObject({
      code: 'transaction_failed',
      name: 'TransactionError',
      data: { reason: 'commit_failed', outcome: 'rolled_back' },
      cause: { code: 'memory_unavailable' },
    });
    await release();
    await memory.transaction(async (tx) => {
      await tx.store('n', String(Number(await tx.load('n')) + 1));
    });
    expect(await memory.load('n')).toBe('2');
  });

  it('recovers after every idle connection is killed, failing only with memory_unavailable', async () => {
    const { memory, kill } = await setup();
    // Open several connections, then kill them all while idle.
    await Promise.all(Array.from({ length: 3 }, (_, i) => memory.store(`k${i}`, 'v')));
    expect(await kill()).toBeGreaterThan(0);
    const failures: unknown[] = [];
    let value: string | undefined;
    // Each dead connection fails at most one operation before the pool drops it.
    for (let attempt = 0; attempt < 5 && value === undefined; attempt++) {
      try {
        value = await memory.load('k0');
      } catch (error) {
        failures.push(error);
      }
    }
    expect(value).toBe('v');
    for (const failure of failures) expect(failure).toMatchObject({ code: 'memory_unavailable' });
  });

  it('reports down, without rejecting, when no connection answers within healthTimeoutMillis', async () => {
    const { memory } = await setup({ max: 1, healthTimeoutMillis: 100 });
    await memory.store('k', 'before');
    const release = await holdRow(memory, 'k');
    // The only connection waits on the row lock, so the probe gets none.
    const blocked = memory.store('k', 'during');
    await waitUntilBlocked();
    const health = await memory.health();
    expect(health).toMatchObject({
      status: 'down',
      backend: 'postgres',
      error: { code: 'memory_unavailable' },
    });
    await release();
    await blocked;
    expect(await memory.health()).toMatchObject({ status: 'ok' });
    expect(await memory.load('k')).toBe('during');
  });
});
