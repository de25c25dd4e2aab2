import { dirname, join } from 'node:path';
import { type InMemoryMemory, isSkreaverError, MemoryError } from 'skreaver';
import { tempFilePattern } from './_atomic-write.js';
import { toSnapshotText } from './_file-format.js';
import { errnoCode, type FileMemoryFs } from './_fs.js';
import { ioError } from './_io-error.js';

/**
 * Loads the memory file into `state` (an empty in-memory memory). A missing
 * file leaves it empty; a file that cannot be read or parsed rejects, naming
 * the file, and never reads as empty: the data in it must not be replaced.
 *
 * @returns Whether the file existed.
 */
export async function readMemoryFile(
  fs: FileMemoryFs,
  path: string,
  maxFileBytes: number,
  state: InMemoryMemory,
): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    const stats = await fs.stat(path);
    if (stats.isFile() && stats.size > maxFileBytes) {
      throw new MemoryError(
        'memory_limit_exceeded',
        `The memory file ${path} is ${stats.size} bytes; this memory reads at most ${maxFileBytes} (option maxFileBytes). Raise the limit to open it; it was left untouched.`,
        { data: { path, bytes: stats.size, maxBytes: maxFileBytes } },
      );
    }
    bytes = await fs.readFile(path);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw ioError('read', path, error);
  }
  let text: string;
  try {
    // fatal: a damaged byte must fail the open, not turn into U+FFFD silently.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw unreadable(path, 'it is not valid UTF-8 text', error, undefined);
  }
  try {
    await state.restore(toSnapshotText(text));
  } catch (error) {
    if (isSkreaverError(error, 'snapshot_invalid')) {
      const data = error.data as { problems?: unknown; problemCount?: unknown } | undefined;
      throw unreadable(path, firstProblem(error.message), error, data);
    }
    if (isSkreaverError(error, 'memory_limit_exceeded')) {
      throw new MemoryError(
        'memory_limit_exceeded',
        `The memory file ${path} holds more than this memory accepts (option maxFileBytes); raise the limit to open it. It was left untouched.`,
        { data: { path }, cause: error },
      );
    }
    throw error;
  }
  return true;
}

/**
 * Deletes temporary files a crashed writer left next to `path`. Only the
 * lock holder writes them, so with the lock held every one found is garbage.
 */
export async function removeLeftovers(fs: FileMemoryFs, path: string): Promise<void> {
  const pattern = tempFilePattern(path);
  let names: string[];
  try {
    names = await fs.readdir(dirname(path));
  } catch {
    return; // Clean-up is best effort; the next open tries again.
  }
  for (const name of names) {
    if (pattern.test(name)) await fs.unlink(join(dirname(path), name)).catch(() => undefined);
  }
}

function firstProblem(message: string): string {
  const at = message.indexOf(' The first, at ');
  return at === -1 ? message : `the first problem is at ${message.slice(at + 15)}`;
}

function unreadable(
  path: string,
  why: string,
  cause: unknown,
  data: { problems?: unknown; problemCount?: unknown } | undefined,
): MemoryError {
  return new MemoryError(
    'snapshot_invalid',
    `The memory file ${path} is damaged or not a skreaver memory file (${why}). It was left untouched and the memory was not opened; repair it, restore a backup, or move it away to start empty.`,
    { data: { ...data, path }, cause },
  );
}
