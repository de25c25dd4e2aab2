import * as nodeFs from 'node:fs/promises';
import { type FileHandle, mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileMemoryFs } from 'skreaver/memory/file';
import { afterAll } from 'vitest';

/**
 * A temporary directory per call, all removed after the file's tests.
 * Register in the test file's top level: `const dirs = tempDirs();`.
 */
export function tempDirs(prefix = 'skreaver-file-memory-') {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return {
    /** A fresh empty directory. */
    async make(): Promise<string> {
      // Real path: the memory reports and names files by their resolved path.
      const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
      made.push(dir);
      return dir;
    },
    /** A path for a memory file in a fresh directory. */
    async file(name = 'state.json'): Promise<string> {
      return join(await this.make(), name);
    },
  };
}

/** A Node system error as fs would throw it. */
export function systemError(code: string, syscall: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated failure, ${syscall}`), { code, syscall });
}

/** Where {@link instrumentedFs} can fail. */
export type FaultPoint = 'create-temp' | 'write' | 'fsync' | 'rename' | 'read' | 'create-lock';

/**
 * `node:fs/promises` with counters and fault injection, for the failures a
 * real disk does not give on demand (ENOSPC, EIO; and EACCES/EROFS, which
 * root ignores). `renames(path)` counts rewrites of a memory file.
 */
export function instrumentedFs() {
  const renamed: string[] = [];
  let fault: { point: FaultPoint; error: NodeJS.ErrnoException } | undefined;
  let gate: Promise<void> | undefined;

  const failing = (point: FaultPoint) => (fault?.point === point ? fault.error : undefined);

  function wrapHandle(handle: FileHandle): FileHandle {
    return new Proxy(handle, {
      get(target, property) {
        if (property === 'writeFile' && failing('write')) {
          return () => Promise.reject(failing('write'));
        }
        if (property === 'sync' && failing('fsync')) return () => Promise.reject(failing('fsync'));
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  }

  const fs: FileMemoryFs = {
    ...nodeFs,
    open: (async (path: string, flags?: string, mode?: number) => {
      const name = String(path);
      if (name.endsWith('.tmp') && !name.includes('.lock.') && failing('create-temp')) {
        throw failing('create-temp');
      }
      if (name.includes('.lock.') && failing('create-lock')) throw failing('create-lock');
      return wrapHandle(await nodeFs.open(path, flags, mode));
    }) as FileMemoryFs['open'],
    rename: async (from, to) => {
      const error = failing('rename');
      if (error) throw error;
      await gate;
      await nodeFs.rename(from, to);
      renamed.push(String(to));
    },
    readFile: (async (path: string, options?: unknown) => {
      if (!String(path).endsWith('.lock') && failing('read')) throw failing('read');
      return nodeFs.readFile(path, options as 'utf8');
    }) as FileMemoryFs['readFile'],
  };

  return {
    fs,
    /** How many times `path` was replaced (one per rewrite of the memory file). */
    renames: (path: string) => renamed.filter((to) => to === path).length,
    /** Makes every call at `point` fail with `code` until {@link heal}. */
    fail(point: FaultPoint, code: string) {
      fault = { point, error: systemError(code, point) };
    },
    heal() {
      fault = undefined;
    },
    /** Holds every rename until the returned function is called. */
    holdRenames(): () => void {
      let release = () => {};
      gate = new Promise((resolve) => {
        release = () => {
          gate = undefined;
          resolve();
        };
      });
      return release;
    },
  };
}
