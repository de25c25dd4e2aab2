import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isSkreaverError } from 'skreaver';
import { FILE_MEMORY_FORMAT, fileMemory } from 'skreaver/memory/file';
import { describe, expect, it } from 'vitest';
import { tempDirs } from './_helpers.js';

const dirs = tempDirs();

async function refusedOpen(path: string, code: string, options = {}) {
  const error = await fileMemory({ path, ...options }).then(
    () => expect.fail(`expected the open to reject with ${code}`),
    (reason: unknown) => reason,
  );
  if (!isSkreaverError(error)) throw error;
  expect(error.code).toBe(code);
  return error as typeof error & { data: { path?: string } };
}

describe('fileMemory file format', () => {
  it('writes a skreaver.memory.file version 1 document, keys sorted', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path, now: () => 1_000 });
    await memory.store('b', 'B');
    await memory.store('a', 'line\n"quoted" 😀');
    await memory.store('t', 'expiring', { ttlMs: 500 });
    await memory.close();
    const text = await readFile(path, 'utf8');
    expect(text).toBe(
      `{"format":"${FILE_MEMORY_FORMAT}","version":1,"entries":{"a":"line\\n\\"quoted\\" 😀","b":"B","t":"expiring"},"expiresAt":{"t":1500}}`,
    );
    expect(FILE_MEMORY_FORMAT).toBe('skreaver.memory.file');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('keeps everything across a reopen: values, deletes, transactions and expiry times', async () => {
    const path = await dirs.file();
    let time = 10_000;
    const now = () => time;
    const memory = await fileMemory({ path, now });
    await memory.storeMany([
      { key: 'a', value: '1' },
      { key: 'b', value: '2' },
      { key: 'gone', value: 'x' },
    ]);
    await memory.delete('gone');
    await memory.transaction(async (tx) => {
      await tx.store('c', String(Number(await tx.load('a')) + 2));
    });
    await memory.store('short', 'v', { ttlMs: 1_000 });
    const snapshot = await memory.snapshot();
    await memory.close();

    const reopened = await fileMemory({ path, now });
    expect(await reopened.snapshot()).toBe(snapshot);
    await reopened.close();
    time += 1_000;
    const later = await fileMemory({ path, now });
    expect(await later.keys()).toEqual(['a', 'b', 'c']);
    await later.close();
  });

  it('starts empty when the file does not exist, and creates it only on the first write', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    expect(await memory.keys()).toEqual([]);
    await memory.close();
    expect(await readdir(dirname(path))).toEqual([]);
  });

  it("reads the Rust original's flat file, and rewrites it in this format on the first write", async () => {
    const path = await dirs.file();
    const rust = JSON.stringify({ 'user:1': 'Ada', 'note.2': '{"x":1}' }, null, 2);
    await writeFile(path, rust);
    const memory = await fileMemory({ path });
    expect(await memory.loadMany(['user:1', 'note.2'])).toEqual(['Ada', '{"x":1}']);
    expect(await readFile(path, 'utf8')).toBe(rust);
    await memory.store('new', 'v');
    await memory.close();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({
      format: FILE_MEMORY_FORMAT,
      version: 1,
      entries: { 'note.2': '{"x":1}', new: 'v', 'user:1': 'Ada' },
      expiresAt: {},
    });
  });

  it('reads a memory file edited by hand (indented, fields reordered) and a snapshot document', async () => {
    const path = await dirs.file();
    const edited = { version: 1, entries: { k: 'v' }, format: FILE_MEMORY_FORMAT };
    await writeFile(path, JSON.stringify(edited, null, 2));
    const memory = await fileMemory({ path });
    expect(await memory.load('k')).toBe('v');
    const snapshot = await memory.snapshot();
    await memory.close();
    const other = await dirs.file();
    await writeFile(other, snapshot);
    const copy = await fileMemory({ path: other });
    expect(await copy.load('k')).toBe('v');
    await copy.close();
  });

  const damaged: [string, string | Uint8Array][] = [
    ['garbage', 'this is not json'],
    ['an empty file', ''],
    ['a truncated file', `{"format":"${FILE_MEMORY_FORMAT}","version":1,"entries":{"a":"1","b`],
    ['a JSON array', '["a","b"]'],
    ['a number value', `{"format":"${FILE_MEMORY_FORMAT}","version":1,"entries":{"a":1}}`],
    ['an invalid key', '{"bad key":"v"}'],
    ['a newer version', `{"format":"${FILE_MEMORY_FORMAT}","version":2,"entries":{"a":"1"}}`],
    [
      'bytes that are not UTF-8',
      new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]),
    ],
  ];
  for (const [what, content] of damaged) {
    it(`refuses ${what} with snapshot_invalid naming the file, and leaves it untouched`, async () => {
      const path = await dirs.file();
      await writeFile(path, content);
      const error = await refusedOpen(path, 'snapshot_invalid');
      expect(error.message).toContain(path);
      expect(error.data.path).toBe(path);
      expect(new Uint8Array(await readFile(path))).toEqual(
        typeof content === 'string' ? new TextEncoder().encode(content) : content,
      );
      // The failed open released its lock.
      expect(await readdir(dirname(path))).toEqual(['state.json']);
    });
  }

  it('names the unsupported version in the error', async () => {
    const path = await dirs.file();
    await writeFile(path, `{"format":"${FILE_MEMORY_FORMAT}","version":2,"entries":{}}`);
    expect((await refusedOpen(path, 'snapshot_invalid')).message).toContain('version');
  });

  it('refuses a file larger than maxFileBytes with memory_limit_exceeded, untouched', async () => {
    const path = await dirs.file();
    const big = JSON.stringify({ k: 'x'.repeat(4_000) });
    await writeFile(path, big);
    const error = await refusedOpen(path, 'memory_limit_exceeded', { maxFileBytes: 2_048 });
    expect(error.message).toContain(path);
    expect(await readFile(path, 'utf8')).toBe(big);
  });

  it('refuses a flat file that would grow past maxFileBytes in this format', async () => {
    const path = await dirs.file();
    const flat = `{"k":"${'x'.repeat(2_048 - 8)}"}`;
    expect(flat.length).toBe(2_048);
    await writeFile(path, flat);
    const error = await refusedOpen(path, 'memory_limit_exceeded', { maxFileBytes: 2_048 });
    expect(error.message).toContain(path);
    expect(error.message).toContain('maxFileBytes');
  });

  it('refuses a directory as the path, and a missing directory, with memory_io', async () => {
    const dir = await dirs.make();
    const asDirectory = await refusedOpen(dir, 'memory_io');
    expect(asDirectory.message).toContain(dir);
    const missing = `${dir}/no/such/dir/state.json`;
    const error = await refusedOpen(missing, 'memory_io');
    expect(error.message).toContain('ENOENT');
    expect(error.message).toContain(missing);
  });
});
