import { readFile } from 'node:fs/promises';
import { fileMemory } from 'skreaver/memory/file';
import { describe, expect, it } from 'vitest';
import { instrumentedFs, tempDirs } from './_helpers.js';

const dirs = tempDirs();

async function onDisk(path: string): Promise<Record<string, string>> {
  return (JSON.parse(await readFile(path, 'utf8')) as { entries: Record<string, string> }).entries;
}

describe('fileMemory group commit', () => {
  it('a store resolves only once its value is in the file', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    await memory.store('k', 'v1');
    expect((await onDisk(path)).k).toBe('v1');
    await memory.store('k', 'v2');
    expect((await onDisk(path)).k).toBe('v2');
    await memory.close();
  });

  it('10,000 concurrent stores cost a handful of rewrites, not 10,000', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    const keys = Array.from({ length: 10_000 }, (_, i) => `key:${i}`);
    await Promise.all(keys.map((key) => memory.store(key, `value ${key}`)));
    expect(io.renames(path)).toBeLessThanOrEqual(2);
    const entries = await onDisk(path);
    expect(Object.keys(entries)).toHaveLength(10_000);
    expect(entries['key:9999']).toBe('value key:9999');
    await memory.close();
  });

  it('storeMany of 10,000 entries is one rewrite', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    await memory.storeMany(
      Array.from({ length: 10_000 }, (_, i) => ({ key: `k${i}`, value: 'v' })),
    );
    expect(io.renames(path)).toBe(1);
    expect(Object.keys(await onDisk(path))).toHaveLength(10_000);
    await memory.close();
  });

  it('writes made while a rewrite is in flight wait for it, then share the next one', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    const release = io.holdRenames();
    const settled: string[] = [];
    const first = memory.store('first', '1').then(() => settled.push('first'));
    // Let the first rewrite start and block on its rename.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const later = Array.from({ length: 100 }, (_, i) =>
      memory.store(`later:${i}`, String(i)).then(() => settled.push(`later:${i}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toEqual([]);
    release();
    await Promise.all([first, ...later]);
    expect(settled[0]).toBe('first');
    expect(io.renames(path)).toBe(2);
    expect(Object.keys(await onDisk(path))).toHaveLength(101);
    await memory.close();
  });

  it('with flushIntervalMs, writes from separate turns of the event loop share a rewrite', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs, flushIntervalMs: 300 });
    const a = memory.store('a', '1');
    await new Promise((resolve) => setImmediate(resolve));
    const b = memory.store('b', '2');
    await Promise.all([a, b]);
    expect(io.renames(path)).toBe(1);
    expect(await onDisk(path)).toEqual({ a: '1', b: '2' });
    await memory.close();
  });

  it('skips the rewrite when nothing changed', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    await memory.store('k', 'v');
    expect(await memory.delete('absent')).toBe(false);
    expect(await memory.transaction(async (tx) => tx.load('k'))).toBe('v');
    await expect(
      memory.transaction(async (tx) => {
        await tx.store('k', 'changed');
        throw new Error('no');
      }),
    ).rejects.toMatchObject({ code: 'transaction_failed' });
    await expect(memory.storeMany([{ key: 'bad key', value: 'v' }])).rejects.toMatchObject({
      code: 'invalid_identifier',
    });
    await memory.close();
    expect(io.renames(path)).toBe(1);
  });

  it('a transaction resolves once its writes are in the file, in one rewrite', async () => {
    const path = await dirs.file();
    const io = instrumentedFs();
    const memory = await fileMemory({ path, fs: io.fs });
    await memory.transaction(async (tx) => {
      await tx.store('a', '1');
      await tx.storeMany([{ key: 'b', value: '2' }]);
    });
    expect(await onDisk(path)).toEqual({ a: '1', b: '2' });
    expect(io.renames(path)).toBe(1);
    await memory.close();
  });

  it('restore resolves once the restored content is in the file', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    await memory.store('old', 'x');
    await memory.restore(JSON.stringify({ restored: 'yes' }));
    expect(await onDisk(path)).toEqual({ restored: 'yes' });
    await memory.close();
  });
});
