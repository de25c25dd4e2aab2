import { randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { FileMemoryFs } from './_fs.js';
import { ioError } from './_io-error.js';

/** Replaces a file's content atomically and durably. */
export interface AtomicWriter {
  /**
   * Writes `text` to a new temporary file in the same directory, fsyncs it,
   * renames it over the target and fsyncs the directory. A reader (or a
   * crash) sees the old content or the new, never a mix. Rejects with
   * `memory_io`; the target is then unchanged unless only the final
   * directory fsync failed.
   */
  write(text: string): Promise<void>;
  /** Closes the directory handle kept between writes. */
  close(): Promise<void>;
}

/** The names of temporary files a writer for `path` creates (for clean-up after a crash). */
export function tempFilePattern(path: string): RegExp {
  return new RegExp(`^${escapeRegExp(basename(path))}\\.[0-9a-f]{16}\\.tmp$`);
}

/** An {@link AtomicWriter} for `path`, creating files with `mode`. */
export function atomicWriter(fs: FileMemoryFs, path: string, mode: number): AtomicWriter {
  const directory = dirname(path);
  const base = basename(path);
  // Opened once: a directory fsync per write is needed, an open per write is not.
  let directoryHandle: FileHandle | undefined;

  async function syncDirectory(): Promise<void> {
    // Windows cannot open a directory for fsync; NTFS journals the rename itself.
    if (process.platform === 'win32') return;
    directoryHandle ??= await fs.open(directory, 'r');
    await directoryHandle.sync();
  }

  return {
    async write(text: string): Promise<void> {
      const temp = join(directory, `${base}.${randomBytes(8).toString('hex')}.tmp`);
      let handle: FileHandle | undefined;
      let step = 'create a temporary file next to';
      let renamed = false;
      try {
        handle = await fs.open(temp, 'wx', mode);
        step = 'write';
        await handle.writeFile(text, 'utf8');
        step = 'flush (fsync)';
        await handle.sync();
        step = 'close the temporary file for';
        const closing = handle;
        handle = undefined;
        await closing.close();
        step = 'replace';
        await fs.rename(temp, path);
        renamed = true;
        step = 'sync the directory of';
        await syncDirectory();
      } catch (error) {
        await handle?.close().catch(() => undefined);
        if (!renamed) await fs.unlink(temp).catch(() => undefined);
        throw ioError(step, path, error);
      }
    },

    async close(): Promise<void> {
      const handle = directoryHandle;
      directoryHandle = undefined;
      await handle?.close();
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
