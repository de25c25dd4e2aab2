import { kindOf, show } from './_problems.js';
import { POLICY_LIMITS } from './policy-limits.js';

/** Checks one value; a message says what is wrong, `undefined` means fine. */
export type Rule = (value: unknown) => string | undefined;

// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

export const bool: Rule = (value) =>
  typeof value === 'boolean' ? undefined : `must be true or false, got ${kindOf(value)}`;

function plural(n: number, unit: string): string {
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** An integer within `range`; `unit` words the bounds in messages. */
export function integer(range: { readonly min: number; readonly max: number }, unit = ''): Rule {
  const bounds = `from ${range.min} to ${range.max}${unit === '' ? '' : ` (${unit})`}`;
  return (value) => {
    if (typeof value !== 'number') return `must be an integer ${bounds}, got ${kindOf(value)}`;
    if (!Number.isInteger(value)) return `must be a whole number ${bounds}, got ${show(value)}`;
    if (value < range.min || value > range.max) return `must be ${bounds}, got ${value}`;
    return undefined;
  };
}

export function oneOf(values: readonly string[]): Rule {
  const names = values.map((v) => `'${v}'`).join(', ');
  return (value) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : `must be one of ${names}, got ${kindOf(value)}`;
}

/** A string of `min..max` characters with no control characters. */
export function text(range: { readonly min: number; readonly max: number }): Rule {
  return (value) => {
    if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
    if (value.length < range.min) return 'must not be empty';
    if (value.length > range.max)
      return `must be at most ${plural(range.max, 'character')}, got ${value.length}`;
    if (CONTROL.test(value)) return 'must not contain control characters (line breaks, tabs, NUL)';
    return undefined;
  };
}

const entryText = text({ min: 1, max: POLICY_LIMITS.maxStringLength });

const WINDOWS_ABSOLUTE = /^(?:[A-Za-z]:[\\/]|\\\\[^\\/]+[\\/])/;

/** An absolute path with no `..` segment. */
export const absolutePath: Rule = (value) => {
  const problem = entryText(value);
  if (problem !== undefined) return problem;
  const path = value as string;
  if (!path.startsWith('/') && !WINDOWS_ABSOLUTE.test(path)) {
    return `must be an absolute path (like '/srv/data' or 'C:\\data'), got ${show(path)}; relative roots would depend on the working directory`;
  }
  if (path.split(/[\\/]/).includes('..')) {
    return `must not contain a '..' segment, got ${show(path)}; write the resolved path`;
  }
  return undefined;
};

/** A glob: non-empty, balanced `[...]` and `{...}`. */
export const glob: Rule = (value) => {
  const problem = entryText(value);
  if (problem !== undefined) return problem;
  let square = false;
  let curly = 0;
  const pattern = value as string;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') i++;
    else if (square) {
      if (c === ']') square = false;
    } else if (c === '[') square = true;
    else if (c === '{') curly++;
    else if (c === '}') {
      if (curly === 0) return `has a '}' with no matching '{': ${show(pattern)}`;
      curly--;
    }
  }
  if (square) return `has a '[' with no matching ']': ${show(pattern)}`;
  if (curly > 0) return `has a '{' with no matching '}': ${show(pattern)}`;
  return undefined;
};

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;
const IPV4 = /^(?:\d{1,3}\.){3}\d{1,3}$/;
const IPV6 = /^\[[0-9a-f:.]{2,45}\]$/;

function hostname(host: string): string | undefined {
  if (host.length > 253) return `is longer than 253 characters: ${show(host)}`;
  if (/[A-Z]/.test(host))
    return `must be lower-case (hosts are compared lower-cased): ${show(host)}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is the point.
  if (/[^\u0000-\u007f]/.test(host)) {
    return `must be ASCII; write internationalised names in their xn-- form: ${show(host)}`;
  }
  if (host.endsWith('.')) return `must not end with a dot: ${show(host)}`;
  const labels = host.split('.');
  if (labels.some((label) => !LABEL.test(label))) {
    return `is not a valid host name (labels of 1-63 letters, digits, '-' or '_', not starting or ending with '-'): ${show(host)}`;
  }
  if (labels.every((label) => /^\d+$/.test(label))) {
    if (!IPV4.test(host) || labels.some((label) => Number(label) > 255)) {
      return `is not a valid IPv4 address: ${show(host)}`;
    }
  }
  return undefined;
}

/** `*`, `*.example.com`, `example.com`, `192.0.2.1` or `[2001:db8::1]`. */
export const domainPattern: Rule = (value) => {
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (value === '') return 'must not be empty';
  if (value === '*') return undefined;
  if (value.startsWith('[') || value.includes(':')) {
    return IPV6.test(value)
      ? undefined
      : `is not a valid IPv6 address; write it lower-case in brackets, like '[2001:db8::1]': ${show(value)}`;
  }
  if (/^[\d.]+\.\*$/.test(value)) {
    return `IP prefixes like ${show(value)} are not patterns here; private and loopback ranges are refused unless http.allowPrivateNetworks is true`;
  }
  const host = value.startsWith('*.') ? value.slice(2) : value;
  if (host.includes('*')) {
    return `may use '*' only as the whole first label ('*.example.com') or alone ('*'): ${show(value)}`;
  }
  const problem = hostname(host);
  if (problem !== undefined) return problem;
  if (host !== value && IPV4.test(host)) {
    return `'*.' cannot prefix an IP address: ${show(value)}`;
  }
  return undefined;
};

export const method: Rule = (value) => {
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (/^[A-Z][A-Z_-]{0,31}$/.test(value)) return undefined;
  if (/^[A-Za-z][A-Za-z_-]{0,31}$/.test(value)) {
    return `must be upper-case: write '${value.toUpperCase()}', not ${show(value)}`;
  }
  return `must be an HTTP method name (letters, like 'GET'), got ${show(value)}`;
};

export const port: Rule = integer(POLICY_LIMITS.port);

const MEDIA_TOKEN = '[a-z0-9][a-z0-9!#$&^_.+-]{0,126}';
const MEDIA_TYPE = new RegExp(`^${MEDIA_TOKEN}/(?:\\*|${MEDIA_TOKEN})$`);

export const contentType: Rule = (value) => {
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (MEDIA_TYPE.test(value)) return undefined;
  if (MEDIA_TYPE.test(value.toLowerCase())) {
    return `must be lower-case: write '${value.toLowerCase()}'`;
  }
  return `must be a media type like 'application/json' or 'text/*' (no parameters), got ${show(value)}`;
};

/** A tool name or a glob of one (`*` and `?` only). */
export const toolGlob: Rule = (value) => {
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (/^[A-Za-z0-9_*?-]{1,64}$/.test(value)) return undefined;
  return `must be a tool name or a glob of one (letters, digits, '_', '-', '*', '?'; up to 64), got ${show(value)}`;
};

export const envPrefix: Rule = (value) => {
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(value)) return undefined;
  return `must be an environment variable prefix (letters, digits, '_'; not starting with a digit), got ${show(value)}`;
};

/** True when a repeating quantifier (`*`, `+`, `{n,}`, `{n,m}` with m > 1) starts at `i`. */
function repeatsAt(source: string, i: number): boolean {
  const c = source[i];
  if (c === '*' || c === '+') return true;
  if (c !== '{') return false;
  const match = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i, i + 24));
  if (match === null) return false;
  if (match[2] === undefined) return Number(match[1]) > 1;
  return match[3] === '' || Number(match[3]) > 1;
}

/**
 * Whether a regex source repeats a group that itself repeats (`(a+)+`,
 * `(?:x*y)*`): the shape that backtracks exponentially. A heuristic, not a
 * proof of linearity.
 */
export function hasNestedQuantifier(source: string): boolean {
  const stack: boolean[] = [];
  let repeated = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      stack.push(repeated);
      repeated = false;
    } else if (c === ')') {
      const inner: boolean = repeated;
      repeated = (stack.pop() ?? false) || inner;
      if (inner && repeatsAt(source, i + 1)) return true;
    } else if (repeatsAt(source, i)) repeated = true;
  }
  return false;
}

/** A regular-expression source usable as a secret detector. */
export const regexSource: Rule = (value) => {
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (value === '') return 'must not be empty';
  if (value.length > POLICY_LIMITS.maxPatternLength) {
    return `must be at most ${POLICY_LIMITS.maxPatternLength} characters, got ${value.length}`;
  }
  let regex: RegExp;
  try {
    regex = new RegExp(value, 'u');
  } catch (error) {
    return `is not a valid regular expression: ${(error as Error).message}`;
  }
  if (regex.test('')) return 'matches the empty string, so it would flag every input';
  if (hasNestedQuantifier(value)) {
    return `repeats a group that itself repeats (like '(a+)+'), which can take exponential time; rewrite it without the nesting`;
  }
  return undefined;
};
