import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MemoryError } from 'skreaver';
import { sqliteMemory } from 'skreaver/memory/sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from './_temp.js';

const temp = tempDir('open-errors');
afterAll(() => temp.remove());

/** A real memory file with some data, checkpointed into the main file. */
async function populated(): Promise<string> {
  const path = temp.file('good');
  const memory = await sqliteMemory({ path });
  await memory.storeMany(
    Array.from({ length: 300 }, (_, i) => ({ key: `key:${i}`, value: 'x'.repeat(500) })),
  );
  await memory.close(); // the last connection closing checkpoints the WAL
  return path;
}

async function expectIoError(path: string, sqliteCode?: string): Promise<MemoryError> {
  const error = await sqliteMemory({ path }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MemoryError);
  const memoryError = error as MemoryError;
  expect(memoryError.code).toBe('memory_io');
  expect(memoryError.message).toContain(path);
  expect(memoryError.data).toMatchObject({ path, operation: 'open' });
  if (sqliteCode !== undefined) {
    expect(memoryError.data).toMatchObject({ sqliteCode });
    expect(memoryError.cause).toMatchObject({ code: sqliteCode });
  }
  return memoryError;
}

describe('sqliteMemory refuses files it cannot trust', () => {
  it('a file that is not a SQLite database (a JSON state file)', async () => {
    const path = temp.file('json');
    const content = JSON.stringify({ 'user:1': 'Ada' }).repeat(200);
    writeFileSync(path, content);
    await expectIoError(path, 'SQLITE_NOTADB');
    // The file is left exactly as it was: nothing started empty over it.
    expect(readFileSync(path, 'utf8')).toBe(content);
  });

  it('a database whose schema page is damaged', async () => {
    const path = await populated();
    const bytes = readFileSync(path);
    bytes.fill(0xab, 100, 4096);
    writeFileSync(path, bytes);
    await expectIoError(path, 'SQLITE_CORRUPT');
  });

  it('a truncated database', async () => {
    const path = await populated();
    writeFileSync(path, readFileSync(path).subarray(0, 6000));
    await expectIoError(path, 'SQLITE_CORRUPT');
  });

  it('damage deeper in the file: found by quickCheck at open, else by the read that meets it', async () => {
    const path = await populated();
    const bytes = readFileSync(path);
    bytes.fill(0xcd, 4096 * 3, 4096 * 6);
    writeFileSync(path, bytes);
    const error = await sqliteMemory({ path, quickCheck: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ name: 'MemoryError', code: 'memory_io' });
    expect((error as Error).message).toContain(path);
    const memory = await sqliteMemory({ path });
    const read = await memory.keys().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(read).toMatchObject({
      name: 'MemoryError',
      code: 'memory_io',
      data: { path, operation: 'keys', sqliteCode: 'SQLITE_CORRUPT' },
    });
    await memory.close();
  });

  it('a path in a directory that does not exist, or a directory', async () => {
    await expectIoError(`${temp.dir}/missing-dir/state.db`);
    await expectIoError(temp.dir, 'SQLITE_CANTOPEN');
  });

  it('a missing file when create is false', async () => {
    const path = temp.file('absent');
    await expect(sqliteMemory({ path, create: false })).rejects.toMatchObject({
      code: 'memory_io',
      data: { path, operation: 'open' },
    });
  });

  it('bad options, with invalid_options', async () => {
    const bad: unknown[] = [
      undefined,
      {},
      { path: '' },
      { path: 42 },
      { path: ':memory:', namespace: 'has space' },
      { path: ':memory:', namespace: '' },
      { path: ':memory:', busyTimeoutMs: -1 },
      { path: ':memory:', synchronous: 'OFF' },
      { path: ':memory:', journalMode: 'MEMORY' },
      { path: ':memory:', maxValueBytes: 0 },
      { path: ':memory:', sweepEveryWrites: 1.5 },
      { path: ':memory:', create: 'yes' },
      { path: ':memory:', now: 5 },
      { database: {} },
    ];
    for (const options of bad) {
      await expect(
        sqliteMemory(options as Parameters<typeof sqliteMemory>[0]),
        JSON.stringify(options),
      ).rejects.toMatchObject({ name: 'ValidationError', code: 'invalid_options' });
    }
    const closed = new Database(':memory:');
    closed.close();
    await expect(sqliteMemory({ database: closed })).rejects.toMatchObject({
      code: 'invalid_options',
    });
  });
});
