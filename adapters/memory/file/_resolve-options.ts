import { resolve } from 'node:path';
import { ValidationError } from 'skreaver';
import { type FileMemoryFs, nodeFs } from './_fs.js';
import type { FileMemoryOptions } from './options.js';

/** {@link FileMemoryOptions} with defaults applied and values checked. */
export interface ResolvedOptions {
  readonly path: string;
  readonly waitForLock: boolean;
  readonly lockTimeoutMs: number;
  readonly lockRetryMs: number;
  readonly flushIntervalMs: number;
  readonly maxValueBytes: number;
  readonly maxFileBytes: number;
  readonly fileMode: number;
  readonly now: () => number;
  readonly fs: FileMemoryFs;
}

const FS_METHODS = [
  'open',
  'readFile',
  'rename',
  'unlink',
  'link',
  'stat',
  'readdir',
  'realpath',
] as const;

/** Applies defaults and checks every option. @throws ValidationError `invalid_options` */
export function resolveOptions(options: FileMemoryOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', options, 'an object such as { path: "./state.json" }');
  }
  const { path } = options;
  if (typeof path !== 'string' || path.trim() === '' || path.includes('\0')) {
    throw invalid('path', path, 'a non-empty file path');
  }
  const absolute = resolve(path);
  const fs = options.fs ?? nodeFs;
  if (
    typeof fs !== 'object' ||
    fs === null ||
    FS_METHODS.some((m) => typeof fs[m] !== 'function')
  ) {
    throw invalid('fs', fs, `an object with ${FS_METHODS.join(', ')} (like node:fs/promises)`);
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function')
    throw invalid('now', now, 'a function returning epoch milliseconds');
  const waitForLock = options.waitForLock ?? false;
  if (typeof waitForLock !== 'boolean') throw invalid('waitForLock', waitForLock, 'a boolean');
  const fileMode = options.fileMode ?? 0o600;
  if (!Number.isInteger(fileMode) || fileMode < 0 || fileMode > 0o7777) {
    throw invalid('fileMode', fileMode, 'permission bits such as 0o600');
  }
  return {
    path: absolute,
    waitForLock,
    lockTimeoutMs: number('lockTimeoutMs', options.lockTimeoutMs, 10_000, 0),
    lockRetryMs: number('lockRetryMs', options.lockRetryMs, 50, 1),
    flushIntervalMs: number('flushIntervalMs', options.flushIntervalMs, 0, 0),
    maxValueBytes: number('maxValueBytes', options.maxValueBytes, Infinity, 1, true),
    maxFileBytes: number('maxFileBytes', options.maxFileBytes, 64 * 1024 * 1024, 1024),
    fileMode,
    now,
    fs,
  };
}

function number(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
  infinite = false,
): number {
  if (value === undefined) return fallback;
  const finiteOk = Number.isFinite(value) || (infinite && value === Infinity);
  if (typeof value !== 'number' || !finiteOk || value < min) {
    const what = `a number of at least ${min}${infinite ? ' (Infinity for no limit)' : ''}`;
    throw invalid(name, value, what);
  }
  return value;
}

function invalid(option: string, value: unknown, expected: string): ValidationError {
  return new ValidationError(
    'invalid_options',
    `fileMemory: ${option} must be ${expected}, got ${typeof value === 'string' ? JSON.stringify(value) : String(value)}.`,
    { data: { option, value } },
  );
}
