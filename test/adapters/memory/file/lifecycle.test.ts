import { lstat, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { isSkreaverError } from 'skreaver';
import { fileMemory } from 'skreaver/memory/file';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './_helpers.js';

const dirs = tempDirs();

async function rejection(promise: Promise<unknown>, code: string) {
  const error = await promise.then(
    () => expect.fail(`expected a rejection with ${code}`),
    (reason: unknown) => reason,
  );
  if (!isSkreaverError(error)) throw error;
  expect(error.code).toBe(code);
  return error;
}

describe('fileMemory lifecycle', () => {
  it('close writes pending changes, removes the lock, and ends the memory', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    expect(memory.path).toBe(path);
    const pending = memory.store('k', 'v');
    const closing = memory.close();
    await rejection(memory.load('k'), 'memory_closed');
    await Promise.all([pending, closing]);
    expect(await readdir(dirname(path))).toEqual(['state.json']);
    for (const call of [
      () => memory.store('k', 'v'),
      () => memory.storeMany([]),
      () => memory.delete('k'),
      () => memory.keys(),
      () => memory.loadMany(['k']),
      () => memory.snapshot(),
      () => memory.restore('{}'),
      () => memory.transaction(() => undefined),
    ]) {
      await rejection(call(), 'memory_closed');
    }
    await memory.close();
    const health = await memory.health();
    expect(health).toMatchObject({ status: 'down', backend: 'file' });
    expect(health.error?.code).toBe('memory_closed');
    const reopened = await fileMemory({ path });
    expect(await reopened.load('k')).toBe('v');
    await reopened.close();
  });

  it('a transaction still running at close fails and keeps nothing, as in memory', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    let finish = () => {};
    const bodyWaits = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const transaction = memory.transaction(async (tx) => {
      await tx.store('tx', 'never committed');
      await bodyWaits;
    });
    await new Promise((resolve) => setImmediate(resolve));
    const closing = memory.close();
    finish();
    await rejection(transaction, 'transaction_failed');
    await closing;
    const reopened = await fileMemory({ path });
    expect(await reopened.load('tx')).toBeUndefined();
    await reopened.close();
  });

  it('close inside a transaction body does not hang; the transaction then fails', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    await rejection(
      memory.transaction(async (tx) => {
        await tx.store('k', 'v');
        await memory.close();
      }),
      'transaction_failed',
    );
    const reopened = await fileMemory({ path });
    expect(await reopened.load('k')).toBeUndefined();
    await reopened.close();
  });

  it('health reports ok with latency, and down when the file or the lock disappears', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    const fresh = await memory.health();
    expect(fresh).toMatchObject({ status: 'ok', backend: 'file' });
    expect(fresh.latencyMs).toBeGreaterThanOrEqual(0);
    expect(fresh.error).toBeUndefined();
    await memory.store('k', 'v');
    await rm(path);
    expect((await memory.health()).error?.code).toBe('memory_io');
    await memory.store('k', 'again');
    expect((await memory.health()).status).toBe('ok');
    await rm(`${path}.lock`);
    const lost = await memory.health();
    expect(lost.error?.code).toBe('memory_unavailable');
    expect(lost.error?.message).toContain('lock');
    await memory.close();
  });

  it('removes temporary files a crashed writer left behind when it opens', async () => {
    const path = await dirs.file();
    const leftover = join(dirname(path), 'state.json.0123456789abcdef.tmp');
    const unrelated = join(dirname(path), 'other.json.0123456789abcdef.tmp');
    await writeFile(leftover, '{"half');
    await writeFile(unrelated, 'not ours');
    const memory = await fileMemory({ path });
    expect((await readdir(dirname(path))).sort()).toEqual(
      ['other.json.0123456789abcdef.tmp', 'state.json.lock'].sort(),
    );
    await memory.close();
  });

  it('writes through a symbolic link to the file it points to, keeping the link', async () => {
    const target = await dirs.file('real.json');
    const link = join(await dirs.make(), 'link.json');
    await writeFile(target, JSON.stringify({ before: '1' }));
    await symlink(target, link);
    const memory = await fileMemory({ path: link });
    expect(memory.path).toBe(target);
    await memory.store('after', '2');
    expect((await readdir(dirname(target))).sort()).toEqual(['real.json', 'real.json.lock']);
    await memory.close();
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(link, 'utf8')).entries).toEqual({ after: '2', before: '1' });
  });

  it('creates the file and the lock with fileMode', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path, fileMode: 0o640 });
    expect((await stat(`${path}.lock`)).mode & 0o777).toBe(0o640 & ~process.umask());
    await memory.store('k', 'v');
    expect((await stat(path)).mode & 0o777).toBe(0o640 & ~process.umask());
    await memory.close();
  });

  it('refuses a value over maxValueBytes before changing anything', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path, maxValueBytes: 10 });
    await rejection(memory.store('k', 'x'.repeat(11)), 'memory_limit_exceeded');
    await rejection(
      memory.storeMany([
        { key: 'a', value: 'ok' },
        { key: 'b', value: 'é'.repeat(6) },
      ]),
      'memory_limit_exceeded',
    );
    expect(await memory.keys()).toEqual([]);
    await memory.close();
  });

  it('refuses to write a file over maxFileBytes, and recovers once entries are deleted', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path, maxFileBytes: 2_048 });
    await memory.store('small', 'v');
    const error = await rejection(memory.store('big', 'x'.repeat(3_000)), 'memory_limit_exceeded');
    expect(error.message).toContain('maxFileBytes');
    expect(error.message).toContain(path);
    expect(JSON.parse(await readFile(path, 'utf8')).entries).toEqual({ small: 'v' });
    await rejection(memory.snapshot(), 'memory_limit_exceeded');
    // Like after any failed write, the memory still holds the change.
    expect(await memory.delete('big')).toBe(true);
    await memory.store('next', 'v');
    expect(JSON.parse(await readFile(path, 'utf8')).entries).toEqual({ next: 'v', small: 'v' });
    await rejection(
      memory.restore(JSON.stringify({ huge: 'y'.repeat(3_000) })),
      'memory_limit_exceeded',
    );
    expect(await memory.keys()).toEqual(['next', 'small']);
    await memory.close();
  });

  it('rejects bad options with invalid_options', async () => {
    const path = await dirs.file();
    const bad: object[] = [
      {},
      { path: '' },
      { path: 42 },
      { path, lockTimeoutMs: -1 },
      { path, lockRetryMs: 0 },
      { path, flushIntervalMs: Number.NaN },
      { path, maxValueBytes: 0 },
      { path, maxFileBytes: 10 },
      { path, fileMode: 0o10000 },
      { path, waitForLock: 'yes' },
      { path, now: 5 },
      { path, fs: {} },
    ];
    for (const options of bad) {
      await rejection(fileMemory(options as { path: string }), 'invalid_options');
    }
    await rejection(fileMemory(null as unknown as { path: string }), 'invalid_options');
    expect(await readdir(dirname(path))).toEqual([]);
  });

  it('rejects a transaction body that is not a function with invalid_input', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    await rejection(memory.transaction('nope' as unknown as () => void), 'invalid_input');
    await memory.close();
  });
});
