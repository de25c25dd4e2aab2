import type { FileHandle } from 'node:fs/promises';
import type { WalkFs } from './_walk.js';

/** The file-system calls the resolver makes; `node:fs/promises` fits, a wrapper can inject faults. */
export interface PathResolverFs extends WalkFs {
  /** Opens a file, as `fs.promises.open` does. */
  open(path: string, flags: number, mode?: number): Promise<FileHandle>;
}

/** Options of `createPathResolver`. */
export interface PathResolverOptions {
  /**
   * Absolute directory that relative inputs resolve against. Without it,
   * relative inputs fail with `invalid_path` (problem `relative`); the
   * process's working directory is never used implicitly.
   * @defaultValue undefined
   */
  readonly baseDir?: string;
  /**
   * Longest path accepted (input, or base joined with it).
   * @defaultValue 4096
   */
  readonly maxPathLength?: number;
  /**
   * Most symbolic links followed while resolving one path (with
   * `followSymlinks`, or through the roots); more fail with `symlink_loop`.
   * @defaultValue 40 (Linux's own limit)
   */
  readonly maxSymlinks?: number;
  /**
   * Refuse regular files with more than one hard link (`hard_link`). A hard
   * link inside a root to a file outside it cannot be told apart from an
   * ordinary file otherwise; turn this on when untrusted parties can create
   * files under the roots.
   * @defaultValue false
   */
  readonly refuseHardLinks?: boolean;
  /**
   * Allow FIFOs, sockets and device files. Off, they fail with
   * `special_file`: reading a FIFO blocks forever, and devices are not files
   * a tool should touch.
   * @defaultValue false
   */
  readonly allowSpecialFiles?: boolean;
  /**
   * File-system calls to use.
   * @defaultValue `node:fs/promises`
   */
  readonly fs?: PathResolverFs;
}

/** Flags `open` accepts: the usual strings, or `fs.constants.O_*` bits. */
export type OpenFlags = 'r' | 'r+' | 'w' | 'wx' | 'w+' | 'a' | 'ax' | 'a+' | number;
