import { ValidationError } from '../../errors/families.js';
import { expandBraces, TooManyAlternatives } from './_glob-braces.js';
import { compileSegment, matchSegment, matchSegmentAt, type Segment } from './_glob-segment.js';

/** Options of {@link compileGlob}. */
export interface GlobOptions {
  /**
   * Compare case-insensitively (both sides lower-cased). Deny lists want
   * this: on case-insensitive file systems `.ENV` is `.env`.
   * @defaultValue false
   */
  readonly caseInsensitive?: boolean;
  /**
   * A pattern (alternative) without `/` matches the last segment of the
   * text at any depth, like `.gitignore`: `*.key` matches `/a/b/c.key`.
   * @defaultValue false
   */
  readonly matchBase?: boolean;
  /**
   * Longest pattern accepted, in UTF-16 code units.
   * @defaultValue 1024
   */
  readonly maxLength?: number;
  /**
   * Most alternatives `{a,b}` groups may expand to.
   * @defaultValue 64
   */
  readonly maxAlternatives?: number;
}

/** A compiled glob. */
export interface GlobMatcher {
  /** The pattern as given. */
  readonly source: string;
  /** Whether `text` matches. Never throws; linear-ish time, no backtracking blow-up. */
  test(text: string): boolean;
}

/** Why a glob did not compile; `data` of the `invalid_input` error. */
export interface GlobErrorData {
  /** What was wrong. */
  readonly reason: 'not_string' | 'too_long' | 'too_many_alternatives';
  /** The pattern (cut to 256 characters). */
  readonly pattern: string;
  /** The limit passed, for `too_long` and `too_many_alternatives`. */
  readonly limit?: number;
}

const GLOBSTAR = Symbol('globstar');
type Part = Segment | typeof GLOBSTAR;

/**
 * How an alternative is matched. `tail`: a leading `**` then fixed parts,
 * so only the last segments matter; `contains`: `**` + one literal segment +
 * `**`, a substring test; `base`: the last segment only (`matchBase`);
 * `general`: segment-level matching.
 */
type Alternative =
  | { readonly shape: 'base' | 'tail'; readonly parts: readonly Segment[] }
  | {
      readonly shape: 'contains';
      readonly name: string;
      readonly inner: string;
      readonly head: string;
      readonly tail: string;
    }
  | { readonly shape: 'general'; readonly parts: readonly Part[] };

function compileAlternative(text: string, matchBase: boolean): Alternative {
  const body = stripSlashes(text);
  const parts: Part[] = [];
  for (const piece of body.split('/')) {
    if (piece === '**') {
      if (parts[parts.length - 1] !== GLOBSTAR) parts.push(GLOBSTAR);
    } else {
      parts.push(compileSegment(piece));
    }
  }
  if (matchBase && !text.includes('/') && parts[0] !== GLOBSTAR)
    return { shape: 'base', parts: parts as Segment[] };
  const rest = parts.slice(1);
  if (parts[0] === GLOBSTAR && rest.length > 0 && !rest.includes(GLOBSTAR)) {
    return { shape: 'tail', parts: rest as Segment[] };
  }
  const middle = parts[1];
  if (
    parts.length === 3 &&
    parts[0] === GLOBSTAR &&
    parts[2] === GLOBSTAR &&
    typeof middle === 'string'
  ) {
    return {
      shape: 'contains',
      name: middle,
      inner: `/${middle}/`,
      head: `${middle}/`,
      tail: `/${middle}`,
    };
  }
  return { shape: 'general', parts };
}

function stripSlashes(text: string): string {
  let start = 0;
  while (text.charCodeAt(start) === 47) start++;
  return start === 0 ? text : text.slice(start);
}

/** Whether the last `parts.length` segments of `body` match `parts` one to one. */
function matchTail(parts: readonly Segment[], body: string): boolean {
  let end = body.length;
  for (let k = parts.length - 1; k >= 0; k--) {
    if (end < 0) return false;
    const slash = end === 0 ? -1 : body.lastIndexOf('/', end - 1);
    if (!matchSegmentAt(parts[k] as Segment, body, slash + 1, end)) return false;
    end = slash;
  }
  return true;
}

/** Segment-level matching: `**` is the star, each other part one segment. */
function matchParts(parts: readonly Part[], segments: readonly string[]): boolean {
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  while (s < segments.length) {
    if (p < parts.length) {
      const part = parts[p] as Part;
      if (part === GLOBSTAR) {
        starP = p;
        starS = s;
        p++;
        continue;
      }
      if (matchSegment(part, segments[s] as string)) {
        p++;
        s++;
        continue;
      }
    }
    if (starP < 0) return false;
    p = starP + 1;
    starS++;
    s = starS;
  }
  while (p < parts.length && parts[p] === GLOBSTAR) p++;
  return p === parts.length;
}

function invalid(
  reason: GlobErrorData['reason'],
  pattern: string,
  limit?: number,
): ValidationError<GlobErrorData> {
  const shown = pattern.length > 256 ? `${pattern.slice(0, 253)}...` : pattern;
  const messages = {
    not_string: 'A glob pattern must be a string.',
    too_long: `Glob '${shown.slice(0, 60)}' is longer than ${limit} characters.`,
    too_many_alternatives: `Glob '${shown.slice(0, 60)}' expands to more than ${limit} alternatives; split it.`,
  };
  return new ValidationError<GlobErrorData>('invalid_input', messages[reason], {
    data: limit === undefined ? { reason, pattern: shown } : { reason, pattern: shown, limit },
  });
}

/**
 * Compiles a glob over `/`-separated text (paths, or names with no `/` at
 * all such as tool names). Syntax: `**` as a whole segment matches zero or
 * more segments (so `a/**` matches `a` too); `*` any run of characters in a
 * segment, dotfiles included; `?` one character; `[abc]`, `[a-z]`, `[!a]` /
 * `[^a]` one character of (not of) a set; `{a,b}` alternatives (nesting
 * allowed); `\` escapes the next character. A leading `/` is ignored on both
 * the pattern and the text: patterns are anchored at the start of the text.
 *
 * Matching walks segments and characters with single-star backtracking, so
 * its cost is bounded by text length times pattern length for every input.
 *
 * @throws `ValidationError` `invalid_input` (`data.reason` `not_string`,
 * `too_long` or `too_many_alternatives`).
 *
 * @example
 * ```ts
 * const deny = compileGlob('*.{key,pem}', { caseInsensitive: true, matchBase: true });
 * deny.test('/srv/app/tls/Server.KEY'); // true
 * compileGlob('shell_*').test('shell_exec'); // true
 * ```
 */
export function compileGlob(pattern: string, options: GlobOptions = {}): GlobMatcher {
  if (typeof pattern !== 'string') throw invalid('not_string', String(pattern));
  const maxLength = options.maxLength ?? 1024;
  const maxAlternatives = options.maxAlternatives ?? 64;
  if (pattern.length > maxLength) throw invalid('too_long', pattern, maxLength);
  const caseInsensitive = options.caseInsensitive === true;
  const source = caseInsensitive ? pattern.toLowerCase() : pattern;
  let texts: string[];
  try {
    texts = expandBraces(source, maxAlternatives);
  } catch (error) {
    if (error instanceof TooManyAlternatives) {
      throw invalid('too_many_alternatives', pattern, maxAlternatives);
    }
    throw error;
  }
  const alternatives = texts.map((text) => compileAlternative(text, options.matchBase === true));
  return Object.freeze({
    source: pattern,
    test(text: string): boolean {
      if (typeof text !== 'string') return false;
      const body = stripSlashes(caseInsensitive ? text.toLowerCase() : text);
      let segments: string[] | undefined;
      for (const alternative of alternatives) {
        switch (alternative.shape) {
          case 'tail':
            if (matchTail(alternative.parts, body)) return true;
            break;
          case 'base':
            if (alternative.parts.length === 1 && matchTail(alternative.parts, body)) return true;
            break;
          case 'contains':
            if (
              body === alternative.name ||
              body.startsWith(alternative.head) ||
              body.endsWith(alternative.tail) ||
              body.includes(alternative.inner)
            ) {
              return true;
            }
            break;
          default:
            segments ??= body.split('/');
            if (matchParts(alternative.parts, segments)) return true;
        }
      }
      return false;
    },
  });
}
