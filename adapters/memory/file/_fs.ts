import * as nodeFsPromises from 'node:fs/promises';

/**
 * The file system functions a file memory uses: a subset of
 * `node:fs/promises`. Pass a wrapper as `options.fs` to observe the I/O or
 * to inject failures a real disk rarely gives on demand (ENOSPC, EIO).
 */
export type FileMemoryFs = Pick<
  typeof nodeFsPromises,
  'open' | 'readFile' | 'rename' | 'unlink' | 'link' | 'stat' | 'readdir' | 'realpath'
>;

/** The real file system. */
export const nodeFs: FileMemoryFs = nodeFsPromises;

/** The `code` of a Node system error (`ENOENT`, `EEXIST`, ...), if it has one. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
