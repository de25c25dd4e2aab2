import { ValidationError } from 'skreaver';
import { STANDARD_TOOL_LIMITS, type StandardToolOptions } from './options.js';

function refuseOption(factory: string, name: string, value: unknown, rule: string): never {
  throw new ValidationError('invalid_options', `${factory}: option '${name}' ${rule}.`, {
    data: { option: name, value },
  });
}

/** An integer option of at least `min` (`words` names the rule in the message), or its default. */
function integerAtLeast(
  min: number,
  words: string,
  factory: string,
  name: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    refuseOption(factory, name, value, `must be ${words}, got ${String(value)}`);
  }
  return value;
}

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
  return integerAtLeast(1, 'a positive integer', factory, name, value, fallback);
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
  return integerAtLeast(0, 'a non-negative integer', factory, name, value, fallback);
}

/**
 * Reads the `maxInputBytes` every standard tool takes, or its default.
 *
 * @throws `ValidationError` with code `invalid_options` for anything but a positive safe integer.
 */
export function inputLimit(factory: string, options: StandardToolOptions): number {
  return positiveInteger(
    factory,
    'maxInputBytes',
    options.maxInputBytes,
    STANDARD_TOOL_LIMITS.maxInputBytes,
  );
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
    const listed = allowed.map((a) => `'${a}'`).join(', ');
    refuseOption(factory, name, value, `must be one of ${listed}, got ${String(value)}`);
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
    refuseOption(factory, name, value, 'must be an array of strings');
  }
  return value;
}
