import type { Stats } from 'node:fs';

/** The file-system calls the walk makes; `node:fs/promises` fits. */
export interface WalkFs {
  lstat(path: string): Promise<Stats>;
  readlink(path: string): Promise<string>;
}

/** How a walk ended when it could not finish. */
export type WalkFailure =
  | { readonly ok: false; readonly reason: 'symlink'; readonly at: string }
  | { readonly ok: false; readonly reason: 'symlink_loop'; readonly at: string }
  | {
      readonly ok: false;
      readonly reason: 'io_error';
      readonly at: string;
      readonly cause: unknown;
    };

/** The real path of a walk, as far as the file system goes. */
export interface WalkSuccess {
  readonly ok: true;
  /** Absolute, every existing component's symlinks resolved; the rest lexical. */
  readonly realPath: string;
  /** Whether the whole path exists. */
  readonly exists: boolean;
  /** `lstat` of the final component, when it exists. */
  readonly stats?: Stats;
}

export interface WalkOptions {
  /** Follow symlinks anywhere (true), or only in trusted components. */
  readonly follow: boolean;
  /**
   * Lexical paths (`/srv`, `/srv/data`) whose symlinks are trusted even when
   * not following: the allowed roots and their ancestors, which the operator
   * chose (on macOS `/tmp` itself is a link).
   */
  readonly trusted: ReadonlySet<string>;
  readonly maxSymlinks: number;
  readonly fs: WalkFs;
}

interface Step {
  readonly name: string;
  readonly trusted: boolean;
  /** Part of the input (not of a link's target). */
  readonly raw: boolean;
}

const MISSING = new Set(['ENOENT', 'ENOTDIR']);

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}

function push(stack: Step[], text: string, trusted: boolean, raw: boolean): void {
  const names = text.split('/');
  for (let i = names.length - 1; i >= 0; i--)
    stack.push({ name: names[i] as string, trusted, raw });
}

/**
 * Resolves an absolute path one component at a time, as the kernel would:
 * `..` goes to the parent of the real directory reached so far (not of the
 * text), each existing component is `lstat`ed, and symlinks are expanded in
 * place (or refused). Components past the first missing one are appended
 * lexically, so paths of files still to be created resolve too.
 */
export async function walkRealPath(
  path: string,
  options: WalkOptions,
): Promise<WalkSuccess | WalkFailure> {
  const stack: Step[] = [];
  push(stack, path, true, true);
  const real: string[] = [];
  let lexical = '';
  let rawTrusted = true;
  let exists = true;
  let links = 0;
  let stats: Stats | undefined;
  while (stack.length > 0) {
    const step = stack.pop() as Step;
    const name = step.name;
    if (name === '' || name === '.') continue;
    let trusted = step.trusted;
    if (step.raw) {
      if (name === '..') rawTrusted = false;
      else if (rawTrusted) {
        lexical = `${lexical}/${name}`;
        rawTrusted = options.trusted.has(lexical);
      }
      trusted = rawTrusted;
    }
    if (name === '..') {
      real.pop();
      stats = undefined;
      continue;
    }
    const candidate = `/${real.length > 0 ? `${real.join('/')}/` : ''}${name}`;
    if (!exists) {
      real.push(name);
      continue;
    }
    try {
      stats = await options.fs.lstat(candidate);
    } catch (error) {
      if (!MISSING.has(codeOf(error) as string))
        return { ok: false, reason: 'io_error', at: candidate, cause: error };
      exists = false;
      stats = undefined;
      real.push(name);
      continue;
    }
    if (stats.isSymbolicLink()) {
      if (!options.follow && !trusted) return { ok: false, reason: 'symlink', at: candidate };
      links++;
      if (links > options.maxSymlinks) return { ok: false, reason: 'symlink_loop', at: candidate };
      let target: string;
      try {
        target = await options.fs.readlink(candidate);
      } catch (error) {
        return { ok: false, reason: 'io_error', at: candidate, cause: error };
      }
      if (target.startsWith('/')) real.length = 0;
      stats = undefined;
      push(stack, target, trusted, false);
      continue;
    }
    real.push(name);
  }
  const realPath = `/${real.join('/')}`;
  if (!exists) return { ok: true, realPath, exists };
  // A path ending in `..` or `/` has no lstat of its own final component.
  if (stats === undefined) {
    try {
      stats = await options.fs.lstat(realPath);
    } catch (error) {
      return { ok: false, reason: 'io_error', at: realPath, cause: error };
    }
  }
  return { ok: true, realPath, exists, stats };
}
