import { readdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isSkreaverError } from 'skreaver';
import { fileMemory } from 'skreaver/memory/file';
import { describe, expect, it } from 'vitest';
import { type FaultPoint, instrumentedFs, tempDirs } from './_helpers.js';

/*
 * Faults are injected through the fs option: as root, a read-only directory
 * (chmod) does not stop writes, and a full disk cannot be had on demand.
 */

const dirs = tempDirs();

async function ioFailure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.fail('expected a memory_io rejection'),
    (reason: unknown) => reason,
  );
  if (!isSkreaverError(error, 'memory_io')) throw error;
  return error as typeof error & { data: { path: string; errno?: string } };
}

async function entriesOnDisk(path: string): Promise<Record<string, string>> {
  return (JSON.parse(await readFile(path, 'utf8')) as { entries: Record<string, string> }).entries;
}

const faults: [FaultPoint, string, string][] = [
  ['create-temp', 'EACCES', 'permission denied'],
  ['write', 'ENOSPC', 'no space left'],
  ['fsync', 'EIO', 'I/O error'],
  ['rename', 'EROFS', 'read-only'],
];

describe('fileMemory I/O errors', () => {
  for (const [point, code, words] of faults) {
    it(`${code} at ${point}: the write rejects with memory_io, nothing is lost`, async () => {
      const path = await dirs.file();
      const io = instrumentedFs();
      const memory = await fileMemory({ path, fs: io.fs });
      await memory.store('before', 'durable');
      io.fail(point, code);
      const error = await ioFailure(memory.store('during', 'kept in memory'));
      expect(error.message).toContain(code);
      expect(error.message).toContain(words);
      expect(error.message).toContain(path);
      expect(error.data).toMatchObject({ path, errno: code });
      expect((error.cause as { code?: string }).code).toBe(code);
      // The memory keeps the write; the file keeps its last good content, whole.
      expect(await memory.load('during')).toBe('kept in memory');
      expect(await entriesOnDisk(path)).toEqual({ before: 'durable' });
      expect((await readdir(dirname(path))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
      expect((await memory.health()).error?.code).toBe('memory_io');
      io.heal();
      await memory.store('after', 'v');
      expect(await entriesOnDisk(path)).toEqual({
        after: 'v',
        before: 'durable',
        during: 'kept in memory',
      });
      expect((await memory.health()).status).toBe('ok');
      await memory.close();
    });
  }

  it('rejects every write a failed rewrite carried, and resolves none of them', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    io.fail('write', 'ENOSPC');
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => memory.store(`k${i}`, 'v')),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const transaction = memory.transaction(async (tx) => tx.store('tx', 'v'));
    await expect(transaction).rejects.toMatchObject({ code: 'memory_io' });
    io.heal();
    await memory.close();
  });

  it('close rejects when the last write fails, and stays open so nothing is dropped', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    io.fail('rename', 'ENOSPC');
    await ioFailure(memory.store('k', 'v'));
    await ioFailure(memory.close());
    expect(await memory.load('k')).toBe('v');
    await expect(fileMemory({ path })).rejects.toMatchObject({ code: 'memory_unavailable' });
    io.heal();
    await memory.close();
    const reopened = await fileMemory({ path });
    expect(await reopened.load('k')).toBe('v');
    await reopened.close();
  });

  it('a failure reading the file at open rejects with memory_io and releases the lock', async () => {
    const path = await dirs.file();
    const first = await fileMemory({ path });
    await first.store('k', 'v');
    await first.close();
    const io = instrumentedFs();
    io.fail('read', 'EIO');
    const error = await ioFailure(fileMemory({ path, fs: io.fs }));
    expect(error.message).toContain(`Could not read ${path}`);
    const memory = await fileMemory({ path });
    expect(await memory.load('k')).toBe('v');
    await memory.close();
  });

  it('a failure creating the lock rejects the open with memory_io', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    io.fail('create-lock', 'EACCES');
    const error = await ioFailure(fileMemory({ path, fs: io.fs }));
    expect(error.message).toContain('lock file');
    expect(error.message).toContain('EACCES');
    expect(await readdir(dirname(path))).toEqual([]);
  });
});
