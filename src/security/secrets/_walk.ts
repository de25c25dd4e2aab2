import { SecurityError } from '../../errors/families.js';
import { isPlaceholder } from './_values.js';
import type { SecretDetectorName } from './detectors.js';
import type { SecretFinding } from './scanner.js';

/** A secret inside a JSON-like value. */
export interface ValueSecretFinding {
  /** JSON Pointer of the string or field holding it (`/headers/Authorization`); `''` for the value itself. */
  readonly path: string;
  /** The detector, or `sensitive_field` for a value under a secret-named key. */
  readonly detector: SecretDetectorName | 'custom' | 'sensitive_field';
  /** Start of the secret within that string. */
  readonly start: number;
  /** End of the secret within that string. */
  readonly end: number;
}

interface WalkOptions {
  readonly maxDepth: number;
  /** Decides secret-named keys; undefined when they are not treated specially. */
  readonly keys: { sensitive(key: string): boolean } | undefined;
}

const pointer = (parent: string, key: string | number): string =>
  `${parent}/${typeof key === 'number' ? key : key.replace(/~/g, '~0').replace(/\//g, '~1')}`;

function tooDeep(maxDepth: number): SecurityError {
  return new SecurityError(
    'size_limit_exceeded',
    `The value is nested more than ${maxDepth} levels deep, too deep to scan for secrets.`,
    { data: { reason: 'depth', limit: maxDepth } },
  );
}

/**
 * The length of a value under a secret-named key when it is itself a secret
 * (not empty, a flag, null or a placeholder); undefined otherwise.
 */
export function sensitiveValue(value: unknown): number | undefined {
  if (typeof value === 'string') {
    return value === '' || isPlaceholder(value) ? undefined : value.length;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value).length;
  return undefined;
}

/**
 * Every secret in a JSON-like value.
 * @throws `SecurityError` `size_limit_exceeded` for a string past the scanner's limit or nesting past `maxDepth`.
 */
export function walkSecrets(
  root: unknown,
  scan: (text: string) => SecretFinding[],
  options: WalkOptions,
): ValueSecretFinding[] {
  const found: ValueSecretFinding[] = [];
  const ancestors: object[] = [];
  const visit = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') {
      for (const f of scan(value))
        found.push({ path, detector: f.detector, start: f.start, end: f.end });
      return;
    }
    if (typeof value !== 'object' || value === null || ancestors.includes(value)) return;
    if (depth >= options.maxDepth) throw tooDeep(options.maxDepth);
    ancestors.push(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) visit(value[i], pointer(path, i), depth + 1);
    } else {
      for (const key of Object.keys(value)) {
        const field: unknown = (value as Record<string, unknown>)[key];
        const at = pointer(path, key);
        const length = options.keys?.sensitive(key) ? sensitiveValue(field) : undefined;
        if (length !== undefined)
          found.push({ path: at, detector: 'sensitive_field', start: 0, end: length });
        else visit(field, at, depth + 1);
      }
    }
    ancestors.pop();
  };
  visit(root, '', 0);
  return found;
}

function redactable(value: unknown): boolean {
  return (
    (typeof value === 'string' && value !== '') ||
    typeof value === 'number' ||
    typeof value === 'bigint' ||
    (typeof value === 'object' && value !== null)
  );
}

/**
 * A redacted copy of a JSON-like value, sharing unchanged parts. Never
 * throws: unreadable parts become `[UNREADABLE]`, cycles `[CIRCULAR]`,
 * parts past `maxDepth` `[TRUNCATED]`.
 */
export function redactWalk(
  root: unknown,
  redact: (text: string) => string,
  options: WalkOptions,
): unknown {
  const ancestors: object[] = [];
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value !== 'object' || value === null) return value;
    if (ancestors.includes(value)) return '[CIRCULAR]';
    if (depth >= options.maxDepth) return '[TRUNCATED]';
    ancestors.push(value);
    try {
      if (value instanceof Error) {
        const error: Record<string, unknown> = {
          name: redact(String(value.name)),
          message: redact(String(value.message)),
        };
        const code: unknown = (value as { code?: unknown }).code;
        if (typeof code === 'string') error.code = redact(code);
        return error;
      }
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return visit(toJSON.call(value), depth);
      if (Array.isArray(value)) {
        let copy: unknown[] | undefined;
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          const next = visit(item, depth + 1);
          if (next !== item && copy === undefined) copy = value.slice(0, i);
          copy?.push(next);
        }
        return copy ?? value;
      }
      let copy: Record<string, unknown> | undefined;
      const keys = Object.keys(value);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const field: unknown = (value as Record<string, unknown>)[key];
        const next =
          options.keys?.sensitive(key) && redactable(field)
            ? '[REDACTED]'
            : visit(field, depth + 1);
        if (next !== field && copy === undefined) {
          copy = {};
          for (let j = 0; j < i; j++) {
            const earlier = keys[j] as string;
            Object.defineProperty(copy, earlier, {
              value: (value as Record<string, unknown>)[earlier],
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
        }
        if (copy !== undefined) {
          Object.defineProperty(copy, key, {
            value: next,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        }
      }
      return copy ?? value;
    } catch {
      return '[UNREADABLE]';
    } finally {
      ancestors.pop();
    }
  };
  return visit(root, 0);
}
