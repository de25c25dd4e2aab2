/**
 * One path segment of a glob, compiled, and its matcher. Every token but `*`
 * consumes exactly one character, so the classic "back up to the last star"
 * algorithm is exact and runs in O(text x pattern) time: no backtracking
 * blow-up whatever the pattern.
 */

const LITERAL = 0;
const ANY = 1;
const STAR = 2;
const CLASS = 3;

type Token =
  | { readonly type: typeof LITERAL; readonly code: number }
  | { readonly type: typeof ANY }
  | { readonly type: typeof STAR }
  | { readonly type: typeof CLASS; readonly negated: boolean; readonly ranges: readonly number[] };

/**
 * A compiled segment: a plain string when it has no wildcard, a prefix or
 * suffix test for the common `lit*` / `*lit` shapes, else tokens.
 */
export type Segment =
  | string
  | { readonly kind: 'prefix' | 'suffix'; readonly text: string }
  | readonly Token[];

const ANY_TOKEN: Token = { type: ANY };
const STAR_TOKEN: Token = { type: STAR };

/** Parses `[...]` starting at `start` (the `[`); undefined when unclosed. */
function parseClass(text: string, start: number): { token: Token; end: number } | undefined {
  let i = start + 1;
  let negated = false;
  const first = text.charCodeAt(i);
  if (first === 33 /* ! */ || first === 94 /* ^ */) {
    negated = true;
    i++;
  }
  const ranges: number[] = [];
  let firstMember = true;
  while (i < text.length) {
    let code = text.codePointAt(i) as number;
    if (code === 93 /* ] */ && !firstMember) {
      return { token: { type: CLASS, negated, ranges }, end: i + 1 };
    }
    firstMember = false;
    if (code === 92 /* \ */ && i + 1 < text.length) {
      i++;
      code = text.codePointAt(i) as number;
    }
    i += code > 0xffff ? 2 : 1;
    let high = code;
    if (text.charCodeAt(i) === 45 /* - */ && i + 1 < text.length && text.charCodeAt(i + 1) !== 93) {
      i++;
      if (text.charCodeAt(i) === 92 && i + 1 < text.length) i++;
      high = text.codePointAt(i) as number;
      i += high > 0xffff ? 2 : 1;
    }
    ranges.push(Math.min(code, high), Math.max(code, high));
  }
  return undefined;
}

/** Compiles one segment (no `/` inside). */
export function compileSegment(text: string): Segment {
  const tokens: Token[] = [];
  let wild = false;
  for (let i = 0; i < text.length; ) {
    const code = text.codePointAt(i) as number;
    if (code === 42 /* * */) {
      wild = true;
      if (tokens[tokens.length - 1] !== STAR_TOKEN) tokens.push(STAR_TOKEN);
      i++;
    } else if (code === 63 /* ? */) {
      wild = true;
      tokens.push(ANY_TOKEN);
      i++;
    } else if (code === 91 /* [ */ && parseClass(text, i) !== undefined) {
      const parsed = parseClass(text, i) as { token: Token; end: number };
      wild = true;
      tokens.push(parsed.token);
      i = parsed.end;
    } else if (code === 92 /* \ */ && i + 1 < text.length) {
      const escaped = text.codePointAt(i + 1) as number;
      tokens.push({ type: LITERAL, code: escaped });
      i += escaped > 0xffff ? 3 : 2;
    } else {
      tokens.push({ type: LITERAL, code });
      i += code > 0xffff ? 2 : 1;
    }
  }
  if (!wild)
    return tokens.map((token) => String.fromCodePoint((token as { code: number }).code)).join('');
  return tokens;
}

function inClass(
  token: { readonly negated: boolean; readonly ranges: readonly number[] },
  code: number,
): boolean {
  let hit = false;
  const ranges = token.ranges;
  for (let k = 0; k < ranges.length; k += 2) {
    if (code >= (ranges[k] as number) && code <= (ranges[k + 1] as number)) {
      hit = true;
      break;
    }
  }
  return hit !== token.negated;
}

/** Whether `text` (one segment) matches the compiled segment. */
export function matchSegment(segment: Segment, text: string): boolean {
  if (typeof segment === 'string') return segment === text;
  if (!Array.isArray(segment)) {
    const shape = segment as { readonly kind: 'prefix' | 'suffix'; readonly text: string };
    return shape.kind === 'suffix' ? text.endsWith(shape.text) : text.startsWith(shape.text);
  }
  const tokens = segment as readonly Token[];
  let t = 0;
  let s = 0;
  let starT = -1;
  let starS = 0;
  while (s < text.length) {
    if (t < tokens.length) {
      const token = tokens[t] as Token;
      if (token.type === STAR) {
        starT = t;
        starS = s;
        t++;
        continue;
      }
      const code = text.codePointAt(s) as number;
      const ok =
        token.type === ANY || (token.type === LITERAL ? token.code === code : inClass(token, code));
      if (ok) {
        t++;
        s += code > 0xffff ? 2 : 1;
        continue;
      }
    }
    if (starT < 0) return false;
    t = starT + 1;
    starS += (text.codePointAt(starS) as number) > 0xffff ? 2 : 1;
    s = starS;
  }
  while (t < tokens.length && (tokens[t] as Token).type === STAR) t++;
  return t === tokens.length;
}

/**
 * Whether `text[start, end)` matches the segment; the literal, prefix and
 * suffix shapes are compared in place without slicing.
 */
export function matchSegmentAt(
  segment: Segment,
  text: string,
  start: number,
  end: number,
): boolean {
  if (typeof segment === 'string') {
    return end - start === segment.length && text.startsWith(segment, start);
  }
  if (!Array.isArray(segment)) {
    const shape = segment as { readonly kind: 'prefix' | 'suffix'; readonly text: string };
    if (end - start < shape.text.length) return false;
    return shape.kind === 'suffix'
      ? text.endsWith(shape.text, end)
      : text.startsWith(shape.text, start);
  }
  return matchSegment(segment, text.slice(start, end));
}
