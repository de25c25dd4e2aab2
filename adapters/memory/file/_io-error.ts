import { isSkreaverError, MemoryError, type SkreaverError } from 'skreaver';
import { errnoCode } from './_fs.js';

/** The `data` of a `memory_io` error from a file memory. */
export interface FileMemoryIoErrorData {
  /** The file the operation was about (the memory file, its lock file or a temporary file). */
  readonly path: string;
  /** What was being done, in words ("write", "replace", "read the lock file of", ...). */
  readonly operation: string;
  /** The system error code (`ENOSPC`, `EACCES`, `EROFS`, ...), when there is one. */
  readonly errno?: string;
}

// The failures a user can act on get a sentence that says what to do.
const REASONS: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device (ENOSPC); free some space and retry',
  EDQUOT: 'the disk quota is exhausted (EDQUOT); free some space and retry',
  EACCES: 'permission denied (EACCES); check the permissions of the file and its directory',
  EPERM: 'operation not permitted (EPERM); check the permissions of the file and its directory',
  EROFS: 'the file system is read-only (EROFS); put the file on a writable file system',
  EIO: 'the device reported an I/O error (EIO); check the disk',
  ENOENT: 'no such file or directory (ENOENT); check that the directory exists',
  ENOTDIR: 'a part of the path is not a directory (ENOTDIR)',
  EISDIR: 'the path is a directory (EISDIR); give the path of a file',
  EMFILE: 'this process has too many open files (EMFILE)',
  ENFILE: 'the system has too many open files (ENFILE)',
};

/**
 * Turns a failed file system call into a `memory_io` MemoryError naming the
 * file and the system error, with the original on `cause`. Errors that are
 * already skreaver errors pass through unchanged.
 */
export function ioError(operation: string, path: string, cause: unknown): SkreaverError {
  if (isSkreaverError(cause)) return cause;
  const errno = errnoCode(cause);
  const reason =
    (errno === undefined ? undefined : REASONS[errno]) ??
    (cause instanceof Error ? cause.message : String(cause));
  return new MemoryError<FileMemoryIoErrorData>(
    'memory_io',
    `Could not ${operation} ${path}: ${reason}.`,
    { data: errno === undefined ? { path, operation } : { path, operation, errno }, cause },
  );
}
