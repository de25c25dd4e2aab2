/** The value a capped label takes once its distinct values are used up. */
export const OTHER = 'other';

/** Admits the first `max` distinct values of one label and folds the rest into `other`. */
export interface LabelGuard {
  /** The label value to record for `value`. */
  admit(value: string): string;
  /** Distinct values admitted so far (not counting `other`). */
  readonly size: number;
}

export function createLabelGuard(max: number): LabelGuard {
  const admitted = new Set<string>();
  return {
    admit(value) {
      if (value === OTHER || admitted.has(value)) return value;
      if (admitted.size >= max) return OTHER;
      admitted.add(value);
      return value;
    },
    get size() {
      return admitted.size;
    },
  };
}

const METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'CONNECT',
  'TRACE',
]);

/** The standard HTTP methods keep their (upper-case) name; anything else is `other`. */
export function methodLabel(method: unknown): string {
  if (typeof method !== 'string') return OTHER;
  const upper = method.toUpperCase();
  return METHODS.has(upper) ? upper : OTHER;
}

/** A status code 100-599 as its decimal text; anything else is `other`. */
export function statusLabel(status: unknown): string {
  return typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599
    ? String(status)
    : OTHER;
}

/** Seconds from a duration in milliseconds, or undefined when it is not a usable duration. */
export function seconds(durationMs: unknown): number | undefined {
  return typeof durationMs === 'number' && Number.isFinite(durationMs) && durationMs >= 0
    ? durationMs / 1000
    : undefined;
}

/** A byte count that a size histogram can take, or undefined. */
export function byteCount(bytes: unknown): number | undefined {
  return typeof bytes === 'number' && Number.isFinite(bytes) && bytes >= 0 ? bytes : undefined;
}
