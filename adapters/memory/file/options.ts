import type { FileMemoryFs } from './_fs.js';

/** Options of {@link fileMemory}. */
export interface FileMemoryOptions {
  /**
   * The memory file (JSON). Relative paths resolve against the working
   * directory, symbolic links to the file they point to. Its directory must
   * exist. The lock file is `<path>.lock`, and temporary files
   * `<name>.<random>.tmp` appear next to it while writing.
   */
  readonly path: string;
  /**
   * When another memory (in this or another process) holds the file's lock,
   * wait for it up to `lockTimeoutMs` instead of failing at once with
   * `memory_unavailable`.
   * @defaultValue false
   */
  readonly waitForLock?: boolean;
  /**
   * How long `waitForLock` waits, in milliseconds.
   * @defaultValue 10000
   */
  readonly lockTimeoutMs?: number;
  /**
   * How often a waiting open checks the lock again, in milliseconds.
   * @defaultValue 50
   */
  readonly lockRetryMs?: number;
  /**
   * How long to wait after a change before writing the file, in
   * milliseconds, so that the changes of that window share one rewrite.
   * With 0, a write starts as soon as the previous one ends (changes made
   * meanwhile still share the next write). Each write operation resolves
   * only when its change is on disk either way.
   * @defaultValue 0
   */
  readonly flushIntervalMs?: number;
  /**
   * Largest value accepted, in UTF-8 bytes; a larger one rejects with
   * `memory_limit_exceeded` before anything changes.
   * @defaultValue Infinity (no limit)
   */
  readonly maxValueBytes?: number;
  /**
   * Largest memory file, in bytes. It is read whole at open and rewritten
   * whole on every write, so it is a file for kilobytes to megabytes (use
   * SQLite beyond that). A larger file on open rejects with
   * `memory_limit_exceeded`; so do the writes that would make it larger
   * (see the guide: the memory keeps them, like after a failed write).
   * `snapshot()` and `restore()` follow the same limit.
   * @defaultValue 67108864 (64 MiB)
   */
  readonly maxFileBytes?: number;
  /**
   * Permission bits for the memory file and its lock file (before the
   * umask). Agent state often holds secrets, hence owner-only.
   * @defaultValue 0o600
   */
  readonly fileMode?: number;
  /**
   * The clock TTLs are measured with, in epoch milliseconds.
   * @defaultValue Date.now
   */
  readonly now?: () => number;
  /**
   * The file system functions to use. Pass a wrapper around
   * `node:fs/promises` to observe the I/O or inject failures in tests.
   * @defaultValue node:fs/promises
   */
  readonly fs?: FileMemoryFs;
}
