import type { Translation } from './_context.js';
import type { TomlPath } from './_locate.js';

/** Returned by a conversion to drop the value (it reported a problem). */
export const SKIP: unique symbol = Symbol('skip');

/** Converts a TOML value to the policy's form (seconds to milliseconds, `WARN` to `warning`). */
export type Convert = (value: unknown, at: TomlPath, t: Translation) => unknown;

/** Handles an original-layout key that sets several fields (`access = { ... }`). */
export type Special = (
  value: unknown,
  at: TomlPath,
  out: Record<string, unknown>,
  outPath: string,
  t: Translation,
) => void;

/** What one TOML key does. */
export type KeyRule =
  | { readonly kind: 'field'; readonly target: string; readonly convert?: Convert }
  | { readonly kind: 'ignored'; readonly note: string }
  | { readonly kind: 'special'; readonly apply: Special };

/** The keys of one section: rules by key, and the names to suggest. */
export interface SectionRules {
  readonly rules: Readonly<Record<string, KeyRule>>;
  readonly known: readonly string[];
}

/** `allowPaths` -> `allow_paths`. */
export const snake = (camel: string): string =>
  camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * A section whose policy fields are accepted as written (camelCase) and in
 * snake_case, plus extra keys (aliases from the original layout, ignored
 * keys, `access`).
 */
export function section(
  fields: readonly string[],
  extra: Readonly<Record<string, KeyRule>> = {},
): SectionRules {
  const rules: Record<string, KeyRule> = {};
  for (const field of fields) {
    rules[field] = { kind: 'field', target: field };
    rules[snake(field)] = { kind: 'field', target: field };
  }
  Object.assign(rules, extra);
  return { rules, known: [...fields.map(snake), ...Object.keys(extra)] };
}

export const alias = (target: string, convert?: Convert): KeyRule =>
  convert === undefined ? { kind: 'field', target } : { kind: 'field', target, convert };

export const ignored = (note: string): KeyRule => ({ kind: 'ignored', note });

/** Whole seconds (1..86400) to milliseconds, for the original's `timeout` keys. */
export const seconds: Convert = (value, at, t) => {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 86_400) {
    return value * 1000;
  }
  t.problem(
    at,
    'must be a whole number of seconds from 1 to 86400 (or give the *_ms key in milliseconds)',
  );
  return SKIP;
};

const LOG_LEVELS: Readonly<Record<string, string>> = {
  ERROR: 'error',
  WARN: 'warning',
  WARNING: 'warning',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'debug',
};

/** The original's upper-case `log_level` to the policy's `level`. */
export const logLevel: Convert = (value, at, t) => {
  if (typeof value === 'string' && Object.hasOwn(LOG_LEVELS, value.toUpperCase())) {
    if (value.toUpperCase() === 'TRACE') t.warn(at, "TRACE is treated as 'debug'");
    return LOG_LEVELS[value.toUpperCase()];
  }
  return value;
};
