import type { Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as nodeFs from 'node:fs/promises';
import {
  compileFsRules,
  type FsPolicy,
  type FsRules,
  isUnderRoot,
  type PathCheckError,
  type PathDeniedData,
  type PathDeniedReason,
  type Result,
  SecurityError,
  ValidationError,
} from 'skreaver';
import { type WalkFailure, walkRealPath } from './_walk.js';
import { isNoFollowRefusal, noFollowFlags } from './open-no-follow.js';
import type { OpenFlags, PathResolverFs, PathResolverOptions } from './path-resolver-options.js';

/** A path that passed every check. */
export interface ResolvedPath {
  /** The input normalised lexically (what the static check saw). */
  readonly path: string;
  /** The real path: every existing component's links resolved. Open this one. */
  readonly realPath: string;
  /** The allowed root (as written in the policy, normalised) the path lies under. */
  readonly root: string;
  /** Whether the file or directory exists now. */
  readonly exists: boolean;
  /** `lstat` of the final component, when it exists. */
  readonly stats?: Stats;
}

/** A file opened through the resolver. Close `handle` when done. */
export interface OpenedPath {
  /** The open file. */
  readonly handle: FileHandle;
  /** The checked path it was opened at. */
  readonly path: ResolvedPath;
}

/** Resolves and opens paths under an `fs` policy, with real-path checks. */
export interface PathResolver {
  /** The compiled rules of the policy section. */
  readonly rules: FsRules;
  /**
   * Checks a path: the static checks (`checkPath`), then real-path
   * resolution component by component, then the roots and deny globs again
   * on the real path. Never throws.
   */
  resolve(path: string): Promise<Result<ResolvedPath, PathCheckError>>;
  /**
   * Resolves, then opens the real path with `O_NOFOLLOW | O_NONBLOCK` and
   * verifies what was opened (on Linux through `/proc/self/fd`, elsewhere by
   * comparing device and inode), closing and refusing on any mismatch. Open
   * failures that are not policy matters (`ENOENT`, `EACCES`...) reject with
   * the native error.
   */
  open(path: string, flags?: OpenFlags, mode?: number): Promise<Result<OpenedPath, PathCheckError>>;
}

const DEFAULTS = { maxSymlinks: 40 } as const;

function deny(
  reason: PathDeniedReason,
  message: string,
  data: Omit<PathDeniedData, 'reason'>,
  cause?: unknown,
): { ok: false; error: SecurityError<PathDeniedData> } {
  const full = { reason, ...data };
  return {
    ok: false,
    error: new SecurityError<PathDeniedData>(
      'path_denied',
      message,
      cause === undefined ? { data: full } : { data: full, cause },
    ),
  };
}

function walkDenied(failure: WalkFailure, path: string, maxSymlinks: number) {
  const at = failure.at.slice(0, 256);
  switch (failure.reason) {
    case 'symlink':
      return deny(
        'symlink',
        `Path '${path}' goes through the symbolic link '${at}', and fs.followSymlinks is false.`,
        {
          path,
          realPath: at,
        },
      );
    case 'symlink_loop':
      return deny(
        'symlink_loop',
        `Path '${path}' follows more than ${maxSymlinks} symbolic links (a loop?).`,
        {
          path,
          realPath: at,
          limit: maxSymlinks,
        },
      );
    default:
      return deny(
        'io_error',
        `Path '${path}' could not be resolved at '${at}'.`,
        { path, realPath: at },
        failure.cause,
      );
  }
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError(
      'invalid_options',
      `${name} must be a positive integer, got ${String(value)}.`,
      {
        data: { option: name, value },
      },
    );
  }
  return value;
}

/** Lexical roots and their ancestors, whose own symlinks are the operator's choice. */
function trustedPrefixes(roots: readonly string[]): ReadonlySet<string> {
  const trusted = new Set<string>();
  for (const root of roots) {
    let prefix = '';
    for (const name of root.split('/')) {
      if (name === '') continue;
      prefix = `${prefix}/${name}`;
      trusted.add(prefix);
    }
  }
  return trusted;
}

/**
 * Creates a resolver for one `fs` policy section. The roots' real paths are
 * resolved once, on first use, and kept.
 *
 * @throws `SecurityError` `policy_invalid` when the section does not compile;
 * `ValidationError` `invalid_options` for bad options.
 *
 * @example
 * ```ts
 * const paths = createPathResolver(policy.fs, { baseDir: '/srv/data' });
 * const opened = await paths.open('reports/q3.txt', 'r');
 * if (!opened.ok) throw opened.error; // path_denied, with data.reason
 * try { console.log(await opened.value.handle.readFile('utf8')); } finally { await opened.value.handle.close(); }
 * ```
 */
export function createPathResolver(fs: FsPolicy, options: PathResolverOptions = {}): PathResolver {
  const rules = compileFsRules(fs);
  const maxSymlinks = positiveInteger('maxSymlinks', options.maxSymlinks, DEFAULTS.maxSymlinks);
  const maxPathLength = positiveInteger('maxPathLength', options.maxPathLength, 4096);
  const io: PathResolverFs = options.fs ?? nodeFs;
  const follow = fs.followSymlinks === true;
  const trusted = trustedPrefixes(rules.roots);
  const checkOptions =
    options.baseDir === undefined ? { maxPathLength } : { maxPathLength, baseDir: options.baseDir };
  let realRoots: Promise<readonly (string | undefined)[]> | undefined;

  const resolveRoots = () => {
    realRoots ??= Promise.all(
      rules.roots.map(async (root) => {
        const walked = await walkRealPath(root, { follow: true, trusted, maxSymlinks, fs: io });
        // A root that cannot be resolved allows nothing rather than something unknown.
        return walked.ok ? walked.realPath : undefined;
      }),
    );
    return realRoots;
  };

  async function resolve(input: string): Promise<Result<ResolvedPath, PathCheckError>> {
    const checked = rules.check(input, checkOptions);
    if (!checked.ok) return checked;
    const path = checked.value;
    const root = rules.rootOf(path) as string;
    const raw = input.startsWith('/') ? input : `${options.baseDir}/${input}`;
    const walked = await walkRealPath(raw, { follow, trusted, maxSymlinks, fs: io });
    if (!walked.ok) return walkDenied(walked, path, maxSymlinks);
    const realPath = walked.realPath;
    const roots = await resolveRoots();
    const realRoot = roots.find(
      (candidate) => candidate !== undefined && isUnderRoot(realPath, candidate),
    );
    if (realRoot === undefined) {
      return deny(
        'outside_roots',
        `Path '${path}' really is '${realPath.slice(0, 256)}', outside every allowed root.`,
        {
          path,
          realPath: realPath.slice(0, 256),
        },
      );
    }
    const pattern = rules.deniedBy(realPath, realRoot);
    if (pattern !== undefined) {
      return deny(
        'denied_pattern',
        `Path '${path}' really is '${realPath.slice(0, 256)}', which matches deny pattern '${pattern}'.`,
        {
          path,
          realPath: realPath.slice(0, 256),
          pattern,
        },
      );
    }
    const stats = walked.stats;
    if (stats !== undefined) {
      const refused = fileKindRefusal(stats, path, realPath);
      if (refused !== undefined) return refused;
    }
    const value: ResolvedPath =
      stats === undefined
        ? { path, realPath, root, exists: walked.exists }
        : { path, realPath, root, exists: walked.exists, stats };
    return { ok: true, value };
  }

  function fileKindRefusal(stats: Stats, path: string, realPath: string) {
    if (
      !options.allowSpecialFiles &&
      !stats.isFile() &&
      !stats.isDirectory() &&
      !stats.isSymbolicLink()
    ) {
      return deny(
        'special_file',
        `Path '${path}' is a FIFO, socket or device, which file tools may not use.`,
        {
          path,
          realPath: realPath.slice(0, 256),
        },
      );
    }
    if (options.refuseHardLinks && stats.isFile() && stats.nlink > 1) {
      return deny(
        'hard_link',
        `Path '${path}' has ${stats.nlink} hard links, and this resolver refuses hard-linked files.`,
        {
          path,
          realPath: realPath.slice(0, 256),
        },
      );
    }
    return undefined;
  }

  async function verifyOpened(handle: FileHandle, resolved: ResolvedPath) {
    let actual: string | undefined;
    try {
      actual = await io.readlink(`/proc/self/fd/${handle.fd}`);
    } catch {
      actual = undefined;
    }
    if (actual?.startsWith('/')) {
      if (actual === resolved.realPath) return undefined;
      // Something moved between the check and the open: judge where the handle really is.
      const roots = await resolveRoots();
      const root = roots.find(
        (candidate) => candidate !== undefined && isUnderRoot(actual as string, candidate),
      );
      if (root === undefined || rules.deniedBy(actual, root) !== undefined) {
        return deny(
          'outside_roots',
          `Path '${resolved.path}' changed while being opened; it now points outside the allowed roots.`,
          {
            path: resolved.path,
            realPath: actual.slice(0, 256),
          },
        );
      }
      return undefined;
    }
    // No /proc: the opened file must be the one at the real path now.
    const [opened, current] = await Promise.all([handle.stat(), io.lstat(resolved.realPath)]);
    if (opened.dev !== current.dev || opened.ino !== current.ino) {
      return deny('symlink', `Path '${resolved.path}' changed while being opened.`, {
        path: resolved.path,
        realPath: resolved.realPath,
      });
    }
    return undefined;
  }

  async function openPath(
    input: string,
    flags: OpenFlags = 'r',
    mode?: number,
  ): Promise<Result<OpenedPath, PathCheckError>> {
    const resolved = await resolve(input);
    if (!resolved.ok) return resolved;
    let handle: FileHandle;
    try {
      handle = await io.open(resolved.value.realPath, noFollowFlags(flags), mode);
    } catch (error) {
      if (isNoFollowRefusal(error)) {
        return deny(
          'symlink',
          `Path '${resolved.value.path}' became a symbolic link while being opened.`,
          {
            path: resolved.value.path,
            realPath: resolved.value.realPath,
          },
          error,
        );
      }
      throw error;
    }
    try {
      const refused =
        (await verifyOpened(handle, resolved.value)) ??
        fileKindRefusal(await handle.stat(), resolved.value.path, resolved.value.realPath);
      if (refused !== undefined) {
        await handle.close();
        return refused;
      }
    } catch (error) {
      await handle.close();
      throw error;
    }
    return { ok: true, value: { handle, path: resolved.value } };
  }

  return Object.freeze({ rules, resolve, open: openPath });
}
