import { ValidationError } from 'skreaver';

function invalid(option: string, value: unknown, rule: string): ValidationError {
  return new ValidationError('invalid_options', `The MCP option '${option}' must be ${rule}.`, {
    data: { option, value },
  });
}

/** A whole number of milliseconds or items at least `min`, or `fallback` when absent. */
export function integerOption(
  option: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(option, value, `an integer of at least ${min}`);
  }
  return value;
}

/** A non-empty string, or `fallback` when absent. */
export function stringOption(option: string, value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(option, value, 'a non-empty string');
  }
  return value;
}

/** A list of non-empty strings, or `fallback` when absent. */
export function stringListOption(
  option: string,
  value: readonly string[] | undefined,
  fallback: readonly string[],
): readonly string[] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
    throw invalid(option, value, 'an array of non-empty strings');
  }
  return [...value];
}

/** A function, or undefined when absent. */
export function functionOption<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw invalid(option, value, 'a function');
  }
  return value;
}

/** Throws `invalid_options` for `option`. */
export function invalidOption(option: string, value: unknown, rule: string): ValidationError {
  return invalid(option, value, rule);
}
