import { execFileSync } from 'node:child_process';
import * as nodeFs from 'node:fs/promises';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { isSkreaverError } from 'skreaver';
import { type FileMemoryFs, fileMemory } from 'skreaver/memory/file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, startChild } from './_child-process.js';
import { systemError, tempDirs } from './_helpers.js';

const dirs = tempDirs();
let child: Awaited<ReturnType<typeof bundleChild>>;

beforeAll(async () => {
  child = await bundleChild();
});
afterAll(async () => {
  await child?.remove();
});

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => expect.fail('expected the open to be refused'),
    (reason: unknown) => reason,
  );
  if (!isSkreaverError(error, 'memory_unavailable')) throw error;
  return error as typeof error & {
    data: { path: string; lockPath: string; pid?: number; hostname?: string };
  };
}

/** A pid that belonged to a process that has now ended. */
function deadPid(): number {
  return Number(
    execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']),
  );
}

describe('fileMemory lock', () => {
  it('refuses a second memory on the same file in this process, naming the holder', async () => {
    const path = await dirs.file();
    const first = await fileMemory({ path });
    try {
      const error = await refusal(fileMemory({ path }));
      expect(error.data).toMatchObject({ path, lockPath: `${path}.lock`, pid: process.pid });
      expect(error.message).toContain(path);
      expect(error.message).toContain('another memory in this process');
      expect(error.message).toContain('waitForLock');
    } finally {
      await first.close();
    }
    const again = await fileMemory({ path });
    await again.close();
  });

  it('with waitForLock, opens once the holder closes, and sees its writes', async () => {
    const path = await dirs.file();
    const first = await fileMemory({ path });
    await first.store('k', 'from the first');
    let opened = false;
    const second = fileMemory({ path, waitForLock: true, lockTimeoutMs: 10_000, lockRetryMs: 5 });
    void second.then(() => {
      opened = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(opened).toBe(false);
    await first.close();
    const memory = await second;
    expect(await memory.load('k')).toBe('from the first');
    await memory.close();
  });

  it('with waitForLock, gives up after lockTimeoutMs with memory_unavailable', async () => {
    const path = await dirs.file();
    const first = await fileMemory({ path });
    try {
      const error = await refusal(
        fileMemory({ path, waitForLock: true, lockTimeoutMs: 50, lockRetryMs: 10 }),
      );
      expect(error.message).toContain('within 50 ms');
    } finally {
      await first.close();
    }
  });

  it('refuses a memory in another process, and takes the lock over once it is killed', async () => {
    const path = await dirs.file();
    const holder = startChild(child.script, ['hold', path]);
    await holder.line((line) => line === 'ready');
    const error = await refusal(fileMemory({ path }));
    expect(error.data.pid).toBe(holder.pid);
    expect(error.data.hostname).toBe(hostname());
    expect(error.message).toContain(`process ${holder.pid}`);
    holder.process.kill('SIGKILL');
    await holder.exited;
    // The lock file is still there, but its process has ended: stale.
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8')).pid).toBe(holder.pid);
    const memory = await fileMemory({ path });
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    await memory.close();
  });

  it('is refused in another process while this one holds the file', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    await memory.store('owner', 'parent');
    const other = startChild(child.script, ['try', path]);
    await other.exited;
    expect(JSON.parse(other.lines[0] ?? '')).toMatchObject({
      opened: false,
      code: 'memory_unavailable',
      data: { path, pid: process.pid },
    });
    await memory.close();
    const after = startChild(child.script, ['try', path]);
    await after.exited;
    expect(JSON.parse(after.lines[0] ?? '')).toEqual({ opened: true, value: 'parent' });
  });

  it('releases every handle on close: a child that opens, writes and closes exits by itself', async () => {
    const path = await dirs.file();
    const writer = startChild(child.script, ['write-close', path]);
    expect(await writer.exited).toEqual({ code: 0, signal: null });
    // No lock file and no temporary file is left behind.
    expect(await readdir(dirname(path))).toEqual(['state.json']);
    const memory = await fileMemory({ path });
    expect(await memory.load('child')).toBe('wrote and closed');
    await memory.close();
  });

  it('takes over a lock left by a process that has ended on this host', async () => {
    const path = await dirs.file();
    const pid = deadPid();
    const stale = { pid, hostname: hostname(), acquiredAt: 1, token: 'old' };
    await writeFile(`${path}.lock`, JSON.stringify(stale));
    const memory = await fileMemory({ path });
    const lock = JSON.parse(await readFile(`${path}.lock`, 'utf8'));
    expect(lock.pid).toBe(process.pid);
    expect(lock.token).not.toBe('old');
    await memory.close();
  });

  // Telling two processes with the same pid apart needs their start time from /proc (Linux).
  it.runIf(process.platform === 'linux')(
    'takes over a lock with this pid written by an earlier process (a restarted container)',
    async () => {
      const path = await dirs.file();
      const stale = {
        pid: process.pid,
        hostname: hostname(),
        acquiredAt: 1,
        token: 'old',
        startTime: '1',
      };
      await writeFile(`${path}.lock`, JSON.stringify(stale));
      const memory = await fileMemory({ path });
      expect(JSON.parse(await readFile(`${path}.lock`, 'utf8')).token).not.toBe('old');
      await memory.close();
    },
  );

  it('never takes over a lock from another host', async () => {
    const path = await dirs.file();
    const foreign = { pid: deadPid(), hostname: 'elsewhere', acquiredAt: 0, token: 'theirs' };
    await writeFile(`${path}.lock`, JSON.stringify(foreign));
    const error = await refusal(fileMemory({ path }));
    expect(error.data).toMatchObject({ pid: foreign.pid, hostname: 'elsewhere' });
    expect(error.message).toContain('on host elsewhere');
    expect(error.message).toContain(`delete ${path}.lock`);
  });

  it('refuses a lock file it cannot read, saying how to clear it', async () => {
    const path = await dirs.file();
    await writeFile(`${path}.lock`, 'not a lock');
    const error = await refusal(fileMemory({ path }));
    expect(error.data).toEqual({ path, lockPath: `${path}.lock` });
    expect(error.message).toContain(`delete ${path}.lock`);
  });

  it('does not delete a lock that another memory took over', async () => {
    const path = await dirs.file();
    const memory = await fileMemory({ path });
    const theirs = JSON.stringify({ pid: 1, hostname: 'elsewhere', acquiredAt: 0, token: 't' });
    await writeFile(`${path}.lock`, theirs);
    expect((await memory.health()).error?.code).toBe('memory_unavailable');
    await memory.close();
    expect(await readFile(`${path}.lock`, 'utf8')).toBe(theirs);
  });

  it('works on file systems without hard links, with an exclusive create', async () => {
    const path = await dirs.file();
    const fs: FileMemoryFs = {
      ...nodeFs,
      link: async () => {
        throw systemError('EPERM', 'link');
      },
    };
    const memory = await fileMemory({ path, fs });
    expect(JSON.parse(await readFile(`${path}.lock`, 'utf8')).pid).toBe(process.pid);
    const error = await refusal(fileMemory({ path, fs }));
    expect(error.data.pid).toBe(process.pid);
    await memory.store('k', 'v');
    await memory.close();
    expect(await readdir(dirname(path))).toEqual(['state.json']);
  });

  it('puts back a lock another opener took over first while it was removing a stale one', async () => {
    const path = await dirs.file();
    const lockPath = `${path}.lock`;
    await writeFile(
      lockPath,
      JSON.stringify({ pid: deadPid(), hostname: hostname(), acquiredAt: 1, token: 'stale' }),
    );
    const winner = JSON.stringify({ pid: 4242, hostname: 'winner', acquiredAt: 2, token: 'fresh' });
    const fs: FileMemoryFs = {
      ...nodeFs,
      // Between reading the stale lock and moving it aside, another opener replaces it.
      rename: async (from, to) => {
        if (from === lockPath) await writeFile(lockPath, winner);
        return nodeFs.rename(from, to);
      },
    };
    const error = await refusal(fileMemory({ path, fs }));
    expect(error.data).toMatchObject({ pid: 4242, hostname: 'winner' });
    expect(await readFile(lockPath, 'utf8')).toBe(winner);
    expect(await readdir(dirname(path))).toEqual(['state.json.lock']);
  });
});
