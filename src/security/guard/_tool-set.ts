/**
 * `*` (any run, empty included) and `?` (one character) against `text`:
 * the two-pointer wildcard walk, no regex and no exponential backtracking.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c !== undefined && c !== '*' && (c === '?' || c === text[t])) {
      p++;
      t++;
    } else if (c === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** A set of tool names and globs, matched exactly first. */
export interface ToolSet {
  readonly patterns: readonly string[];
  has(name: string): boolean;
}

/** Compiles names and globs (`*`, `?`) once for repeated matching. */
export function toolSet(patterns: readonly string[]): ToolSet {
  const exact = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    if (pattern.includes('*') || pattern.includes('?')) globs.push(pattern);
    else exact.add(pattern);
  }
  return {
    patterns: Object.freeze([...patterns]),
    has(name) {
      if (exact.has(name)) return true;
      for (const glob of globs) if (wildcardMatch(glob, name)) return true;
      return false;
    },
  };
}
