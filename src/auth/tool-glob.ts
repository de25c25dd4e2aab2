import { ValidationError } from '../errors/families.js';

/** Tests a tool name against one compiled pattern. */
export type ToolNameMatcher = (toolName: string) => boolean;

const PATTERN_CHARS = /^[A-Za-z0-9_\-*?]+$/;

/** The longest pattern accepted; longer ones cannot match a 64-byte tool name usefully. */
const MAX_PATTERN_LENGTH = 256;

/**
 * Why `pattern` is not a valid tool glob, or undefined when it is. Patterns
 * use the tool-name characters (ASCII letters, digits, `_`, `-`) plus `*` and
 * `?`; `**` is refused because it suggests path semantics tool names do not
 * have.
 */
export function toolGlobProblem(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string') return 'must be a string';
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_PATTERN_LENGTH)
    return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  if (!PATTERN_CHARS.test(pattern)) {
    return 'may hold only letters, digits, `_`, `-`, `*` and `?` (tool-name characters and wildcards)';
  }
  if (pattern.includes('**')) return 'must not contain `**` (use a single `*`)';
  return undefined;
}

/**
 * Compiles a tool glob (see {@link toolGlobProblem}) into a matcher. Plain
 * names, `*`, `prefix*` and `*suffix` get plain string comparisons; other
 * shapes a wildcard matcher that needs at most pattern x name steps.
 *
 * @throws `ValidationError` `invalid_input` when the pattern is invalid
 *   (`data.reason` says why).
 * @example
 * ```ts
 * const isShell = compileToolGlob('shell_*');
 * isShell('shell_exec'); // true
 * ```
 */
export function compileToolGlob(pattern: string): ToolNameMatcher {
  const problem = toolGlobProblem(pattern);
  if (problem !== undefined) {
    throw new ValidationError('invalid_input', `Invalid tool glob: it ${problem}.`, {
      data: { pattern, reason: problem },
    });
  }
  if (pattern === '*') return () => true;
  const star = pattern.indexOf('*');
  const hasQuestion = pattern.includes('?');
  if (star < 0 && !hasQuestion) return (name) => name === pattern;
  if (!hasQuestion && star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1);
    return (name) => name.startsWith(prefix);
  }
  if (!hasQuestion && star === 0 && pattern.indexOf('*', 1) < 0) {
    const suffix = pattern.slice(1);
    return (name) => name.endsWith(suffix);
  }
  return (name) => wildcardMatch(pattern, name);
}

/**
 * Greedy wildcard matching with one backtrack point (the last `*`): at most
 * O(pattern x name) steps, with no regular expression that a pattern with
 * many stars could make backtrack exponentially.
 */
function wildcardMatch(pattern: string, name: string): boolean {
  let p = 0;
  let n = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (n < name.length) {
    const c = pattern.charCodeAt(p);
    if (p < pattern.length && (c === 63 /* ? */ || c === name.charCodeAt(n))) {
      p++;
      n++;
    } else if (p < pattern.length && c === 42 /* * */) {
      starAt = p++;
      resumeAt = n;
    } else if (starAt >= 0) {
      p = starAt + 1;
      n = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === 42) p++;
  return p === pattern.length;
}
