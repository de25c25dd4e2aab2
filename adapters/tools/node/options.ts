import type { HostResolver } from 'skreaver/security/node';
import type { HttpToolOptions, StandardToolOptions } from 'skreaver/tools';

/**
 * Options of the file tools. The rules come from the policy's `fs` section
 * (with the tool's override in `policy.tools` merged in); the limits here
 * can only lower the policy's.
 */
export interface FileToolOptions extends StandardToolOptions {
  /**
   * Absolute directory that relative paths resolve against. The process's
   * working directory is never used.
   * @defaultValue the first root in the policy's `fs.allowPaths` (none when
   *   the list is empty: then relative paths are refused)
   */
  readonly baseDir?: string;
  /**
   * Largest file `file_read` reads and `file_write` writes, in bytes.
   * @defaultValue the policy's `fs.maxFileSize` (16 MiB)
   */
  readonly maxFileSize?: number;
  /**
   * Most entries (files and directories together) `directory_list` returns;
   * a longer listing is cut short and marked `truncated: true`.
   * @defaultValue the policy's `fs.maxFilesPerOperation` (100)
   */
  readonly maxFilesPerOperation?: number;
  /**
   * Refuse files with more than one hard link (`path_denied`, reason
   * `hard_link`): a hard link under a root to a file outside it looks like
   * any other file. Turn on when untrusted parties can create files under
   * the roots.
   * @defaultValue false
   */
  readonly refuseHardLinks?: boolean;
}

/**
 * Options of the DNS-pinned HTTP tools: those of the `fetch` ones (from
 * `skreaver/tools`) without `fetch`, plus the resolver.
 */
export interface NodeHttpToolOptions extends Omit<HttpToolOptions, 'fetch'> {
  /**
   * Resolves host names to addresses; every address must pass the policy,
   * and the connection goes only to those addresses. Tests inject one to
   * simulate DNS answers (rebinding included).
   * @defaultValue `dns.promises.lookup` with `all: true` (the system resolver)
   */
  readonly resolver?: HostResolver;
}
