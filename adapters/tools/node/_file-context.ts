import {
  compileFsRules,
  type FsPolicy,
  isSkreaverError,
  type PathCheckError,
  policyForTool,
  type Result,
  SecurityError,
  type SecurityPolicy,
  ValidationError,
} from 'skreaver';
import { createPathResolver, type PathResolver } from 'skreaver/security/node';
import {
  type SizeLimitData,
  STANDARD_TOOL_LIMITS,
  securityDenial,
  toolFailure,
} from 'skreaver/tools';
import type { FileToolOptions } from './options.js';

/** Longest piece of a caller's path quoted in messages and error data. */
const SHOWN = 256;

/** What every file tool works with, prepared once per tool. */
export interface FileContext {
  readonly tool: string;
  /** The tool's effective `fs` section. */
  readonly fs: FsPolicy;
  readonly resolver: PathResolver;
  readonly maxFileSize: number;
  readonly maxFilesPerOperation: number;
  readonly maxInputBytes: number;
  /** Throws `tool_denied` when `policy.tools[tool].enabled` is false. */
  checkEnabled(): void;
}

/** A caller's path as quoted in messages. */
export function shown(path: string): string {
  return path.length > SHOWN ? `${path.slice(0, SHOWN - 3)}...` : path;
}

function positiveInteger(factory: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(
      'invalid_options',
      `${factory}: option '${name}' must be a positive integer, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

/**
 * Reads the options and the policy once: the tool's effective `fs` section,
 * its resolver (real paths, no-follow opens), and the limits (an option can
 * only lower the policy's).
 *
 * @throws `ValidationError` `invalid_options`; `SecurityError` `policy_invalid`.
 */
export function fileContext(
  tool: string,
  factory: string,
  policy: SecurityPolicy,
  options: FileToolOptions,
): FileContext {
  const effective = policyForTool(policy, tool);
  const fs = effective.fs;
  const baseDir = options.baseDir ?? compileFsRules(fs).roots[0];
  if (baseDir !== undefined && (typeof baseDir !== 'string' || !baseDir.startsWith('/'))) {
    throw new ValidationError(
      'invalid_options',
      `${factory}: option 'baseDir' must be an absolute path, got ${String(baseDir)}.`,
      { data: { option: 'baseDir', value: baseDir } },
    );
  }
  const resolver = createPathResolver(fs, {
    ...(baseDir === undefined ? {} : { baseDir }),
    refuseHardLinks: options.refuseHardLinks === true,
  });
  const maxFileSize = Math.min(
    positiveInteger(factory, 'maxFileSize', options.maxFileSize, fs.maxFileSize),
    fs.maxFileSize,
  );
  const maxFilesPerOperation = Math.min(
    positiveInteger(
      factory,
      'maxFilesPerOperation',
      options.maxFilesPerOperation,
      fs.maxFilesPerOperation,
    ),
    fs.maxFilesPerOperation,
  );
  const maxInputBytes = positiveInteger(
    factory,
    'maxInputBytes',
    options.maxInputBytes,
    STANDARD_TOOL_LIMITS.maxInputBytes,
  );
  const disabled =
    effective.enabled === false
      ? new SecurityError(
          'permission_denied',
          `Tool '${tool}' is disabled by the security policy (tools.${tool}.enabled is false).`,
          { data: { reason: 'tool_disabled' } },
        )
      : undefined;
  return {
    tool,
    fs,
    resolver,
    maxFileSize,
    maxFilesPerOperation,
    maxInputBytes,
    checkEnabled() {
      if (disabled !== undefined) throw securityDenial(tool, disabled);
    },
  };
}

/** The value of a path check, or the `tool_denied` error for its refusal. */
export function allowed<T>(tool: string, result: Result<T, PathCheckError>): T {
  if (!result.ok) throw securityDenial(tool, result.error);
  return result.value;
}

/** `size_limit_exceeded` for a file over the limit. */
export function fileTooLarge(
  path: string,
  limit: number,
  received: number,
): SecurityError<SizeLimitData> {
  return new SecurityError<SizeLimitData>(
    'size_limit_exceeded',
    `File '${shown(path)}' is larger than ${limit} bytes (fs.maxFileSize).`,
    { data: { what: 'file', limit, received, path: shown(path) } },
  );
}

const IO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EEXIST: 'it already exists',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTEMPTY: 'directory not empty',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'file name too long',
  EBUSY: 'resource busy',
  EXDEV: 'cross-device rename',
};

/** The native error code (`ENOENT`...) of `error`, when it has one. */
export function codeOf(error: unknown): string | undefined {
  const code =
    typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/** A native error in words, with its code: `no such file or directory (ENOENT)`. */
export function ioText(error: unknown): string {
  const code = codeOf(error);
  if (code !== undefined) return `${IO_TEXT[code] ?? 'input/output error'} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** An error with a native code, for conditions the tools detect themselves. */
export function nativeError(code: string): Error {
  return Object.assign(new Error(IO_TEXT[code] ?? code), { code });
}

/**
 * The tool's error for whatever an operation threw: skreaver errors pass
 * (a `SecurityError` becomes `tool_denied`), a native one becomes
 * `tool_failed` with the original's wording (`Failed to read file 'x': no
 * such file or directory (ENOENT)`), without the real path the native
 * message would show.
 */
export function ioFailure(tool: string, doing: string, path: string, error: unknown): Error {
  if (error instanceof SecurityError) return securityDenial(tool, error);
  if (isSkreaverError(error)) return error;
  const code = codeOf(error);
  return toolFailure(
    tool,
    `Failed to ${doing} '${shown(path)}': ${ioText(error)}`,
    code === undefined
      ? { reason: 'io', path: shown(path) }
      : { reason: 'io', path: shown(path), code },
    error,
  );
}

/** The parent of a normalised absolute path (`/` for a top-level one). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

/** `child` under the normalised absolute `dir`. */
export function childOf(dir: string, child: string): string {
  return dir === '/' ? `/${child}` : `${dir}/${child}`;
}
