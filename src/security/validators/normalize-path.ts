import type { SecurityError } from '../../errors/families.js';
import type { Result } from '../../result.js';
import { pathDenied, shorten } from './_errors.js';
import type { InvalidPathProblem, PathDeniedData } from './denials.js';

/** Longest path text accepted by default, in UTF-16 code units (Linux's PATH_MAX). */
export const DEFAULT_MAX_PATH_LENGTH = 4096;

/** Options of {@link normalizePath} and `checkPath`. */
export interface NormalizePathOptions {
  /**
   * Absolute POSIX directory that relative paths are resolved against. The
   * core never uses the process's working directory; without a base,
   * relative paths fail with `invalid_path` (problem `relative`).
   * @defaultValue undefined (relative paths refused)
   */
  readonly baseDir?: string;
  /**
   * Longest path accepted (the input, and the base joined with it); longer
   * ones fail with `too_long` before any other work.
   * @defaultValue 4096 ({@link DEFAULT_MAX_PATH_LENGTH})
   */
  readonly maxPathLength?: number;
}

/*
 * Characters refused anywhere in a path: C0/C1 controls and DEL (NUL
 * included), backslash (a separator on Windows and in many tools), invisible
 * and bidirectional formatting characters (which make a name read as
 * something else), look-alikes of `/` and `.` (which Unicode normalisation
 * or a human reader may turn into real ones), and UTF-16 halves without
 * their pair (not encodable as UTF-8 file names).
 */
const BAD_CHAR =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  /[\0-\x1f\x7f-\x9f\\\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u2024\u2044\u2215\u2216\u2571\u29f5\u29f8\u29f9\ufe52\ufe68\uff0e\uff0f\uff3c]|\ufe0f|[\ufe00-\ufe0e]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/*
 * Percent-escapes that decode to `.`, `/`, `\`, `%` or NUL, and the starts of
 * overlong UTF-8 encodings of them (`%c0%ae`, `%e0%80%ae`, ...). A tool or
 * server that decodes once more would see a separator or `..` here.
 */
const ENCODED = /%(?:2e|2f|5c|25|00|c0|c1|e0%[89][0-9a-f]|f0%8[0-9a-f])/i;

function problemOf(char: string): InvalidPathProblem {
  const code = char.charCodeAt(0);
  if (code === 0) return 'nul';
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'control';
  if (code === 0x5c) return 'backslash';
  if (code >= 0xd800 && code <= 0xdfff) return 'lone_surrogate';
  if (
    code === 0x2024 ||
    code === 0x2044 ||
    code === 0x2215 ||
    code === 0x2216 ||
    code === 0x2571 ||
    code === 0x29f5 ||
    code === 0x29f8 ||
    code === 0x29f9 ||
    code === 0xfe52 ||
    code === 0xfe68 ||
    code === 0xff0e ||
    code === 0xff0f ||
    code === 0xff3c
  ) {
    return 'confusable';
  }
  return 'invisible';
}

const MESSAGES: Record<InvalidPathProblem, string> = {
  not_string: 'a path must be a string',
  empty: 'the path is empty',
  nul: 'it contains a NUL character',
  control: 'it contains a control character',
  lone_surrogate: 'it contains a lone UTF-16 surrogate (not valid Unicode)',
  backslash: 'it contains a backslash; use / as the separator',
  invisible: 'it contains an invisible or bidirectional formatting character',
  confusable: 'it contains a character that looks like / or .',
  encoded: 'it contains a percent-encoded separator, dot, percent or NUL',
  relative: 'it is relative and no absolute base directory was given',
};

function invalidPath(
  problem: InvalidPathProblem,
  input: string,
  char?: string,
): { ok: false; error: SecurityError<PathDeniedData> } {
  const path = shorten(input);
  const data: PathDeniedData =
    char === undefined
      ? { reason: 'invalid_path', problem, path }
      : {
          reason: 'invalid_path',
          problem,
          path,
          char: `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`,
        };
  return { ok: false, error: pathDenied(`Path refused: ${MESSAGES[problem]}.`, data) };
}

/** Checks the characters of a path or base text; undefined when clean. */
function textProblem(
  text: string,
): { ok: false; error: SecurityError<PathDeniedData> } | undefined {
  if (text === '') return invalidPath('empty', text);
  const bad = BAD_CHAR.exec(text);
  if (bad !== null) return invalidPath(problemOf(bad[0]), text, bad[0]);
  if (text.includes('%') && ENCODED.test(text)) return invalidPath('encoded', text);
  return undefined;
}

/**
 * Normalises a POSIX path lexically: resolves a relative path against
 * `baseDir`, drops empty and `.` segments, and applies `..` (which stops at
 * the root, as in POSIX). Refuses, with `invalid_path` and a `data.problem`:
 * non-strings, empty text, NUL and other control characters, backslashes,
 * lone surrogates, invisible/bidi characters, look-alikes of `/` and `.`,
 * and percent-encoded dots, separators, `%` or NUL (`%2e%2e%2f`); and with
 * `too_long`, text past `maxPathLength`.
 *
 * Lexical `..` handling is only right when no symbolic link is involved; the
 * Node helper in `skreaver/security/node` resolves real paths.
 *
 * @returns the normalised absolute path (`/a/b`, or `/`).
 */
export function normalizePath(
  input: string,
  options: NormalizePathOptions = {},
): Result<string, SecurityError<PathDeniedData>> {
  if (typeof input !== 'string') return invalidPath('not_string', String(input));
  const limit = options.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH;
  const base = options.baseDir;
  const absolute = input.charCodeAt(0) === 47;
  const total = absolute || base === undefined ? input.length : base.length + 1 + input.length;
  if (total > limit) {
    return {
      ok: false,
      error: pathDenied(`Path refused: it is longer than ${limit} characters.`, {
        reason: 'too_long',
        path: shorten(input),
        limit,
      }),
    };
  }
  const problem = textProblem(input);
  if (problem !== undefined) return problem;
  // Already normal: absolute, no empty, `.` or `..` segment, no trailing slash.
  if (absolute && !input.includes('//') && !input.includes('/.') && !input.endsWith('/')) {
    return { ok: true, value: input };
  }
  let full = input;
  if (!absolute) {
    if (typeof base !== 'string' || base.charCodeAt(0) !== 47 || textProblem(base) !== undefined) {
      return invalidPath('relative', input);
    }
    full = `${base}/${input}`;
  }
  const out: string[] = [];
  for (const segment of full.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment);
  }
  return { ok: true, value: `/${out.join('/')}` };
}
