import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { PathDeniedData } from 'skreaver';
import { SecurityError } from 'skreaver';
import type { OpenFlags } from './path-resolver-options.js';

const { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND, O_EXCL } = constants;
// Windows has neither; there the flags are 0 and the resolver's checks are what protects.
const O_NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = constants.O_NONBLOCK ?? 0;

const FLAGS: Readonly<Record<Exclude<OpenFlags, number>, number>> = {
  r: O_RDONLY,
  'r+': O_RDWR,
  w: O_WRONLY | O_CREAT | O_TRUNC,
  wx: O_WRONLY | O_CREAT | O_TRUNC | O_EXCL,
  'w+': O_RDWR | O_CREAT | O_TRUNC,
  a: O_WRONLY | O_CREAT | O_APPEND,
  ax: O_WRONLY | O_CREAT | O_APPEND | O_EXCL,
  'a+': O_RDWR | O_CREAT | O_APPEND,
};

/** Numeric open flags with no-follow and non-blocking added. */
export function noFollowFlags(flags: OpenFlags): number {
  const base = typeof flags === 'number' ? flags : FLAGS[flags];
  if (base === undefined) throw new TypeError(`Unknown open flags '${String(flags)}'.`);
  // O_NONBLOCK keeps a FIFO from blocking the open; it changes nothing for regular files.
  return base | O_NOFOLLOW | O_NONBLOCK;
}

/** Whether an error is the kernel refusing to open a symlink under O_NOFOLLOW. */
export function isNoFollowRefusal(error: unknown): boolean {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  // Linux says ELOOP, FreeBSD EMLINK, NetBSD EFTYPE.
  return code === 'ELOOP' || code === 'EMLINK' || code === 'EFTYPE';
}

/**
 * Opens a file without following a symbolic link in its final component
 * (`O_NOFOLLOW`), and without blocking on a FIFO (`O_NONBLOCK`). Use it on a
 * path the resolver returned, so a link swapped in after the check cannot
 * redirect the open. Intermediate directories are not covered; the
 * resolver's `open` also verifies where the handle really points.
 *
 * @throws `SecurityError` `path_denied` (reason `symlink`) when the final
 * component is a symbolic link; other open failures reject with the native
 * error (`ENOENT`, `EACCES`...).
 *
 * @example
 * ```ts
 * const handle = await openNoFollow('/srv/data/report.txt', 'r');
 * try { console.log(await handle.readFile('utf8')); } finally { await handle.close(); }
 * ```
 */
export async function openNoFollow(
  path: string,
  flags: OpenFlags = 'r',
  mode?: number,
): Promise<FileHandle> {
  try {
    return await open(path, noFollowFlags(flags), mode);
  } catch (error) {
    if (isNoFollowRefusal(error)) {
      throw new SecurityError<PathDeniedData>(
        'path_denied',
        `Refused to open '${path.slice(0, 200)}': it is a symbolic link.`,
        { data: { reason: 'symlink', path: path.slice(0, 256) }, cause: error },
      );
    }
    throw error;
  }
}
