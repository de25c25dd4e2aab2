import { SecurityError } from '../../errors/families.js';
import type { KeyCache } from '../secrets/_key-cache.js';
import { sensitiveValue } from '../secrets/_walk.js';
import { REDACTED, type SecretScanner } from '../secrets/scanner.js';
import { MAX_SIZE_DEPTH } from './_json-size.js';

/** What a scan of a tool's input or output found. */
export interface Inspection {
  /** Detector names of the secrets found, each once, in order found. */
  readonly detectors: readonly string[];
  /** The value with each secret replaced by `[REDACTED]` (when redacting). */
  readonly value: unknown;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/**
 * Looks for secrets in every string of a JSON-like value and in values
 * under secret-named keys; with `redact`, builds a copy with them replaced
 * (sharing unchanged parts). Returns undefined when nothing was found.
 *
 * @throws `SecurityError` `size_limit_exceeded` when a string is past the
 * scanner's `maxLength` or the value nests past {@link MAX_SIZE_DEPTH}.
 */
export function inspectSecrets(
  root: unknown,
  scanner: SecretScanner,
  keys: KeyCache,
  redact: boolean,
): Inspection | undefined {
  let detectors: string[] | undefined;
  const add = (name: string): void => {
    detectors ??= [];
    if (!detectors.includes(name)) detectors.push(name);
  };
  const ancestors: object[] = [];
  const visit = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') {
      if (!scanner.hasSecret(value)) return value;
      for (const finding of scanner.scan(value)) add(finding.detector);
      return redact ? scanner.redact(value) : value;
    }
    if (typeof value !== 'object' || value === null || ancestors.includes(value)) return value;
    if (depth >= MAX_SIZE_DEPTH) {
      throw new SecurityError(
        'size_limit_exceeded',
        `The value nests deeper than ${MAX_SIZE_DEPTH} levels, too deep to scan for secrets.`,
        { data: { reason: 'depth', limit: MAX_SIZE_DEPTH } },
      );
    }
    ancestors.push(value);
    let copy: unknown[] | Record<string, unknown> | undefined;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = visit(item, depth + 1);
        if (redact && next !== item && copy === undefined) copy = value.slice(0, i);
        (copy as unknown[] | undefined)?.push(next);
      }
    } else {
      const fields = Object.keys(value);
      for (let i = 0; i < fields.length; i++) {
        const key = fields[i] as string;
        const field: unknown = (value as Record<string, unknown>)[key];
        let next = field;
        if (keys.sensitive(key) && sensitiveValue(field) !== undefined) {
          add('sensitive_field');
          next = REDACTED;
        } else next = visit(field, depth + 1);
        if (redact && next !== field && copy === undefined) {
          copy = {};
          for (let j = 0; j < i; j++) {
            const earlier = fields[j] as string;
            define(copy, earlier, (value as Record<string, unknown>)[earlier]);
          }
        }
        if (copy !== undefined) define(copy as Record<string, unknown>, key, next);
      }
    }
    ancestors.pop();
    return copy ?? value;
  };
  const value = visit(root, 0);
  return detectors === undefined ? undefined : { detectors, value };
}
