import { ValidationError } from 'skreaver';

/**
 * Reads a positive integer option, or its default.
 *
 * @throws `ValidationError` with code `invalid_options` for anything but a positive safe integer.
 */
export function positiveInteger(
  factory: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(
      'invalid_options',
      `${factory}: option '${name}' must be a positive integer, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

/**
 * Reads an option that must be one of a few strings, or its default.
 *
 * @throws `ValidationError` with code `invalid_options` for any other value.
 */
export function oneOf<T extends string>(
  factory: string,
  name: string,
  value: T | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value)) {
    throw new ValidationError(
      'invalid_options',
      `${factory}: option '${name}' must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

/**
 * Reads a non-negative integer option (0 allowed), or its default.
 *
 * @throws `ValidationError` with code `invalid_options` for anything but a non-negative safe integer.
 */
export function nonNegativeInteger(
  factory: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(
      'invalid_options',
      `${factory}: option '${name}' must be a non-negative integer, got ${String(value)}.`,
      { data: { option: name, value } },
    );
  }
  return value;
}

/**
 * Reads an option that must be a list of strings, or returns `undefined`.
 *
 * @throws `ValidationError` with code `invalid_options` for anything else.
 */
export function stringList(
  factory: string,
  name: string,
  value: readonly string[] | undefined,
): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((entry) => typeof entry === 'string')) {
    throw new ValidationError(
      'invalid_options',
      `${factory}: option '${name}' must be an array of strings.`,
      { data: { option: name, value } },
    );
  }
  return value;
}
