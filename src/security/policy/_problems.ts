import type { PolicyProblem } from './policy-errors.js';

/** Collects problems up to a cap, counting the ones past it. */
export class Problems {
  readonly list: PolicyProblem[] = [];
  omitted = 0;

  constructor(private readonly max: number) {}

  add(path: string, message: string): void {
    if (this.list.length < this.max) this.list.push({ path, message });
    else this.omitted++;
  }

  get count(): number {
    return this.list.length + this.omitted;
  }
}

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `parent.key`, or `parent["odd key"]` when the key is not identifier-like. */
export function childPath(parent: string, key: string): string {
  if (PLAIN_KEY.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** `parent[index]`. */
export function itemPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A short, single-line rendering of an offending value for messages. */
export function show(value: unknown): string {
  let text: string;
  try {
    if (typeof value === 'string') text = JSON.stringify(value);
    else if (typeof value === 'bigint') text = `${value}n`;
    else if (value === undefined || typeof value === 'function' || typeof value === 'symbol')
      text = typeof value;
    else if (Array.isArray(value)) text = `an array of ${value.length}`;
    else if (typeof value === 'object' && value !== null) text = 'an object';
    else text = String(value);
  } catch {
    text = 'a value that cannot be shown';
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** What kind of value this is, in words, for "must be X, got Y" messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return `the string ${show(value)}`;
    case 'number':
      return `the number ${show(value)}`;
    case 'boolean':
      return `${value}`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}

/** Levenshtein distance, bounded: gives up (returns limit + 1) past `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      row.push(value);
      if (value < best) best = value;
    }
    if (best > limit) return limit + 1;
    previous = row;
  }
  return previous[b.length] ?? limit + 1;
}

const squash = (key: string): string => key.toLowerCase().replace(/[_-]/g, '');

/** The known key an unknown one was probably meant to be (`allow_paths` -> `allowPaths`). */
export function suggestKey(key: string, known: readonly string[]): string | undefined {
  if (key.length > 64) return undefined;
  const flat = squash(key);
  const same = known.find((candidate) => squash(candidate) === flat);
  if (same !== undefined) return same;
  if (flat.length < 4) return undefined;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of known) {
    const d = distance(flat, squash(candidate), 2);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** "unknown key 'x' (did you mean 'y'?); known keys: a, b, c". */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const hint = suggestKey(key, known);
  const name = show(key);
  return hint === undefined
    ? `unknown key ${name}; known keys: ${known.join(', ')}`
    : `unknown key ${name} (did you mean '${hint}'?)`;
}
