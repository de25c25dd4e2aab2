import { isSkreaverError, type SecurityError } from '../../errors/index.js';
import type { Result } from '../../result.js';
import type { FsPolicy } from '../policy/policy.js';
import {
  type PolicyInvalidData,
  type PolicyProblem,
  policyInvalidError,
} from '../policy/policy-errors.js';
import { pathDenied, shorten } from './_errors.js';
import type { PathDeniedData } from './denials.js';
import { compileGlob, type GlobMatcher } from './glob.js';
import { type NormalizePathOptions, normalizePath } from './normalize-path.js';

/** The refusal a path check returns. */
export type PathCheckError = SecurityError<PathDeniedData> | SecurityError<PolicyInvalidData>;

/** A policy's `fs` section compiled once: normalised roots and deny globs. */
export interface FsRules {
  /** The allowed roots, normalised (no trailing `/`, except the root `/` itself). */
  readonly roots: readonly string[];
  /** The static path check (see `checkPath`). */
  check(path: string, options?: NormalizePathOptions): Result<string, PathCheckError>;
  /** The root a normalised absolute path lies under (component-wise), or `undefined`. */
  rootOf(path: string): string | undefined;
  /**
   * The deny pattern a normalised absolute path matches, or `undefined`.
   * Patterns are matched case-insensitively against the absolute path; one
   * without `/` matches the file name at any depth; a relative one with `/`
   * (`build/**`) is also matched against the path relative to `root`.
   */
  deniedBy(path: string, root?: string): string | undefined;
}

/** Longest deny glob compiled; matches the policy validator's string cap. */
const DENY_PATTERN_MAX_LENGTH = 4096;

interface DenyRule {
  /** The pattern as written in the policy. */
  readonly pattern: string;
  readonly matcher: GlobMatcher;
  /** Also matched against the root-relative path. */
  readonly relative: boolean;
}

/** Whether normalised `path` is `root` or lies below it, comparing whole components. */
export function isUnderRoot(path: string, root: string): boolean {
  if (root === '/') return path.charCodeAt(0) === 47;
  return path === root || (path.startsWith(root) && path.charCodeAt(root.length) === 47);
}

function compileFsSection(fs: FsPolicy): Result<FsRules, SecurityError<PolicyInvalidData>> {
  const problems: PolicyProblem[] = [];
  const roots: string[] = [];
  (fs.allowPaths ?? []).forEach((root, index) => {
    const normalised =
      typeof root === 'string' && root.charCodeAt(0) === 47 ? normalizePath(root) : undefined;
    if (normalised?.ok) roots.push(normalised.value);
    else
      problems.push({
        path: `fs.allowPaths[${index}]`,
        message: 'a root must be a clean absolute path',
      });
  });
  const deny: DenyRule[] = [];
  (fs.denyPatterns ?? []).forEach((pattern, index) => {
    try {
      // Lower-cased here and in deniedBy, so the path is lower-cased once per check.
      const matcher = compileGlob(String(pattern).toLowerCase(), {
        matchBase: true,
        maxLength: DENY_PATTERN_MAX_LENGTH,
      });
      const relative =
        pattern.includes('/') && !pattern.startsWith('/') && !pattern.startsWith('**');
      deny.push({ pattern, matcher, relative });
    } catch (error) {
      const message = isSkreaverError(error) ? error.message : 'the glob does not compile';
      problems.push({ path: `fs.denyPatterns[${index}]`, message });
    }
  });
  if (problems.length > 0) return { ok: false, error: policyInvalidError(problems) };
  return { ok: true, value: makeRules(fs, roots, deny) };
}

function makeRules(fs: FsPolicy, roots: readonly string[], deny: readonly DenyRule[]): FsRules {
  const rootOf = (path: string): string | undefined =>
    roots.find((root) => isUnderRoot(path, root));
  const deniedBy = (path: string, root?: string): string | undefined => {
    if (deny.length === 0) return undefined;
    const lower = path.toLowerCase();
    for (const rule of deny) {
      if (rule.matcher.test(lower)) return rule.pattern;
      if (rule.relative && root !== undefined) {
        // Sliced before lower-casing: lower-casing may change the length.
        const relative = (root === '/' ? path.slice(1) : path.slice(root.length + 1)).toLowerCase();
        if (relative !== '' && rule.matcher.test(relative)) return rule.pattern;
      }
    }
    return undefined;
  };
  const check = (input: string, options?: NormalizePathOptions): Result<string, PathCheckError> => {
    if (fs.enabled !== true) {
      return {
        ok: false,
        error: pathDenied('File access is disabled by the security policy (fs.enabled is false).', {
          reason: 'fs_disabled',
        }),
      };
    }
    const normalised = normalizePath(input, options);
    if (!normalised.ok) return normalised;
    const path = normalised.value;
    const root = rootOf(path);
    if (root === undefined) {
      return {
        ok: false,
        error: pathDenied(
          `Path '${shorten(path)}' is outside every allowed root (fs.allowPaths).`,
          {
            reason: 'outside_roots',
            path: shorten(path),
          },
        ),
      };
    }
    const pattern = deniedBy(path, root);
    if (pattern !== undefined) {
      return {
        ok: false,
        error: pathDenied(
          `Path '${shorten(path)}' matches deny pattern '${pattern}' (fs.denyPatterns).`,
          {
            reason: 'denied_pattern',
            path: shorten(path),
            pattern,
          },
        ),
      };
    }
    return normalised;
  };
  return Object.freeze({ roots: Object.freeze(roots.slice()), check, rootOf, deniedBy });
}

// Memo keyed by the caller's (immutable) fs section; see check-url.ts.
const fsCache = new WeakMap<FsPolicy, Result<FsRules, SecurityError<PolicyInvalidData>>>();

/**
 * Compiles a policy's `fs` section once (roots normalised, deny globs
 * compiled), for callers that prefer an explicit step to the cache behind
 * `checkPath`.
 *
 * @throws `SecurityError` `policy_invalid` when a root is not a clean
 * absolute path or a deny glob does not compile.
 */
export function compileFsRules(fs: FsPolicy): FsRules {
  const compiled = compileFsSection(fs);
  if (!compiled.ok) throw compiled.error;
  return compiled.value;
}

/**
 * Checks a file path against the policy without touching the file system: `fs.enabled`
 * (`fs_disabled`), the text (`invalid_path`, `too_long`; see `normalizePath`),
 * lexical normalisation against `options.baseDir`, the allowed roots compared
 * component-wise (`outside_roots`: `/data2` is not under `/data`), then the
 * deny globs (`denied_pattern`).
 *
 * Symbolic links are not seen here; on Node use the resolver of
 * `skreaver/security/node`, which runs this check and then the same rules on
 * the real path. Rules are compiled on first use and cached per `fs` section.
 *
 * @returns the normalised absolute path, or a `path_denied` error with
 * `data.reason` (`policy_invalid` when the section does not compile).
 *
 * @example
 * ```ts
 * const checked = checkPath('notes/../../etc/passwd', policy.fs, { baseDir: '/srv/data' });
 * if (!checked.ok) console.log(checked.error.data?.reason); // 'outside_roots'
 * ```
 */
export function checkPath(
  path: string,
  fs: FsPolicy,
  options?: NormalizePathOptions,
): Result<string, PathCheckError> {
  let compiled = fsCache.get(fs);
  if (compiled === undefined) {
    compiled = compileFsSection(fs);
    fsCache.set(fs, compiled);
  }
  if (!compiled.ok) return compiled;
  return compiled.value.check(path, options);
}
